"""The Web API methods of the fake, as plain functions of decoded arguments: no HTTP here.

:class:`FakeWorkspace` is what Slack's servers would do with a call once it has been
authenticated: look the channel up, apply the rate limits, validate the message, store it and
build the JSON body Slack answers with. Transport concerns (tokens, recording, injected faults,
dropped connections) live in :mod:`tests.fakes.slack_api`, which calls :meth:`FakeWorkspace.call`.

Errors are raised as :class:`SlackError` carrying the HTTP status, the Slack ``error`` code and
any headers, which keeps every method a straight line of checks.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.slack_blocks import BlockKitLimits, check_message
from tests.fakes.slack_channels import ChannelStore, FakeChannel, StoredMessage
from tests.fakes.slack_files import FileStore, PendingFile, UploadedFile
from tests.fakes.slack_ratelimit import RateLimiter

__all__ = [
    "DM_ONLY_ERRORS",
    "FakeWorkspace",
    "MethodResult",
    "SlackError",
    "SlackIdentity",
    "dm_channel_id",
]

_USER_ID = re.compile(r"U[A-Z0-9]{2,}")
_DM_ID = re.compile(r"D[A-Z0-9]{2,}")

DM_ONLY_ERRORS = frozenset({"messages_tab_disabled"})
"""Refusals that let ``conversations.open`` succeed and fail only what is sent into the DM.

