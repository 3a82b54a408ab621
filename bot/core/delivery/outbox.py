"""The delivery outbox: what every channel must receive, and whether it has.

A delivery is *planned* before anything is sent: one row per (platform, channel, digest date,
paper) under a unique key, in one transaction, so planning twice plans nothing new and a crash
after planning loses nothing. A row moves ``pending → sending → sent`` and is marked sent only
with the platform's message id in hand; a row found ``sending`` at start was interrupted and is
reconciled (did the platform get it?) before anything is resent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

from bot.core.clock import Clock
from bot.core.delivery.poster import Posted
from bot.storage.sqlite.store import Store

__all__ = ["HEADER", "RATE_LIMITED", "ChannelStatus", "Outbox", "OutboxRow", "Requeued", "RowState"]

HEADER: Final = "header"
#: How a row's ``last_error`` starts when it waits out a 429, not an error of its own.
RATE_LIMITED: Final = "rate limited"
_COLUMNS: Final = (
    "id, platform, channel, digest_date, paper, position, sections, in_thread, state, "
    "attempts, not_before, attempted_at, last_error, message_id, thread_id"
)


class RowState(StrEnum):
    """Where a planned message stands."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class OutboxRow:
    """One planned message."""

    id: int
    platform: str
    channel: str
    digest_date: str
    paper: str
    position: int
    sections: str
    in_thread: bool
    state: RowState
    attempts: int
    not_before: float
    attempted_at: float | None
    last_error: str | None
    message_id: str | None
    thread_id: str | None

    @property
    def is_header(self) -> bool:
        """The digest header card rather than a paper card."""
        return self.paper == HEADER

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> OutboxRow:
        """Build from a ``SELECT {_COLUMNS}`` row."""
        values = list(row)
        values[7] = bool(values[7])
        values[8] = RowState(values[8])
        return cls(*values)


@dataclass(frozen=True, slots=True)
class ChannelStatus:
    """What ``paperbot status`` shows for one channel."""

    platform: str
    channel: str
    last_delivered: str | None
    pending: int
    sending: int
    failed: tuple[tuple[str, str, str], ...]  # (digest date, paper, reason)
    paused: str | None


@dataclass(frozen=True, slots=True)
class Requeued:
    """What ``paperbot retry`` did to one channel."""

    platform: str
    channel: str
    requeued: int  # failed messages back in the queue
    resumed: str | None  # the reason the channel was paused, if it was


