"""``/saved``, ``/reading-list``, ``/follow`` and ``/unfollow``: the group's voice on Discord.

Registered only when ``serve`` lends the client a :class:`~bot.core.voice.desk.VoiceDesk`. Every
reply is private (a member's saved papers are theirs alone) and pings no one; the words come
from the desk, shared with Slack. Removing a paper from a channel's reading list takes Manage
Channels (or Administrator), the rule of ``/subscribe``; everything else is for every member.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any, Final

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.cards.text import neutralise_discord
from bot.core.voice.desk import BibFile

from .members import channel_ref, member_of
from .replies import Message, Reply
from .subscription_commands import _may_manage
from .voice_answers import LITERAL, text_reply

if TYPE_CHECKING:
    from bot.core.voice.desk import VoiceDesk

    from .responder import Responder
    from .voice_answers import VoiceAnswers

__all__ = ["ACTION_CHOICES", "SAVED_HELP", "VoiceCommands"]

_ACTIONS: Final = {
    "list": ("list: your saved papers", "목록: 저장한 논문"),
    "export": ("export: a BibTeX file", "내보내기: BibTeX 파일"),
    "clear": ("clear: delete your likes, saves and follows", "지우기: 좋아요, 저장, 팔로우 삭제"),
    "help": ("help: what these commands do", "도움말: 명령 설명"),
}
ACTION_CHOICES: Final = [
    app_commands.Choice(name=app_commands.locale_str(english, ko=korean), value=value)
    for value, (english, korean) in _ACTIONS.items()
]
#: What ``/saved help`` says.
SAVED_HELP: Final = (
    "Press 🔖 Save on a card to keep it, 👍 to like it; press again to undo. Only you see your "
    "saved papers. `/saved` lists them (open or remove one from its menus), "
    "`/saved action:export` sends them as a BibTeX file, `/saved action:clear` deletes your "
    "likes, saves and follows. `/reading-list` shows what this channel liked or saved, as "
    "counts only."
)
_MAX_PAGE: Final = 100_000


def _bib(found: BibFile) -> Reply:
    papers = "paper" if found.papers == 1 else "papers"
    attachment = discord.File(io.BytesIO(found.content), filename=found.filename)
    text = f"Your {found.papers} saved {papers} as BibTeX."
    return Reply((Message((), content=text, files=(attachment,)),))


class VoiceCommands(commands.Cog):
    """The four commands, bound to one :class:`VoiceDesk`.

    Args:
        desk: The voice desk.
        answers: Draws the pages (shared with the components' clicks).
        responder: Sends the replies (ephemeral, deferred if slow, with the member's notice).
    """

    def __init__(self, desk: VoiceDesk, answers: VoiceAnswers, responder: Responder) -> None:
        self.desk = desk
        self.answers = answers
        self.responder = responder

    @app_commands.command(name="saved")
    @app_commands.choices(action=ACTION_CHOICES)
    async def saved(
        self,
        interaction: discord.Interaction[Any],
        action: app_commands.Choice[str] | None = None,
        page: app_commands.Range[int, 1, _MAX_PAGE] | None = None,
    ) -> None:
        """Your saved papers: list, export as BibTeX, or clear

        Args:
            action: list (default), export, clear or help
            page: Page of the list (default 1)
        """
        chosen = action.value if action else "list"
        await self.responder.answer(
            interaction, None, lambda: self._saved(interaction, chosen, page or 1)
        )

    async def _saved(self, interaction: discord.Interaction[Any], action: str, page: int) -> Reply:
        member = member_of(interaction)
        if action == "export":
            found = await self.desk.export(member)
            return _bib(found) if isinstance(found, BibFile) else text_reply(found)
        if action == "clear":
            return text_reply(await self.desk.clear(member))
        if action == "help":
            return text_reply(SAVED_HELP)
        return await self.answers.saved_page(interaction, page)

    @app_commands.command(name="reading-list")
    @app_commands.guild_only()
    async def reading_list(
        self,
        interaction: discord.Interaction[Any],
        page: app_commands.Range[int, 1, _MAX_PAGE] | None = None,
        remove: str | None = None,
    ) -> None:
        """Papers this channel's members liked or saved, with counts

        Args:
            page: Page of the list (default 1)
            remove: Admins: take this arXiv id off the list
        """
        await self.responder.answer(
            interaction, None, lambda: self._reading(interaction, page or 1, remove)
        )

    async def _reading(
        self, interaction: discord.Interaction[Any], page: int, remove: str | None
    ) -> Reply:
        if remove is None or not remove.strip():
            return await self.answers.reading_page(interaction, page)
        admin = _may_manage(interaction)
        said = await self.desk.remove_from_reading_list(
            channel_ref(interaction), neutralise_discord(remove.strip()), admin=admin
        )
        if not admin:
            return text_reply(said)
        shown = await self.answers.reading_page(interaction, page)
        first = shown.messages[0]
        return text_reply(f"{said}\n\n{first.content or ''}", first.view)

    @app_commands.command(name="follow")
    async def follow(self, interaction: discord.Interaction[Any], terms: str | None = None) -> None:
        """A daily DM with new papers matching your terms or authors

        Args:
            terms: e.g. "강화 학습" RL authors:"Yann LeCun"; empty lists yours; resume; help
        """
        member = member_of(interaction)

        async def followed() -> Reply:
            return text_reply(await self.desk.follow(member, terms or "", LITERAL))

        await self.responder.answer(interaction, None, followed)

    @app_commands.command(name="unfollow")
    async def unfollow(
        self, interaction: discord.Interaction[Any], terms: str | None = None
    ) -> None:
        """Stop following terms or authors

        Args:
            terms: What to stop following; empty or all stops everything
        """
        member = member_of(interaction)

        async def unfollowed() -> Reply:
            return text_reply(await self.desk.unfollow(member, terms or "", LITERAL))

        await self.responder.answer(interaction, None, unfollowed)
