"""The voice desk's notice after a command: "your follow DMs are paused", told once.

A member whose follow DMs failed learns it the next time they use any paperbot command, as a
private followup of its own after the answer. Every command of every cog answers through
:meth:`~bot.discord.responder.Responder.answer`, which calls :func:`ask` before answering and
:func:`tell` after, so the notice is asked in this one place. The desk remembers what it told
(:meth:`~bot.core.voice.desk.VoiceDesk.notice`); clicks on components are not asked.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

import discord

from .members import member_of
from .poster import NO_MENTIONS

if TYPE_CHECKING:
    from bot.core.voice.desk import VoiceDesk

__all__ = ["ask", "tell"]

_log = logging.getLogger(__name__)


def ask(
    voice: VoiceDesk | None, interaction: discord.Interaction[Any]
) -> asyncio.Future[str | None] | None:
    """Start asking the desk, beside the answer, whether a command's asker has a notice."""
    if voice is None or interaction.type is not discord.InteractionType.application_command:
        return None
    return asyncio.ensure_future(voice.notice(member_of(interaction)))


async def tell(interaction: discord.Interaction[Any], notice: asyncio.Future[str | None]) -> None:
    """The notice, if any, as a private followup after the answer; failures are only logged."""
    command = interaction.command.qualified_name if interaction.command else "?"
    try:
        text = await notice
        if text and interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
    except discord.HTTPException as error:
        _log.warning("Discord refused the notice after /%s: %s", command, error)
    except Exception:
        _log.exception("could not read the notice for /%s", command)