``messages_tab_disabled`` is a ``chat.postMessage`` error (the app's Messages tab is off): the
conversation exists, posting into it is what Slack refuses. The other codes a test may pick
(``user_disabled``, ``user_not_found``, ``user_not_visible`` from the ``conversations.open``
reference, ``cannot_dm_bot`` as Slack answers it for a bot user) refuse the open as well.
"""


def dm_channel_id(user_id: str) -> str:
    """The fake's ID of the bot's DM with ``user_id``: ``U0ALICE`` has ``D0ALICE``.

    Slack's DM IDs are opaque; deriving ours from the user ID makes them predictable in tests
    and lets a ``D…`` ID that was never opened still name its user.
    """
    return "D" + user_id[1:]


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
        users: Declared members, for ``users.info``.
        files: Reserved and completed file uploads.
        upload_url: Callable building the upload URL of a file ID (a route of the transport).
        dm_refused: User ID -> the error code calls into that user's DM answer.
    """

    channels: ChannelStore
    identity: SlackIdentity = field(default_factory=SlackIdentity)
    limits: BlockKitLimits = field(default_factory=BlockKitLimits)
    limiter: RateLimiter | None = None
    ws_url: Callable[[], str] = lambda: "ws://127.0.0.1:0/socket-mode"
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    files: FileStore = field(default_factory=FileStore)
    upload_url: Callable[[str], str] = lambda file_id: f"http://127.0.0.1:0/upload/{file_id}"
    dm_refused: dict[str, str] = field(default_factory=dict)

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
            "conversations.open": self.conversations_open,
            "files.getUploadURLExternal": self.files_get_upload_url_external,
            "files.completeUploadExternal": self.files_complete_upload_external,
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

    def conversations_open(self, args: Mapping[str, Any]) -> MethodResult:
        """``conversations.open``: the bot's DM with one user, opened once and then resumed.

        Multi-person DMs are not modelled: paperbot only ever talks to one user at a time.
        """
        self._admit("conversations.open", "")
        users = [u.strip() for u in str(args.get("users") or "").split(",") if u.strip()]
        if not users:
            if not args.get("channel"):
                raise SlackError("users_list_not_supplied")
            channel = self._channel(args)
            if not channel.is_im:
                raise SlackError("method_not_supported_for_channel_type")
            already = True
        elif len(users) > 1:
            raise SlackError("mpim_not_modelled_by_the_fake")
        else:
            if not _USER_ID.fullmatch(users[0]):
                raise SlackError("user_not_found")
            already = self.channels.find(dm_channel_id(users[0])) is not None
            channel = self.open_dm(users[0], opening=True)
        body: dict[str, Any] = {"ok": True, "channel": {"id": channel.id}}
        if already:
            body.update(no_op=True, already_open=True)
        if already or _flag(args.get("return_im")):
            body["channel"] = channel.to_api()
        return MethodResult(body)

    def files_get_upload_url_external(self, args: Mapping[str, Any]) -> MethodResult:
        """``files.getUploadURLExternal``: reserve a file ID and the URL its bytes go to."""
        self._admit("files.getUploadURLExternal", "")
        filename = str(args.get("filename") or "")
        try:
            length = int(args.get("length") or 0)
        except (TypeError, ValueError) as exc:
            raise SlackError("invalid_arguments") from exc
        if not filename:
            raise SlackError("invalid_arguments")
        if length <= 0:  # the reference: "typically only occurs when the length provided is 0"
            raise SlackError("missing_argument")
        file = self.files.reserve(
            filename,
            length,
            alt_txt=_optional(args.get("alt_txt")),
            snippet_type=_optional(args.get("snippet_type")),
        )
        return MethodResult(
            {"ok": True, "upload_url": self.upload_url(file.id), "file_id": file.id}
        )

    def files_complete_upload_external(self, args: Mapping[str, Any]) -> MethodResult:
        """``files.completeUploadExternal``: share uploaded files in channels or DMs.

        Targets are ``channel_id`` and/or the comma-separated ``channels`` (channel or user
        IDs); with none, Slack keeps the files private, and so does the fake (``channel``
        ``None``). Every check runs before anything is recorded, so a refused call shares
        nothing. A file shared in a channel is not stored as a message in its history.
        """
        self._admit("files.completeUploadExternal", "")
        pending = [self._completable(item) for item in _json_list(args.get("files"))]
        if not pending:
            raise SlackError("invalid_arguments")
        targets = _targets(args)
        resolved: list[tuple[FakeChannel | None, str | None]] = [
            (self._share_target(target), target) for target in targets
        ]
        comment = _optional(args.get("initial_comment"))
        thread_ts = _optional(args.get("thread_ts"))
        shared: list[UploadedFile] = []
        for file, title in pending:
            file.completed = True
            for channel, named in resolved or [(None, None)]:
                shared.append(
                    UploadedFile(
                        id=file.id,
                        name=file.filename,
                        title=title or file.filename,
                        content=file.content or b"",
                        channel=channel.id if channel else None,
                        initial_comment=comment,
                        user_facing_channel=named,
                        thread_ts=thread_ts,
                        alt_txt=file.alt_txt,
                    )
                )
        self.files.uploaded.extend(shared)
        answered: dict[str, dict[str, Any]] = {}
        for uploaded in shared:
            answered.setdefault(uploaded.id, uploaded.to_api(self.identity.bot_user_id))
        return MethodResult({"ok": True, "files": list(answered.values())})

    # --- direct messages -----------------------------------------------------------------

    def open_dm(self, user_id: str, *, opening: bool = False) -> FakeChannel:
        """The bot's DM with ``user_id``, created on first use.

        Raises:
            SlackError: The user refuses DMs (see :data:`DM_ONLY_ERRORS` for which refusals
                still let ``conversations.open`` through when ``opening``).
        """
        refusal = self.dm_refused.get(user_id)
        if refusal and not (opening and refusal in DM_ONLY_ERRORS):
            raise SlackError(refusal)
        channel_id = dm_channel_id(user_id)
        channel = self.channels.find(channel_id)
        if channel is None:
            channel = self.channels.add(channel_id, user_id.lower(), user=user_id)
        return channel

    def dm_target(self, target: str) -> FakeChannel | None:
        """The DM a ``U…`` user ID or ``D…`` DM ID names; ``None`` for any other target.

        A ``D…`` ID that was declared as an ordinary channel stays that channel.
        """
        if _USER_ID.fullmatch(target):
            return self.open_dm(target)
        if _DM_ID.fullmatch(target):
            known = self.channels.find(target)
            if known is not None and not known.is_im:
                return None
            return self.open_dm(known.user if known and known.user else "U" + target[1:])
        return None

    # --- checks shared by the methods -----------------------------------------------------

    def _completable(self, item: Any) -> tuple[PendingFile, str | None]:
        if not isinstance(item, dict) or not item.get("id"):
            raise SlackError("invalid_arguments")
        file = self.files.pending.get(str(item["id"]))
        if file is None or file.completed or file.content is None:
            raise SlackError("file_not_found")  # "could not find the file from the upload ticket"
        return file, _optional(item.get("title"))

    def _share_target(self, target: str) -> FakeChannel:
        dm = self.dm_target(target)
        if dm is not None:
            return dm
        channel = self.channels.get(target)
        if channel is None:
            raise SlackError("invalid_channel")  # the reference's code for an unknown channel
        if channel.error:
            raise SlackError(channel.error)
        if not channel.member:
            raise SlackError("not_in_channel")
        if channel.archived:
            raise SlackError("is_archived")
        return channel

    def _channel(self, args: Mapping[str, Any]) -> FakeChannel:
        target = str(args.get("channel") or "")
        channel = self.dm_target(target) or self.channels.get(target)
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

    def _admit(self, method: str, channel: FakeChannel | str) -> None:
        if self.limiter is None:
            return
        wait = self.limiter.admit(method, channel if isinstance(channel, str) else channel.id)
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


def _optional(value: Any) -> str | None:
    """An optional string argument: absent, ``None`` and ``""`` all mean "not given"."""
    return None if value in (None, "") else str(value)


def _json_list(value: Any) -> list[Any]:
    """A JSON array argument, sent as a string in forms and query strings or decoded in JSON."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as exc:
            raise SlackError("invalid_arguments") from exc
    if value is None:
        return []
    if not isinstance(value, list):
        raise SlackError("invalid_arguments")
    return value


def _targets(args: Mapping[str, Any]) -> list[str]:
    """``channel_id`` then the comma-separated ``channels``, each once, in order."""
    named = [str(args.get("channel_id") or "")]
    channels = args.get("channels") or ""
    named += channels if isinstance(channels, list) else str(channels).split(",")
    return list(dict.fromkeys(t.strip() for t in named if t and t.strip()))


def _int(value: Any, *, default: int, low: int, high: int) -> int:
    try:
        number = int(value) if value not in (None, "") else default
    except (TypeError, ValueError):
        number = default
    return max(low, min(high, number))


def _truncate(text: Any, limit: int) -> str:
    return "" if text is None else str(text)[:limit]
