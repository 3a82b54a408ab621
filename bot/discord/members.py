"""Who clicked or typed, and where: Discord's interaction as the voice desk's
:class:`~bot.core.voice.members.Member` and :class:`~bot.core.voice.members.ChannelRef`.

Counts and reading lists are per subscribed channel, so a card inside a day's thread counts
for the thread's parent channel; its message is then named ``THREAD/MESSAGE``, the form
:meth:`~bot.discord.poster.DiscordPoster.edit_counts` reads. Outside a server the workspace is
``dm``.
"""

from __future__ import annotations

from typing import Any, Final

import discord

from bot.core.voice.members import ChannelRef, Member

__all__ = ["NO_WORKSPACE", "PLATFORM", "channel_ref", "member_of", "posted_message"]

PLATFORM: Final = "discord"
#: The workspace of a member or channel outside any server (a DM with the bot).
NO_WORKSPACE: Final = "dm"


def _workspace(interaction: discord.Interaction[Any]) -> str:
    return str(interaction.guild_id) if interaction.guild_id else NO_WORKSPACE


def member_of(interaction: discord.Interaction[Any]) -> Member:
    """The person who clicked or typed, in this server."""
    return Member(PLATFORM, _workspace(interaction), str(interaction.user.id))


def _thread(interaction: discord.Interaction[Any]) -> discord.Thread | None:
    channel = interaction.channel
    return channel if isinstance(channel, discord.Thread) else None


def channel_ref(interaction: discord.Interaction[Any]) -> ChannelRef:
    """The channel counts are kept for: a thread's parent, else the channel itself."""
    thread = _thread(interaction)
    channel = thread.parent_id if thread is not None else interaction.channel_id
    return ChannelRef(PLATFORM, _workspace(interaction), str(channel or 0))


def posted_message(interaction: discord.Interaction[Any]) -> str | None:
    """The clicked card's message as the count editor names it; ``None`` for a private card.

    ``THREAD/MESSAGE`` for a card inside a thread, else the message's id.
    """
    message = interaction.message
    if message is None or message.flags.ephemeral:
        return None
    thread = _thread(interaction)
    return f"{thread.id}/{message.id}" if thread is not None else str(message.id)
