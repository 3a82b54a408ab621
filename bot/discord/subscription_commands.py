"""``/subscribe``, ``/unsubscribe`` and ``/subscriptions`` on Discord, for channel managers.

Admin means the Manage Channels permission (or Administrator) in the channel. It is set as the
commands' default member permissions, so Discord hides them from other members, and checked
again on every call, because a server's Integrations settings can open a command to anyone.
The commands are guild-only: a DM has no channel to subscribe for a community. Arguments,
table changes, the words of each reply and the suggestions for the filter options
(``include``, ``exclude``, ``authors``) come from
:mod:`bot.core.answers.subscription_answers`, shared with Slack.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import zoneinfo
from typing import TYPE_CHECKING, Any, Final

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.answers.subscription_answers import FilterOption, SubscribeArgs, Voice
from bot.core.cards.text import cut, neutralise_discord, utf16_len
from bot.core.daily.subscriptions import MODES, WEEKDAYS, SubscriptionError
from bot.core.routing.filters import MAX_TOP, MAX_UPVOTES

from .commands import AUTOCOMPLETE_BUDGET, section_choices
from .limits import AUTOCOMPLETE_CHOICES_MAX, CHOICE_NAME_MAX, CHOICE_VALUE_MAX, CONTENT_MAX
from .literal import literal
from .replies import Message, Reply
from .responder import Choices

if TYPE_CHECKING:
    from bot.core.answers.subscription_answers import SubscriptionDesk

    from .responder import Responder

__all__ = ["MODE_CHOICES", "VOICE", "WEEKDAY_CHOICES", "WHO_MAY", "SubscriptionCommands",
           "timezone_choices"]  # fmt: skip

_log = logging.getLogger(__name__)

#: A suggested filter is both a choice's name and its value, so it fits both.
_CHOICE_MAX: Final = min(CHOICE_NAME_MAX, CHOICE_VALUE_MAX)

#: The refusal's "only … can manage" phrase.
WHO_MAY: Final = "members with the Manage Channels permission"
_CANNOT_POST: Final = (
    "\nNote: I cannot post here yet. Give paperbot View Channel, Send Messages and Embed Links "
    "in this channel, or the cards cannot arrive."
)


#: Replies show digest text and filter terms literally and fit one message's content (2000
#: UTF-16 units).
VOICE: Final = Voice(literal, CONTENT_MAX, utf16_len)
_MODE_NAMES: Final = {
    "cards": ("cards: a card per paper", "카드: 논문마다 카드 하나"),
    "digest": ("digest: one listing a day", "다이제스트: 하루에 목록 하나"),
    "weekly": ("weekly: the week's top papers in one listing", "주간: 그 주의 상위 논문 목록 하나"),
}
MODE_CHOICES: Final = [
    app_commands.Choice(
        name=app_commands.locale_str(_MODE_NAMES[mode][0], ko=_MODE_NAMES[mode][1]), value=mode
    )
    for mode in MODES
]
_DAYS: Final = (("Monday", "월요일"), ("Tuesday", "화요일"), ("Wednesday", "수요일"),
                ("Thursday", "목요일"), ("Friday", "금요일"), ("Saturday", "토요일"),
                ("Sunday", "일요일"))  # fmt: skip
RANK_CHOICES: Final = [
    app_commands.Choice(
        name=app_commands.locale_str("upvotes: Hugging Face's", ko="추천 수: Hugging Face 기준"),
        value="upvotes",
    ),
    app_commands.Choice(
        name=app_commands.locale_str("likes: the 👍 given here", ko="좋아요: 이 채널의 👍"),
        value="likes",
    ),
]
WEEKDAY_CHOICES: Final = [
    app_commands.Choice(name=app_commands.locale_str(english, ko=korean), value=short)
    for (english, korean), short in zip(_DAYS, WEEKDAYS, strict=True)
]


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
        self.desk = desk.speaking(VOICE)
        self.responder = responder

    @app_commands.command(name="subscribe")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_channels=True)
    @app_commands.choices(mode=MODE_CHOICES, weekday=WEEKDAY_CHOICES, rank=RANK_CHOICES)
    async def subscribe(
        self,
        interaction: discord.Interaction[Any],
        time: str | None = None,
        timezone: str | None = None,
        sections: str | None = None,
        thread: bool | None = None,
        include: str | None = None,
        exclude: str | None = None,
        authors: str | None = None,
        min_upvotes: app_commands.Range[int, 0, MAX_UPVOTES] | None = None,
        top: app_commands.Range[int, 0, MAX_TOP] | None = None,
        mode: app_commands.Choice[str] | None = None,
        weekday: app_commands.Choice[str] | None = None,
        empty_note: bool | None = None,
        preview: bool | None = None,
        rank: app_commands.Choice[str] | None = None,
    ) -> None:
        """Admins: this channel gets each new digest daily

        Args:
            time: Local posting time HH:MM (default 08:00)
            timezone: IANA timezone, e.g. Asia/Seoul, Europe/Berlin (default Asia/Seoul)
            sections: Sections to show, comma-separated, e.g. results,limitations (default all)
            thread: Post the cards in a thread under the day's header
            include: Only papers mentioning a term, e.g. "강화 학습",RL (none clears)
            exclude: Never papers mentioning a term, e.g. survey (none clears)
            authors: Always papers by these authors, e.g. "Yann LeCun",Hinton (none clears)
            min_upvotes: Only papers with at least this many upvotes (0 clears)
            top: Only the N most upvoted papers (0 clears)
            mode: Cards, one listing a day, or the week's top papers
            weekday: Weekly mode: the day the week's listing is posted
            empty_note: Post a one-line note on a day no paper matches
            preview: Show what the newest digest would bring here; change nothing
            rank: Weekly mode: rank by Hugging Face upvotes or by the 👍 given here
        """
        try:
            args = SubscribeArgs.checked(
                time=time, timezone=timezone, sections=sections, in_thread=thread,
                include=include, exclude=exclude, authors=authors, min_upvotes=min_upvotes,
                top=top, mode=mode.value if mode else None,
                weekday=weekday.value if weekday else None, empty_note=empty_note,
                preview=bool(preview), rank=rank.value if rank else None,
            )  # fmt: skip
        except SubscriptionError as error:
            refused = f"{neutralise_discord(str(error))}\n{self.desk.usage('subscribe')}"
            await self.responder.answer(
                interaction, None, lambda: self._refused(interaction, refused)
            )
            return
        await self.responder.answer(interaction, None, lambda: self._subscribe(interaction, args))

    async def _refused(self, interaction: discord.Interaction[Any], refused: str) -> Reply:
        if not _may_manage(interaction):
            return _text(self.desk.refusal(WHO_MAY))
        return _text(refused)

    async def _subscribe(self, interaction: discord.Interaction[Any], args: SubscribeArgs) -> Reply:
        if not _may_manage(interaction):
            return _text(self.desk.refusal(WHO_MAY))
        channel = str(interaction.channel_id)
        if args.preview:
            return _text(await self.desk.preview(channel, args))
        answer = await self.desk.subscribe(channel, args)
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

    @subscribe.autocomplete("include")
    async def _include(self, interaction: discord.Interaction[Any], current: str) -> Choices:
        return await self._terms(interaction, "include", current)

    @subscribe.autocomplete("exclude")
    async def _exclude(self, interaction: discord.Interaction[Any], current: str) -> Choices:
        return await self._terms(interaction, "exclude", current)

    @subscribe.autocomplete("authors")
    async def _authors(self, interaction: discord.Interaction[Any], current: str) -> Choices:
        return await self._terms(interaction, "authors", current)

    async def _terms(
        self, interaction: discord.Interaction[Any], option: FilterOption, current: str
    ) -> Choices:
        """The typed terms with the last one completed (the desk decides which and how many).

        The channel's own terms are offered only to those who may manage it: a server can open
        ``/subscribe`` to everyone, and its filters are not theirs to read. Autocomplete
        cannot be deferred, so a slow archive gets no suggestions rather than an error.
        """
        channel = str(interaction.channel_id) if _may_manage(interaction) else None
        try:
            async with asyncio.timeout(AUTOCOMPLETE_BUDGET):
                with self.responder.turns.owed_now():
                    found = await self.desk.suggest(
                        channel, option, current, count=AUTOCOMPLETE_CHOICES_MAX,
                        longest=_CHOICE_MAX, length=utf16_len,
                    )  # fmt: skip
        except TimeoutError:
            _log.warning("%s suggestions took over %ss", option, AUTOCOMPLETE_BUDGET)
            return []
        return [app_commands.Choice(name=value, value=value) for value in found]


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
