"""The Web API methods of the fake, as plain functions of decoded arguments: no HTTP here.

:class:`FakeWorkspace` is what Slack's servers would do with a call once it has been
authenticated: look the channel up, apply the rate limits, validate the message, store it and
build the JSON body Slack answers with. Transport concerns (tokens, recording, injected faults,
dropped connections) live in :mod:`tests.fakes.slack_api`, which calls :meth:`FakeWorkspace.call`.

Errors are raised as :class:`SlackError` carrying the HTTP status, the Slack ``error`` code and
any headers, which keeps every method a straight line of checks.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.slack_blocks import BlockKitLimits, check_message
from tests.fakes.slack_channels import ChannelStore, FakeChannel, StoredMessage
from tests.fakes.slack_ratelimit import RateLimiter

__all__ = ["FakeWorkspace", "MethodResult", "SlackError", "SlackIdentity"]

_HISTORY_MAX_LIMIT = 999
"""conversations.history caps ``limit`` at 999 (docs.slack.dev/reference/methods/...history)."""


class SlackError(Exception):
    """A call Slack would refuse: HTTP ``status`` and the body's ``error`` code.

    Attributes:
        error: The Slack error code (``channel_not_found``, ``ratelimited``...).
        status: HTTP status; Slack reports most errors with 200.
        headers: Extra response headers (``Retry-After`` on a 429).
        body: The full JSON body, when it says more than ``ok`` and ``error``.
    """

    def __init__(
        self,
        error: str,
        *,
        status: int = 200,
        headers: Mapping[str, str] | None = None,
        body: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(error)
        self.error = error
        self.status = status
        self.headers = dict(headers or {})
        self.body = body or {"ok": False, "error": error}


@dataclass(frozen=True)
class SlackIdentity:
    """Who the bot is in the fake workspace; ``auth.test`` answers with it, Bolt caches it."""

    team_id: str = "T0PAPERBOT"
    team: str = "paperbot-test"
    url: str = "https://paperbot-test.slack.com/"
    bot_user_id: str = "U0PAPERBOT"
    bot_name: str = "paperbot"
    bot_id: str = "B0PAPERBOT"
    app_id: str = "A0PAPERBOT"


@dataclass
class MethodResult:
    """A successful call: the JSON body, and the message it stored (for after-store faults)."""

    body: dict[str, Any]
    stored: StoredMessage | None = None


@dataclass
class FakeWorkspace:
    """Channels, limits and the method implementations of one fake workspace.

    Attributes:
        channels: Every channel and its messages.
        identity: The bot's IDs.
        limits: Block Kit limits enforced on posts and updates.
        limiter: Rate limiter, or ``None`` to accept any pace.
        ws_url: Callable building the Socket Mode URL ``apps.connections.open`` returns.
    """

    channels: ChannelStore
    identity: SlackIdentity = field(default_factory=SlackIdentity)
    limits: BlockKitLimits = field(default_factory=BlockKitLimits)
    limiter: RateLimiter | None = None
    ws_url: Callable[[], str] = lambda: "ws://127.0.0.1:0/socket-mode"
    users: dict[str, dict[str, Any]] = field(default_factory=dict)

    def call(self, method: str, args: Mapping[str, Any]) -> MethodResult:
        """Run one authenticated Web API call.

        Raises:
            SlackError: The call fails as Slack would fail it (``unknown_method`` included).
        """
        handler = self._handlers().get(method)
        if handler is None:
            raise SlackError("unknown_method")
        return handler(args)

    def _handlers(self) -> dict[str, Callable[[Mapping[str, Any]], MethodResult]]:
        return {
            "auth.test": self.auth_test,
            "apps.connections.open": self.apps_connections_open,
            "chat.postMessage": self.chat_post_message,
            "chat.postEphemeral": self.chat_post_ephemeral,
            "chat.update": self.chat_update,
            "conversations.history": self.conversations_history,
            "conversations.replies": self.conversations_replies,
            "conversations.info": self.conversations_info,
            "users.info": self.users_info,
        }

    # --- methods -------------------------------------------------------------------------

    def auth_test(self, args: Mapping[str, Any]) -> MethodResult:
        """``auth.test``: Bolt calls it once, on the first request it dispatches."""
        me = self.identity
        return MethodResult(
            {
                "ok": True,
                "url": me.url,
                "team": me.team,
                "user": me.bot_name,
                "team_id": me.team_id,
                "user_id": me.bot_user_id,
                "bot_id": me.bot_id,
                "is_enterprise_install": False,
            }
        )

    def add_user(
        self,
        user_id: str,
        *,
        admin: bool = False,
        owner: bool = False,
        display_name: str = "",
        real_name: str = "",
    ) -> None:
        """Declare a member; admins and owners may manage workspace-wide settings.

        ``display_name`` may be empty, as it is for members who never set one; Slack then
        shows their ``real_name``.
        """
        self.users[user_id] = {
            "id": user_id,
            "team_id": self.identity.team_id,
            "name": user_id.lower(),
            "real_name": real_name,
            "profile": {
                "display_name": display_name,
                "display_name_normalized": display_name,
                "real_name": real_name,
                "real_name_normalized": real_name,
            },
            "deleted": False,
            "is_admin": admin or owner,
            "is_owner": owner,
            "is_primary_owner": False,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": False,
            "is_app_user": False,
        }

    def users_info(self, args: Mapping[str, Any]) -> MethodResult:
        """``users.info``: a member's profile with the ``is_admin``/``is_owner`` flags."""
        user = self.users.get(str(args.get("user") or ""))
        if user is None:
            raise SlackError("user_not_found")
        return MethodResult({"ok": True, "user": dict(user)})

    def apps_connections_open(self, args: Mapping[str, Any]) -> MethodResult:
        """``apps.connections.open``: the Socket Mode websocket URL (app-level token only)."""
        return MethodResult({"ok": True, "url": self.ws_url()})

    def chat_post_message(self, args: Mapping[str, Any]) -> MethodResult:
        """``chat.postMessage``: checks in Slack's order of concern, then stores."""
        channel = self._writable(args)
        self._admit("chat.postMessage", channel)
        message = self._new_message(channel, args)
        self.channels.store(channel, message)
        return MethodResult(
            {"ok": True, "channel": channel.id, "ts": message.ts, "message": message.to_api()},
            stored=message,
        )

    def chat_post_ephemeral(self, args: Mapping[str, Any]) -> MethodResult:
        """``chat.postEphemeral``: kept apart from history, as only one user ever sees it."""
        channel = self._writable(args)
        if not args.get("user"):
            raise SlackError("user_not_in_channel")
        self._admit("chat.postEphemeral", channel)
        message = self._new_message(channel, args)
        channel.ephemerals.append(message)
        return MethodResult({"ok": True, "message_ts": message.ts}, stored=message)

    def chat_update(self, args: Mapping[str, Any]) -> MethodResult:
        """``chat.update``: replaces text, blocks and metadata of a stored message."""
        channel = self._writable(args)
        message = channel.find(str(args.get("ts", "")))
        if message is None:
            raise SlackError("message_not_found")
        self._admit("chat.update", channel)
        self._validate(args)
        message.text = _truncate(args.get("text"), self.limits.message_text)
        if "blocks" in args:
            message.blocks = args["blocks"] or None
        if "metadata" in args:
            message.metadata = self._metadata(args)
        message.args = dict(args)
        message.edited = self.channels.next_ts()
        body = {
            "ok": True,
            "channel": channel.id,
            "ts": message.ts,
            "text": message.text,
            "message": message.to_api(),
        }
        return MethodResult(body, stored=message)

    def conversations_history(self, args: Mapping[str, Any]) -> MethodResult:
        """``conversations.history``: newest first, metadata only when asked for."""
        channel = self._readable(args)
        limit = _int(args.get("limit"), default=100, low=1, high=_HISTORY_MAX_LIMIT)
        try:
            page, next_cursor = self.channels.history(
                channel,
                oldest=str(args.get("oldest") or "0"),
                latest=str(args["latest"]) if args.get("latest") else None,
                inclusive=_flag(args.get("inclusive")),
                limit=limit,
                cursor=str(args["cursor"]) if args.get("cursor") else None,
            )
        except ValueError as exc:
            raise SlackError("invalid_cursor" if "cursor" in str(exc) else "invalid_ts") from exc
        with_metadata = _flag(args.get("include_all_metadata"))
        return MethodResult(
            {
                "ok": True,
                "messages": [m.to_api(include_metadata=with_metadata) for m in page],
                "has_more": next_cursor is not None,
                "pin_count": 0,
                "response_metadata": {"next_cursor": next_cursor or ""},
            }
        )

    def conversations_replies(self, args: Mapping[str, Any]) -> MethodResult:
        """``conversations.replies``: a thread's parent then its replies, oldest first."""
        channel = self._readable(args)
        parent = channel.find(str(args.get("ts", "")))
        if parent is None:
            raise SlackError("thread_not_found")
        with_metadata = _flag(args.get("include_all_metadata"))
        thread = [parent, *(m for m in channel.messages if m.ts in parent.replies)]
        return MethodResult(
            {
                "ok": True,
                "messages": [m.to_api(include_metadata=with_metadata) for m in thread],
                "has_more": False,
                "response_metadata": {"next_cursor": ""},
            }
        )

    def conversations_info(self, args: Mapping[str, Any]) -> MethodResult:
        """``conversations.info``: enough of the conversation object to check membership."""
        channel = self._channel(args)
        return MethodResult({"ok": True, "channel": channel.to_api()})

    # --- checks shared by the methods -----------------------------------------------------

    def _channel(self, args: Mapping[str, Any]) -> FakeChannel:
        channel = self.channels.get(str(args.get("channel") or ""))
        if channel is None:
            raise SlackError("channel_not_found")
        if channel.error:
            raise SlackError(channel.error)
        return channel

    def _readable(self, args: Mapping[str, Any]) -> FakeChannel:
        channel = self._channel(args)
        if not channel.member:
            raise SlackError("not_in_channel")
        return channel

    def _writable(self, args: Mapping[str, Any]) -> FakeChannel:
        channel = self._readable(args)
        if channel.archived:
            raise SlackError("is_archived")
        return channel

    def _admit(self, method: str, channel: FakeChannel) -> None:
        if self.limiter is None:
            return
        wait = self.limiter.admit(method, channel.id)
        if wait is not None:
            retry_after = self.limiter.retry_after(wait)
            raise SlackError("ratelimited", status=429, headers={"Retry-After": retry_after})

    def _validate(self, args: Mapping[str, Any]) -> None:
        rejection = check_message(
            args.get("text"),
            args.get("blocks"),
            attachments=args.get("attachments"),
            limits=self.limits,
        )
        if rejection is not None:
            raise SlackError(rejection.error, body=rejection.body())

    def _metadata(self, args: Mapping[str, Any]) -> dict[str, Any] | None:
        metadata = args.get("metadata")
        if metadata is None:
            return None
        if not (
            isinstance(metadata, dict)
            and isinstance(metadata.get("event_type"), str)
            and isinstance(metadata.get("event_payload"), dict)
        ):
            raise SlackError("invalid_metadata_format")
        return {"event_type": metadata["event_type"], "event_payload": metadata["event_payload"]}

    def _new_message(self, channel: FakeChannel, args: Mapping[str, Any]) -> StoredMessage:
        self._validate(args)
        metadata = self._metadata(args)
        thread_ts = args.get("thread_ts")
        return StoredMessage(
            channel=channel.id,
            ts=self.channels.next_ts(),
            text=_truncate(args.get("text"), self.limits.message_text),
            blocks=args.get("blocks") or None,
            metadata=metadata,
            thread_ts=str(thread_ts) if thread_ts else None,
            user=self.identity.bot_user_id,
            bot_id=self.identity.bot_id,
            args=dict(args),
        )


def _flag(value: Any) -> bool:
    """Slack booleans arrive as ``true``/``1`` in forms and query strings, or as JSON bools."""
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes"}
    return bool(value)


def _int(value: Any, *, default: int, low: int, high: int) -> int:
    try:
        number = int(value) if value not in (None, "") else default
    except (TypeError, ValueError):
        number = default
    return max(low, min(high, number))


def _truncate(text: Any, limit: int) -> str:
    return "" if text is None else str(text)[:limit]
