"""Channels and the messages stored in them, as the fake Slack API keeps them.

Message timestamps are Slack's ``"<seconds>.<microseconds>"`` strings. They are unique and
strictly increasing across the whole workspace (Slack guarantees uniqueness per channel, ours is
stronger) and come from a counter, not the wall clock, so runs are reproducible. They are
compared as decimals, as Slack compares ``oldest`` and ``latest``.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

__all__ = ["ChannelStore", "FakeChannel", "StoredMessage", "ts_value"]

_TS_START = 1_716_800_000_000_100
"""Microseconds of the first ``ts`` handed out: ``"1716800000.000100"``."""
_TS_STEP = 100


def ts_value(ts: str) -> Decimal:
    """A ``ts`` (or ``oldest``/``latest`` bound) as a number; unparsable values raise ValueError."""
    try:
        return Decimal(ts)
    except InvalidOperation as exc:
        raise ValueError(f"not a Slack timestamp: {ts!r}") from exc


@dataclass
class StoredMessage:
    """One message as the channel now shows it.

    Attributes:
        channel: Channel ID.
        ts: Its unique timestamp (Slack's message ID).
        text: Top-level ``text`` (truncated like Slack's at 40,000 characters).
        blocks: Decoded ``blocks``, or ``None``.
        metadata: ``{"event_type", "event_payload"}``, or ``None``.
        thread_ts: Parent ``ts`` for a reply; a parent with replies carries its own ``ts``.
        user: The posting bot's user ID.
        bot_id: The posting bot's bot ID.
        args: Every argument of the call that last wrote it (post or update), for assertions
            on fields the fake does not model (``unfurl_links``, ``username``...).
        edited: ``ts`` of the last ``chat.update`` that changed it, or ``None``.
        replies: ``ts`` of its thread replies, oldest first.
    """

    channel: str
    ts: str
    text: str
    blocks: list[Any] | None
    metadata: dict[str, Any] | None
    thread_ts: str | None
    user: str
    bot_id: str
    args: dict[str, Any]
    edited: str | None = None
    replies: list[str] = field(default_factory=list)

    @property
    def is_reply(self) -> bool:
        """A thread reply (not shown by ``conversations.history`` unless broadcast)."""
        return self.thread_ts is not None and self.thread_ts != self.ts

    def to_api(self, *, include_metadata: bool = True) -> dict[str, Any]:
        """The message object Slack returns in API responses."""
        message: dict[str, Any] = {
            "type": "message",
            "ts": self.ts,
            "user": self.user,
            "bot_id": self.bot_id,
            "text": self.text,
        }
        if self.blocks is not None:
            message["blocks"] = self.blocks
        if self.thread_ts is not None:
            message["thread_ts"] = self.thread_ts
        if self.replies:
            message["reply_count"] = len(self.replies)
            message["latest_reply"] = self.replies[-1]
        if self.edited is not None:
            message["edited"] = {"user": self.user, "ts": self.edited}
        if include_metadata and self.metadata is not None:
            message["metadata"] = self.metadata
        return message


@dataclass
class FakeChannel:
    """A conversation and what has been posted in it.

    Attributes:
        id: Channel ID (``C…``).
        name: Display name, for ``conversations.info``.
        archived: Writes answer ``is_archived``.
        member: When ``False``, calls answer ``not_in_channel`` (the bot was never invited).
        error: When set, every call naming the channel answers this error code.
        messages: Stored messages and replies, oldest first.
        ephemerals: ``chat.postEphemeral`` messages (never in history), oldest first.
        user: For a direct message (``D…``) with the bot, the other member's user ID;
            ``None`` for channels.
    """

    id: str
    name: str
    archived: bool = False
    member: bool = True
    error: str | None = None
    messages: list[StoredMessage] = field(default_factory=list)
    ephemerals: list[StoredMessage] = field(default_factory=list)
    user: str | None = None

    @property
    def is_im(self) -> bool:
        """A direct message between the bot and one user."""
        return self.user is not None

    def find(self, ts: str) -> StoredMessage | None:
        """The stored message with this ``ts``, if any."""
        return next((m for m in self.messages if m.ts == ts), None)

    def to_api(self) -> dict[str, Any]:
        """The conversation object of ``conversations.info``."""
        if self.user is not None:
            return {"id": self.id, "is_im": True, "user": self.user, "is_open": True}
        return {
            "id": self.id,
            "name": self.name,
            "is_channel": True,
            "is_private": False,
            "is_archived": self.archived,
            "is_member": self.member,
        }


class ChannelStore:
    """All channels of the fake workspace.

    Args:
        declared: Channel IDs that exist. ``None`` means any ID names a channel, created on
            first use, which suits tests that do not care about ``channel_not_found``.
    """

    def __init__(
        self,
        declared: Iterable[str] | None = None,
        wall_clock: Callable[[], float] | None = None,
    ) -> None:
        self._open = declared is None
        self._channels: dict[str, FakeChannel] = {}
        self._next_ts = _TS_START
        self._wall_clock = wall_clock
        for channel_id in declared or ():
            self.add(channel_id)

    def add(self, channel_id: str, name: str | None = None, **flags: Any) -> FakeChannel:
        """Declare (or redeclare) a channel; ``flags`` are :class:`FakeChannel` fields."""
        channel = FakeChannel(channel_id, name or channel_id.lower(), **flags)
        self._channels[channel_id] = channel
        return channel

    def get(self, channel_id: str | None) -> FakeChannel | None:
        """The channel, creating it in open mode; ``None`` when Slack would say not found."""
        if not channel_id:
            return None
        if channel_id not in self._channels and self._open:
            self.add(channel_id)
        return self._channels.get(channel_id)

    def find(self, channel_id: str) -> FakeChannel | None:
        """The channel if it exists already; never creates one, even in open mode."""
        return self._channels.get(channel_id)

    def __iter__(self) -> Iterator[FakeChannel]:
        return iter(self._channels.values())

    def next_ts(self) -> str:
        """A fresh timestamp, later than every one handed out before."""
        if self._wall_clock is not None:  # like Slack: the time of posting, and unique
            self._next_ts = max(self._next_ts, int(self._wall_clock() * 1_000_000))
        micros, self._next_ts = self._next_ts, self._next_ts + _TS_STEP
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def store(self, channel: FakeChannel, message: StoredMessage) -> None:
        """Keep a message and link a reply to its parent, as Slack's thread view does."""
        channel.messages.append(message)
        if message.is_reply and message.thread_ts is not None:
            parent = channel.find(message.thread_ts)
            if parent is not None:
                parent.thread_ts = parent.ts
                parent.replies.append(message.ts)

    def history(
        self,
        channel: FakeChannel,
        *,
        oldest: str = "0",
        latest: str | None = None,
        inclusive: bool = False,
        limit: int = 100,
        cursor: str | None = None,
    ) -> tuple[list[StoredMessage], str | None]:
        """One page of ``conversations.history``: top-level messages, newest first.

        Returns:
            The page and the cursor of the next one (``None`` on the last page). The cursor is
            ``base64("next_ts:<ts>")``, the shape Slack's own cursors have.

        Raises:
            ValueError: ``oldest``, ``latest`` or ``cursor`` is malformed (``invalid_ts_*`` /
                ``invalid_cursor`` in Slack's words; the caller maps it).
        """
        low = ts_value(oldest)
        high = ts_value(latest) if latest else None
        start = _decode_cursor(cursor) if cursor else None

        def wanted(message: StoredMessage) -> bool:
            value = ts_value(message.ts)
            above = value >= low if inclusive else value > low
            below = high is None or (value <= high if inclusive else value < high)
            return above and below and (start is None or value <= start)

        candidates = [m for m in reversed(channel.messages) if not m.is_reply and wanted(m)]
        page, rest = candidates[:limit], candidates[limit:]
        return page, (_encode_cursor(rest[0].ts) if rest else None)


def _encode_cursor(ts: str) -> str:
    return base64.b64encode(f"next_ts:{ts}".encode()).decode()


def _decode_cursor(cursor: str) -> Decimal:
    try:
        prefix, _, ts = base64.b64decode(cursor, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise ValueError(f"invalid cursor {cursor!r}") from exc
    if prefix != "next_ts":
        raise ValueError(f"invalid cursor {cursor!r}")
    return ts_value(ts)
