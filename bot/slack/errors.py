"""Slack's failures, sorted into the delivery worker's :mod:`~bot.core.delivery.poster` error tree.

Slack reports most errors as HTTP 200 with ``{"ok": false, "error": "<code>"}``; only rate
limits (429 with ``Retry-After``) and server trouble (5xx) change the status. The codes below are
those ``chat.postMessage`` and ``conversations.history`` document; an unknown code is treated as
transient, so the worker's bounded retries decide rather than a guess about permanence.
"""

from __future__ import annotations

from typing import Final

from slack_sdk.errors import SlackApiError

from bot.core.delivery.poster import (
    ChannelUnavailable,
    DeliveryError,
    MessageRejected,
    RateLimited,
    TransientError,
)

__all__ = ["delivery_error"]

#: Nothing reaches this channel until someone acts: invite the bot, unarchive, fix the token.
_CHANNEL: Final = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "restricted_action",
        "restricted_action_read_only_channel",
        "restricted_action_thread_only_channel",
        "restricted_action_non_threadable_channel",
        "team_access_not_granted",
        "ekm_access_denied",
        "access_denied",
        "no_permission",
        "missing_scope",
        "not_authed",
        "invalid_auth",
        "account_inactive",
        "token_revoked",
        "token_expired",
        "org_login_required",
    }
)
#: A member's direct messages cannot be reached (``conversations.open``, ``chat.postMessage``):
#: the ``dm:<user>`` channel pauses until they allow messages and run ``/follow resume``.
_DIRECT: Final = frozenset(
    {
        "cannot_dm_bot",
        "messages_tab_disabled",
        "user_disabled",
        "user_not_found",
        "user_not_visible",
        "user_is_restricted",
    }
)
#: This message can never be posted as it is; the next card may be fine.
_MESSAGE: Final = frozenset(
    {
        "invalid_blocks",
        "invalid_blocks_format",
        "msg_too_long",
        "msg_blocks_too_long",
        "no_text",
        "too_many_attachments",
        "invalid_metadata_format",
        "invalid_metadata_schema",
        "metadata_too_large",
        "metadata_must_be_sent_from_app",
        "invalid_arguments",
        "invalid_arg_name",
        "invalid_json",
        "json_not_object",
        "invalid_form_data",
    }
)
_DEFAULT_RETRY_AFTER: Final = 1.0


def delivery_error(error: SlackApiError, what: str) -> DeliveryError:
    """The :class:`~bot.core.delivery.poster.DeliveryError` for a refused call.

    Args:
        error: slack_sdk's exception (after its own retries, if any).
        what: The action, for the message (``"posting 2505.19590 to C0PAPERS"``).
    """
    response = error.response
    status = int(getattr(response, "status_code", 200) or 200)
    code = str(response.get("error") or f"HTTP {status}")
    message = f"{what}: {code}"
    if status == 429 or code == "ratelimited":
        return RateLimited(message, _retry_after(response.headers))
    if status >= 500:
        return TransientError(message)
    if code in _CHANNEL or code in _DIRECT:
        return ChannelUnavailable(message)
    if code in _MESSAGE:
        return MessageRejected(message)
    return TransientError(message)


def _retry_after(headers: object) -> float:
    """``Retry-After`` in seconds (Slack sends an integer; anything unreadable means 1 s)."""
    get = getattr(headers, "get", None)
    raw = get("Retry-After") or get("retry-after") if callable(get) else None
    if isinstance(raw, list):  # slack_sdk's retry state keeps header values in lists
        raw = raw[0] if raw else None
    try:
        return max(0.0, float(raw)) if raw is not None else _DEFAULT_RETRY_AFTER
    except (TypeError, ValueError):
        return _DEFAULT_RETRY_AFTER
