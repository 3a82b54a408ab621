"""The 👍 and 🔖 Save buttons of a card, as Bolt listeners.

A press is acknowledged at once, its value checked (it came from the network: it may be
anything; the desk refuses a paper the archive lacks), handed to
:meth:`~bot.core.voice.desk.VoiceDesk.press`, and answered privately to the presser. The
card's counts are not edited here: the press marks the posted message due and the
:class:`~bot.core.voice.editor.CountEditor` edits it, once per burst. A card only the presser
sees (an ephemeral answer to ``/paper``) has no message to edit (``message=None``).

Nothing here logs a user id: people are named by :class:`~bot.core.voice.members.Member`,
whose ``str()`` is a one-way tag.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import TYPE_CHECKING, Any, Final

from bot.core.voice.members import ChannelRef
from bot.core.voice.records import Kind, Press

from .render import ACTION_LIKE, ACTION_SAVE, decode_value
from .responder import acked, apology, respond_checked

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond

    from bot.core.voice.desk import VoiceDesk

__all__ = ["VoiceButtons", "press_of"]

_log = logging.getLogger(__name__)

Payload = dict[str, Any]

#: An arXiv id as our cards carry it (new-style, optionally versioned); anything else is refused
#: before it reaches the database or a reply.
_ARXIV_ID: Final = re.compile(r"^\d{4}\.\d{4,5}(v\d+)?$")
_UNREADABLE: Final = "Sorry, I could not read that button. Open the paper again with `/paper`."


class VoiceButtons:
    """The two listeners, bound to the voice desk.

    Args:
        voice: Toggles presses (refusing a paper the archive lacks) and words the answer.
    """

    def __init__(self, voice: VoiceDesk) -> None:
        self._voice = voice

    def register(self, app: AsyncApp) -> None:
        """Add the 👍 and 🔖 listeners to ``app``."""
        app.action(ACTION_LIKE)(self.like)
        app.action(ACTION_SAVE)(self.save)

    async def like(
        self, ack: AsyncAck, action: Payload, body: Payload, respond: AsyncRespond
    ) -> None:
        """👍: toggle the presser's like."""
        await acked(ack)
        await self._press("like", action, body, respond)

    async def save(
        self, ack: AsyncAck, action: Payload, body: Payload, respond: AsyncRespond
    ) -> None:
        """🔖 Save: toggle the presser's save."""
        await acked(ack)
        await self._press("save", action, body, respond)

    async def _press(
        self, kind: Kind, action: Payload, body: Payload, respond: AsyncRespond
    ) -> None:
        async with apology(respond, "the 👍 button" if kind == "like" else "the Save button"):
            press = press_of(kind, action, body)
            if press is None:
                await _tell(respond, _UNREADABLE)
                return
            answer = await self._voice.press(press)  # an id the archive lacks: refused there
            _log.info(
                "%s pressed %s on %s in %s", press.member, kind, press.arxiv_id, press.channel
            )
            await _tell(respond, answer.text)


def press_of(kind: Kind, action: Payload, body: Payload) -> Press | None:
    """The press a ``block_actions`` payload describes; ``None`` when it is not readable."""
    fields = decode_value(str(action.get("value") or ""))
    arxiv_id = fields.get("paper", "")
    if not _ARXIV_ID.match(arxiv_id):
        return None
    label = fields.get("date", "undated")
    try:
        day = None if label == "undated" else dt.date.fromisoformat(label)
    except ValueError:
        return None
    user = body.get("user") or {}
    team = str((body.get("team") or {}).get("id") or user.get("team_id") or "")
    container = body.get("container") or {}
    channel = str((body.get("channel") or {}).get("id") or container.get("channel_id") or "")
    user_id = str(user.get("id") or "")
    if not (team and channel and user_id):
        return None
    message = None if container.get("is_ephemeral") else container.get("message_ts")
    return Press(
        ChannelRef("slack", team, channel),
        user_id,
        arxiv_id,
        kind,
        message=str(message) if message else None,
        digest_date=day,
    )


async def _tell(respond: AsyncRespond, text: str) -> None:
    """A private line under the card, which stays as it is."""
    await respond_checked(respond, text=text, response_type="ephemeral", replace_original=False)
