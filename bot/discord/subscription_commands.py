"""``/subscribe``, ``/unsubscribe`` and ``/subscriptions`` on Discord, for channel managers.

Admin means the Manage Channels permission (or Administrator) in the channel. It is set as the
commands' default member permissions, so Discord hides them from other members, and checked
again on every call, because a server's Integrations settings can open a command to anyone.
The commands are guild-only: a DM has no channel to subscribe for a community. Arguments,
table changes and the words of each reply come from :mod:`bot.core.answers.subscription_answers`,
shared with Slack.
"""

from __future__ import annotations

import functools
import zoneinfo
from typing import TYPE_CHECKING, Any, Final

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.answers.subscription_answers import SubscribeArgs
from bot.core.cards.text import cut, neutralise_discord, utf16_len
from bot.core.daily.subscriptions import SubscriptionError

from .commands import section_choices
from .limits import AUTOCOMPLETE_CHOICES_MAX, CONTENT_MAX
from .replies import Message, Reply
from .responder import Choices

if TYPE_CHECKING:
    from bot.core.answers.subscription_answers import SubscriptionDesk

    from .responder import Responder

__all__ = ["WHO_MAY", "SubscriptionCommands", "timezone_choices"]

#: The refusal's "only … can manage" phrase.
WHO_MAY: Final = "members with the Manage Channels permission"
_CANNOT_POST: Final = (
    "\nNote: I cannot post here yet. Give paperbot View Channel, Send Messages and Embed Links "
    "in this channel, or the cards cannot arrive."
)


@functools.cache
def _zones() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones()))


def timezone_choices(current: str) -> Choices:
    """IANA names containing what was typed, those starting with it first (25 at most)."""
    text = current.strip().casefold().replace(" ", "_")
    starts = [z for z in _zones() if z.casefold().startswith(text)]
    contains = [z for z in _zones() if text in z.casefold() and z not in starts]
    found = (starts + contains)[:AUTOCOMPLETE_CHOICES_MAX]
    return [app_commands.Choice(name=zone, value=zone) for zone in found]


def sections_choices(current: str) -> Choices:
    """Complete the last of comma-separated names: ``results,lim`` → ``results,limitations``."""
    done, _, last = current.rpartition(",")
    prefix = f"{done}," if done else ""
    return [
        app_commands.Choice(name=f"{prefix}{choice.name}"[:100], value=f"{prefix}{choice.value}")
        for choice in section_choices(last)
    ]


def _text(text: str) -> Reply:
    return Reply((Message((), content=cut(text, CONTENT_MAX, length=utf16_len).text),))


class SubscriptionCommands(commands.Cog):
    """The three commands, bound to one :class:`SubscriptionDesk`.

    Args:
        desk: The subscription commands for platform ``discord``.
        responder: Sends the replies (ephemeral, deferred if slow).
    """

    def __init__(self, desk: SubscriptionDesk, responder: Responder) -> None:
        self.desk = desk
        self.responder = responder

    @app_commands.command(name="subscribe")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_channels=True)
    async def subscribe(
        self,
        interaction: discord.Interaction[Any],
        time: str | None = None,
        timezone: str | None = None,
        sections: str | None = None,
        thread: bool | None = None,
    ) -> None:
        """Admins: this channel gets each new digest daily

        Args:
            time: Local posting time HH:MM (default 08:00)
            timezone: IANA timezone, e.g. Asia/Seoul, Europe/Berlin (default Asia/Seoul)
            sections: Sections to show, comma-separated, e.g. results,limitations (default all)
            thread: Post the cards in a thread under the day's header
        """
        await self.responder.answer(
            interaction,
            None,
            lambda: self._subscribe(interaction, time, timezone, sections, thread),
        )

    async def _subscribe(
        self,
        interaction: discord.Interaction[Any],
        time: str | None,
        timezone: str | None,
        sections: str | None,
        thread: bool | None,
    ) -> Reply:
        if not _may_manage(interaction):
            return _text(self.desk.refusal(WHO_MAY))
        try:
            args = SubscribeArgs.checked(
                time=time, timezone=timezone, sections=sections, in_thread=thread
            )
        except SubscriptionError as error:
            return _text(f"{neutralise_discord(str(error))}\n{self.desk.usage('subscribe')}")
        answer = await self.desk.subscribe(str(interaction.channel_id), args)
        return _text(answer if _can_post(interaction) else answer + _CANNOT_POST)

    @app_commands.command(name="unsubscribe")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_channels=True)
    async def unsubscribe(self, interaction: discord.Interaction[Any]) -> None:
        """Admins: stop this channel's daily digest"""
        await self.responder.answer(interaction, None, lambda: self._unsubscribe(interaction))

    async def _unsubscribe(self, interaction: discord.Interaction[Any]) -> Reply:
        if not _may_manage(interaction):
            return _text(self.desk.refusal(WHO_MAY))
        return _text(await self.desk.unsubscribe(str(interaction.channel_id)))

    @app_commands.command(name="subscriptions")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_channels=True)
    async def subscriptions(self, interaction: discord.Interaction[Any]) -> None:
        """Admins: the subscribed channels of this server and their next deliveries"""
        await self.responder.answer(interaction, None, lambda: self._subscriptions(interaction))

    async def _subscriptions(self, interaction: discord.Interaction[Any]) -> Reply:
        if not _may_manage(interaction):
            return _text(self.desk.refusal(WHO_MAY))
        return _text(await self.desk.listing(visible=_server_channels(interaction)))

    @subscribe.autocomplete("timezone")
    async def _timezones(self, interaction: discord.Interaction[Any], current: str) -> Choices:
        return timezone_choices(current)

    @subscribe.autocomplete("sections")
    async def _sections(self, interaction: discord.Interaction[Any], current: str) -> Choices:
        return sections_choices(current)


def _may_manage(interaction: discord.Interaction[Any]) -> bool:
    permissions = interaction.permissions
    return permissions.manage_channels or permissions.administrator


def _can_post(interaction: discord.Interaction[Any]) -> bool:
    mine = interaction.app_permissions
    return mine.view_channel and mine.send_messages and mine.embed_links


def _server_channels(interaction: discord.Interaction[Any]) -> list[str]:
    """This server's channels and threads: another server's subscriptions are not theirs."""
    visible = [str(interaction.channel_id)]
    guild = interaction.guild
    if guild is not None:
        visible.extend(str(channel.id) for channel in guild.channels)
        visible.extend(str(thread.id) for thread in guild.threads)
    return visible
