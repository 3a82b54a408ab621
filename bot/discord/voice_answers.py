"""Answering the group's-voice clicks: 👍/🔖 presses and the ``/saved`` and ``/reading-list`` pages.

What each answer says comes from :class:`~bot.core.voice.desk.VoiceDesk`, shared with Slack;
this module says who pressed where (:mod:`bot.discord.members`) and draws the pages. Every
answer is private, goes through the :class:`~bot.discord.responder.Responder` (so a slow
database is deferred within Discord's 3 seconds, and a refusal is apologised for), and pings
nobody: titles pass through Discord's neutraliser and replies are sent with
``allowed_mentions`` none. Nothing here logs a user id.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Final

import discord

from bot.core.cards.text import cut, utf16_len
from bot.core.voice.records import Press

from .limits import CONTENT_MAX
from .literal import literal
from .members import channel_ref, member_of, posted_message
from .replies import Message, Reply
from .voice_components import Listed, list_view

if TYPE_CHECKING:
    from bot.core.voice.desk import ReadingPage, SavedPage, VoiceDesk

    from .reactions import Pressing
    from .responder import Responder

__all__ = ["LITERAL", "VoiceAnswers", "text_reply"]

_log = logging.getLogger(__name__)

#: How the desk writes titles and terms on Discord: shown as typed, pinging no one.
LITERAL: Final = literal


def _fitted(text: str) -> str:
    return cut(text, CONTENT_MAX, length=utf16_len).text


def text_reply(text: str, view: discord.ui.View | None = None) -> Reply:
    """One private message of text (within 2,000 characters), with ``view`` if given."""
    return Reply((Message((), view, content=_fitted(text)),))


class VoiceAnswers:
    """The client's ``voice_answers``: presses, and the pages of saved papers and reading lists.

    Args:
        desk: The voice desk (``serve`` makes one for every platform).
        responder: Sends the answers.
    """

    def __init__(self, desk: VoiceDesk, responder: Responder) -> None:
        self.desk = desk
        self.responder = responder

    async def press(self, interaction: discord.Interaction[Any], pressing: Pressing) -> None:
        """Toggle the presser's 👍/🔖 on the card's paper, counted for the card's channel."""
        press = Press(
            channel_ref(interaction),
            str(interaction.user.id),
            pressing.arxiv_id,
            pressing.kind,
            message=posted_message(interaction),
            digest_date=pressing.digest_date,
        )

        async def pressed() -> Reply:
            return text_reply((await self.desk.press(press)).text)

        await self.responder.answer(interaction, None, pressed)

    # -- pages ----------------------------------------------------------------------------

    async def saved_page(self, interaction: discord.Interaction[Any], page: int) -> Reply:
        """A page of the member's saved papers, with its menus."""
        shown = await self.desk.saved(member_of(interaction), page)
        return text_reply(shown.text(LITERAL), _saved_view(shown))

    async def reading_page(self, interaction: discord.Interaction[Any], page: int) -> Reply:
        """A page of the channel's reading list (counts, never names), with "Open…"."""
        shown = await self.desk.reading_list(channel_ref(interaction), page)
        return text_reply(shown.text(LITERAL), _reading_view(shown))

    async def turn_list(
        self, interaction: discord.Interaction[Any], listed: Listed, page: int
    ) -> None:
        """Show another page in place of the one clicked."""
        if listed == "saved":
            await self._replace(interaction, lambda: self.saved_page(interaction, page))
        else:
            await self._replace(interaction, lambda: self.reading_page(interaction, page))

    async def unsave(self, interaction: discord.Interaction[Any], arxiv_id: str, page: int) -> None:
        """Remove a saved paper, then show the page again with what was done above it."""

        async def removed() -> Reply:
            said = await self.desk.unsave(member_of(interaction), arxiv_id)
            shown = await self.desk.saved(member_of(interaction), page)
            return text_reply(f"{said}\n\n{shown.text(LITERAL)}", _saved_view(shown))

        await self._replace(interaction, removed)

    async def _replace(
        self, interaction: discord.Interaction[Any], make: Callable[[], Awaitable[Reply]]
    ) -> None:
        """Edit the clicked private message into ``make()``'s reply."""
        async with self.responder.politely(interaction):
            reply = await make()
            message = reply.messages[0]
            await interaction.response.edit_message(
                content=message.content, embeds=[], view=message.view
            )


def _saved_view(shown: SavedPage) -> discord.ui.View | None:
    papers = [(i.arxiv_id, i.title, i.digest_date) for i in shown.items]
    return list_view("saved", papers, shown.page, shown.pages)


def _reading_view(shown: ReadingPage) -> discord.ui.View | None:
    papers = [(i.arxiv_id, i.title, i.digest_date) for i in shown.items]
    return list_view("reading", papers, shown.page, shown.pages)
