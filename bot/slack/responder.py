"""Answering through ``response_url``, and knowing when Slack refused the answer.

Bolt's ``respond()`` posts to the request's ``response_url`` and hands back Slack's answer
without raising: a message Slack refuses (a menu repeating an option value is
``invalid_blocks``, with HTTP 400) comes back as a status and a body, and a listener that does
not read them leaves the user with nothing at all. So every answer goes through
:func:`respond_checked`, which raises :class:`ReplyRefused` with Slack's reason, and every
listener runs inside :func:`apology`, which logs the refusal (or any failure) and tells the user
in one line of plain text, which Slack has no blocks to refuse.

``ack()`` is the other thing a listener sends. Ours carry no message, so there is nothing in
them Slack could refuse; a late one shows the user Slack's own timeout error, which
:func:`acked` avoids by acknowledging before any work.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any, Final

from slack_sdk.errors import SlackApiError

from bot.core.cards.text import escape_slack

from .limits import RESPONSE_URL_USES

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncAck, AsyncRespond
    from slack_sdk.webhook import WebhookResponse

    from .replies import Reply

__all__ = [
    "ACK_FLUSH",
    "ReplyRefused",
    "acked",
    "api_refusal",
    "apology",
    "refusal",
    "respond_checked",
    "say",
    "send_reply",
]

_log = logging.getLogger(__name__)

#: Seconds a listener yields after ``ack()``: one poll of Bolt's ack loop
#: (``slack_bolt/listener/asyncio_runner.py`` sleeps 0.01 s between checks), plus a little.
ACK_FLUSH: Final = 0.011
#: Characters of Slack's explanation kept in a log line.
_REASON_MAX: Final = 500
#: What an error code looks like; anything else from the body is not repeated to the user.
_CODE: Final = re.compile(r"^[a-z0-9_]{1,60}$")


class ReplyRefused(Exception):
    """Slack did not accept an answer posted to ``response_url``.

    Attributes:
        code: Slack's error code (``invalid_blocks``), or ``HTTP <status>`` without one.
        reason: The code with Slack's details, for the log.
    """

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason

    @property
    def shown_code(self) -> str:
        """The code, fit to show a user (it came from the network: only a plain code is)."""
        return self.code if _CODE.match(self.code) else "an error"


def refusal(response: WebhookResponse) -> ReplyRefused | None:
    """Why Slack refused a ``response_url`` post, or ``None`` when it accepted it.

    Slack answers 200 with ``ok`` (as text or JSON) when it took the message; a refusal is an
    error status or ``"ok": false``, with the code as plain text (incoming-webhook style) or in
    JSON with details (``response_metadata.messages``).
    """
    status, body = response.status_code, (response.body or "").strip()
    data = _json(body)
    if 200 <= status < 300 and data.get("ok", True) is not False:
        return None
    return _refused(status, data, body)


def api_refusal(error: SlackApiError) -> ReplyRefused:
    """The same account of a Web API call slack_sdk raised for (``chat.postMessage``)."""
    response = error.response
    data = response.data if isinstance(response.data, dict) else {}
    return _refused(int(response.status_code or 200), data, "")


def _refused(status: int, data: dict[str, Any], body: str) -> ReplyRefused:
    code = str(data.get("error") or (body if _CODE.match(body) else f"HTTP {status}"))
    details = (data.get("response_metadata") or {}).get("messages") or data.get("errors") or []
    if not data and body and body != code:
        details = [body]
    reason = f"{code} (HTTP {status})"
    if details:
        reason += ": " + "; ".join(str(d) for d in details)
    return ReplyRefused(code, " ".join(reason.split())[:_REASON_MAX])


def _json(body: str) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


async def respond_checked(respond: AsyncRespond, **message: Any) -> None:
    """``respond(**message)``, raising :class:`ReplyRefused` when Slack refuses it."""
    refused = refusal(await respond(**message))
    if refused is not None:
        raise refused


async def send_reply(respond: AsyncRespond, reply: Reply, *, replace: bool = False) -> None:
    """Send ``reply`` ephemerally through ``respond``, one message per call.

    Args:
        respond: Bolt's ``respond`` (posts to the request's ``response_url``).
        reply: What to send; a ``response_url`` takes five messages, which a whole section
            never needs, so anything beyond is logged and dropped rather than failing.
        replace: Replace the message that was clicked (paging) instead of adding one.

    Raises:
        ReplyRefused: Slack refused one of the messages (those before it were shown).
    """
    if len(reply.messages) > RESPONSE_URL_USES:
        _log.warning("reply of %d messages cut to %d", len(reply.messages), RESPONSE_URL_USES)
    for index, blocks in enumerate(reply.messages[:RESPONSE_URL_USES]):
        await respond_checked(
            respond,
            text=reply.text,
            blocks=blocks,
            response_type="ephemeral",
            replace_original=replace and index == 0,
        )


async def say(respond: AsyncRespond, text: str) -> None:
    """An ephemeral answer of plain mrkdwn text (the caller escapes digest text).

    Raises:
        ReplyRefused: Slack refused it.
    """
    await respond_checked(respond, text=text, response_type="ephemeral")


@contextlib.asynccontextmanager
async def apology(respond: AsyncRespond, what: str) -> AsyncIterator[None]:
    """Log a refusal or any exception of the block and tell the user briefly; never re-raise.

    Args:
        respond: Where the apology goes (the same ``response_url``).
        what: The command or control being answered, as the user knows it (``/paper``).
    """
    try:
        yield
    except ReplyRefused as refused:
        _log.warning("Slack refused the answer to %s: %s", what, refused.reason)
        await _apologise(
            respond,
            what,
            f"Sorry, Slack would not show my answer to `{escape_slack(what)}` "
            f"(it said `{refused.shown_code}`). It has been logged for whoever runs paperbot.",
        )
    except Exception:
        _log.exception("answering %s failed", what)
        await _apologise(
            respond,
            what,
            f"Sorry, something went wrong while answering `{escape_slack(what)}`. "
            "It has been logged; please try again in a moment.",
        )


async def _apologise(respond: AsyncRespond, what: str, text: str) -> None:
    try:
        await say(respond, text)
    except ReplyRefused as refused:
        _log.warning("Slack refused the apology for %s too: %s", what, refused.reason)
    except Exception as error:  # the network is down, or the response_url expired
        _log.warning("could not send the apology for %s either: %r", what, error)


async def acked(ack: AsyncAck) -> None:
    """Acknowledge, then let Bolt send the acknowledgement before any work.

    Bolt sends the acknowledgement when its runner, which polls every 10 ms, sees that
    ``ack()`` was called; a listener that went straight on to render (milliseconds of CPU)
    would hold up the acks of every other request in the event loop, so each listener first
    yields for one poll (:data:`ACK_FLUSH`). With 50 concurrent commands that took the ack
    p99 from 77 to 59 ms (``benchmarks/slack.py``).
    """
    await ack()
    await asyncio.sleep(ACK_FLUSH)