class Outbox:
    """Plans and tracks deliveries in the archive's database."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    async def plan(
        self,
        platform: str,
        channel: str,
        digest_date: dt.date,
        papers: Sequence[str],
        *,
        sections: Sequence[str] = (),
        in_thread: bool = False,
    ) -> int:
        """Plan the header and one row per paper; return how many rows were new.

        Rows that exist already (any state) are left alone: planning is idempotent, and a
        paper repeated on a later day is a new (date, paper) row, as it is a new summary.
        """
        day, now, shown = digest_date.isoformat(), self._clock.now(), ",".join(sections)
        rows = [(platform, channel, day, HEADER, 0, shown, int(in_thread), now)]
        rows += [
            (platform, channel, day, paper, n, shown, int(in_thread), now)
            for n, paper in enumerate(papers, 1)
        ]
        async with self._store.transaction() as conn:
            before = conn.total_changes
            await conn.executemany(
                "INSERT INTO outbox (platform, channel, digest_date, paper, position, sections,"
                " in_thread, planned_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (platform, channel, digest_date, paper) DO NOTHING",
                rows,
            )
            return conn.total_changes - before

    async def head(self, platform: str, channel: str) -> OutboxRow | None:
        """The channel's next row: the earliest unsent one, in digest order.

        ``sending`` comes back too (it must be reconciled before anything after it goes);
        ``failed`` rows are passed over so one bad card does not hold up the rest.
        """
        rows = await self._store.query(
            f"SELECT {_COLUMNS} FROM outbox WHERE platform = ? AND channel = ?"
            " AND state IN ('pending', 'sending') ORDER BY digest_date, position LIMIT 1",
            platform,
            channel,
        )
        return OutboxRow.from_row(rows[0]) if rows else None

    async def claim(self, row: OutboxRow) -> bool:
        """``pending → sending`` for one attempt; False if someone else moved it first."""
        async with self._store.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE outbox SET state = 'sending', attempts = attempts + 1, attempted_at = ?"
                " WHERE id = ? AND state = 'pending'",
                (self._clock.now(), row.id),
            )
            return cursor.rowcount == 1

    async def mark_sent(self, row: OutboxRow, posted: Posted) -> None:
        """The platform confirmed: record its message id."""
        async with self._store.transaction() as conn:
            await conn.execute(
                "UPDATE outbox SET state = 'sent', message_id = ?, thread_id = ?, sent_at = ?,"
                " last_error = NULL WHERE id = ?",
                (posted.message_id, posted.thread_id, self._clock.now(), row.id),
            )

    async def retry_later(
        self, row: OutboxRow, reason: str, delay: float, *, counts: bool = True
    ) -> None:
        """Back to ``pending``, not before ``delay`` seconds from now.

        Args:
            counts: Whether the attempt counts toward the row's limit. A 429 or an interrupted
                send was not the message's fault, so it does not.
        """
        async with self._store.transaction() as conn:
            await conn.execute(
                "UPDATE outbox SET state = 'pending', not_before = ?, last_error = ?,"
                " attempts = attempts - ? WHERE id = ?",
                (self._clock.now() + max(0.0, delay), reason, 0 if counts else 1, row.id),
            )

    async def defer(self, row: OutboxRow, reason: str, delay: float) -> None:
        """Look at an interrupted row again later, keeping it ``sending``.

        For reconciliation that could not ask the platform: the row must stay ``sending`` so
        the next look checks the platform first instead of resending blindly.
        """
        async with self._store.transaction() as conn:
            await conn.execute(
                "UPDATE outbox SET not_before = ?, last_error = ? WHERE id = ?",
                (self._clock.now() + max(0.0, delay), reason, row.id),
            )

    async def mark_failed(self, row: OutboxRow, reason: str) -> None:
        """Give up on this row (``paperbot retry`` requeues it)."""
        async with self._store.transaction() as conn:
            await conn.execute(
                "UPDATE outbox SET state = 'failed', last_error = ? WHERE id = ?", (reason, row.id)
            )

    async def states(
        self, platform: str, channel: str, digest_date: dt.date
    ) -> dict[str, RowState]:
        """What is planned for one channel and day: paper (or ``header``) → state."""
        rows = await self._store.query(
            "SELECT paper, state FROM outbox"
            " WHERE platform = ? AND channel = ? AND digest_date = ?",
            platform,
            channel,
            digest_date.isoformat(),
        )
        return {str(paper): RowState(state) for paper, state in rows}

    async def forget(self, platform: str, channel: str, digest_date: dt.date) -> int:
        """Drop a channel's rows for a day, so it can be posted again on purpose."""
        async with self._store.transaction() as conn:
            cursor = await conn.execute(
                "DELETE FROM outbox WHERE platform = ? AND channel = ? AND digest_date = ?"
                " AND state != 'sending'",
                (platform, channel, digest_date.isoformat()),
            )
            return cursor.rowcount

    async def header_message(self, row: OutboxRow) -> str | None:
        """The message id of the header a card belongs under (for threads)."""
        found = await self._store.query(
            "SELECT message_id FROM outbox WHERE platform = ? AND channel = ? AND digest_date = ?"
            " AND paper = ? AND state = 'sent'",
            row.platform,
            row.channel,
            row.digest_date,
            HEADER,
        )
        return str(found[0][0]) if found and found[0][0] else None

    async def channels_with_work(self) -> list[tuple[str, str]]:
        """Channels with pending or sending rows that are not paused."""
        rows = await self._store.query(
            "SELECT DISTINCT o.platform, o.channel FROM outbox o"
            " LEFT JOIN paused_channels p ON p.platform = o.platform AND p.channel = o.channel"
            " WHERE o.state IN ('pending', 'sending') AND p.channel IS NULL"
            " ORDER BY o.platform, o.channel"
        )
        return [(str(p), str(c)) for p, c in rows]

    async def pause(self, platform: str, channel: str, reason: str) -> None:
        """Stop sending to a channel until ``paperbot retry`` (a permission or target error)."""
        async with self._store.transaction() as conn:
            await conn.execute(
                "INSERT INTO paused_channels VALUES (?, ?, ?, ?)"
                " ON CONFLICT (platform, channel) DO UPDATE SET reason = excluded.reason",
                (platform, channel, reason, self._clock.now()),
            )

    async def is_paused(self, platform: str, channel: str) -> str | None:
        """The pause reason, or None."""
        rows = await self._store.query(
            "SELECT reason FROM paused_channels WHERE platform = ? AND channel = ?",
            platform,
            channel,
        )
        return str(rows[0][0]) if rows else None

    async def requeue(
        self, platform: str | None = None, channel: str | None = None
    ) -> list[Requeued]:
        """``paperbot retry``: failed rows back to pending, paused channels resumed.

        Returns:
            One entry per channel that had something to requeue or resume, none when there
            was nothing to do.
        """
        where = " AND ".join(
            f"{name} = ?" for name, value in (("platform", platform), ("channel", channel)) if value
        )
        args = tuple(v for v in (platform, channel) if v)
        clause = f" AND {where}" if where else ""
        async with self._store.transaction() as conn:
            failed = await conn.execute_fetchall(
                "SELECT platform, channel, count(*) FROM outbox"
                f" WHERE state = 'failed'{clause} GROUP BY platform, channel",
                args,
            )
            paused = await conn.execute_fetchall(
                f"SELECT platform, channel, reason FROM paused_channels WHERE 1 = 1{clause}", args
            )
            await conn.execute(
                "UPDATE outbox SET state = 'pending', attempts = 0, not_before = 0"
                f" WHERE state = 'failed'{clause}",
                args,
            )
            await conn.execute(f"DELETE FROM paused_channels WHERE 1 = 1{clause}", args)
        counts = {(str(p), str(c)): int(n) for p, c, n in failed}
        reasons = {(str(p), str(c)): str(r) for p, c, r in paused}
        return [
            Requeued(p, c, counts.get((p, c), 0), reasons.get((p, c)))
            for p, c in sorted(counts.keys() | reasons.keys())
        ]

    async def channels(self) -> list[tuple[str, str]]:
        """Every channel the outbox knows: planned for at least once, or paused."""
        rows = await self._store.query(
            "SELECT platform, channel FROM outbox UNION SELECT platform, channel"
            " FROM paused_channels ORDER BY 1, 2"
        )
        return [(str(p), str(c)) for p, c in rows]

    async def status(self) -> list[ChannelStatus]:
        """Per channel: last digest fully delivered, pending, failed with reasons, paused."""
        counts = await self._store.query(
            "SELECT platform, channel,"
            " max(CASE WHEN state = 'sent' THEN digest_date END),"
            " sum(state = 'pending'), sum(state = 'sending')"
            " FROM outbox GROUP BY platform, channel ORDER BY platform, channel"
        )
        failed = await self._store.query(
            "SELECT platform, channel, digest_date, paper, coalesce(last_error, '') FROM outbox"
            " WHERE state = 'failed' ORDER BY digest_date, position"
        )
        paused = {
            (str(p), str(c)): str(r)
            for p, c, r in await self._store.query(
                "SELECT platform, channel, reason FROM paused_channels"
            )
        }
        result = []
        for platform, channel, last, pending, sending in counts:
            key = (str(platform), str(channel))
            fails = tuple((str(d), str(p), str(r)) for pl, ch, d, p, r in failed if (pl, ch) == key)
            result.append(
                ChannelStatus(
                    key[0], key[1], last, int(pending), int(sending), fails, paused.get(key)
                )
            )
        return result
