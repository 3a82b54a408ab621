"""The voice desk's notice, told once before any slash command's answer.

A member whose ``/follow`` direct messages failed hears about it the next time they use any
paperbot command (:meth:`~bot.core.voice.desk.VoiceDesk.notice` remembers that it told them).
Rather than every listener asking, command listeners are registered through a
:data:`Register`: :func:`plain` registers them as they are, :class:`Notices` wraps each one so
it acknowledges, asks the desk, sends the notice as an extra ephemeral line, then runs the
listener (whose own ``ack()`` is then a harmless repeat).
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from bot.core.voice.members import Member

from .responder import acked, say

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
    from slack_sdk.web.async_client import AsyncWebClient

    from bot.core.voice.desk import VoiceDesk

__all__ = ["Listener", "Notices", "Register", "member_of", "plain"]

_log = logging.getLogger(__name__)

#: A slash-command listener; Bolt passes the arguments it names (``ack``, ``command``, …).
Listener = Callable[..., Awaitable[None]]
#: Registers one slash command's listener: ``register("/paper", listener)``.
Register = Callable[[str, Listener], None]

Payload = dict[str, Any]


def member_of(command: Payload) -> Member:
    """Who ran a slash command (the team id is the workspace)."""
    return Member("slack", str(command.get("team_id") or ""), str(command.get("user_id") or ""))


def plain(app: AsyncApp) -> Register:
    """Register listeners unchanged (no voice desk: nothing to tell)."""

    def register(name: str, listener: Listener) -> None:
        app.command(name)(listener)

    return register


class Notices:
    """Registers command listeners so each first tells the member the desk's notice.

    Args:
        voice: The desk that knows whether a member's follow DMs are paused.
    """

    def __init__(self, voice: VoiceDesk) -> None:
        self._voice = voice

    def on(self, app: AsyncApp) -> Register:
        """A :data:`Register` adding wrapped listeners to ``app``."""

        def register(name: str, listener: Listener) -> None:
            app.command(name)(self.wrap(listener))

        return register

    def wrap(self, listener: Listener) -> Listener:
        """``listener`` preceded by the notice; Bolt sees the arguments it names."""
        names = [n for n in inspect.signature(listener).parameters if n != "self"]

        async def noticed(
            ack: AsyncAck, command: Payload, respond: AsyncRespond, client: AsyncWebClient
        ) -> None:
            await acked(ack)
            await self.tell(command, respond)
            given = {"ack": ack, "command": command, "respond": respond, "client": client}
            await listener(**{name: given[name] for name in names})

        noticed.__name__ = getattr(listener, "__name__", "noticed")
        return noticed

    async def tell(self, command: Payload, respond: AsyncRespond) -> None:
        """Send the member's notice, if there is one; a failure only logs (the answer goes on)."""
        member = member_of(command)
        try:
            text = await self._voice.notice(member)
            if text:
                await say(respond, text)
        except Exception:
            _log.exception("the notice for %s could not be told", member)
