"""The components of ``/saved`` and ``/reading-list``: "Open…", "Remove…" and page buttons.

Persistent like every paperbot component (:mod:`bot.discord.components`): the ids carry the
page, the options carry the paper, and what a click does is asked of the client's
``voice_answers`` (:class:`SavedHandler`). "Open…" is the listing's own
:class:`~bot.discord.components.OpenSelect`, so a saved paper opens exactly as a listed one.
Custom ids::

    paperbot:saved:<page>       a page of the member's saved papers
    paperbot:reading:<page>     a page of the channel's reading list
    paperbot:unsave:<page>      "Remove…" on that page of saved papers; values are arXiv ids
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any, Final, Literal, Protocol, Self, cast

import discord

from bot.core.answers.query import Query
from bot.core.cards.text import cut, utf16_len

from .components import OpenSelect
from .limits import SELECT_OPTION_TEXT_MAX, SELECT_OPTIONS_MAX
from .reactions import refuse, voice_handler

__all__ = [
    "Listed",
    "SavedHandler",
    "UnsaveSelect",
    "VoicePageButton",
    "list_view",
    "voice_items",
]

Listed = Literal["saved", "reading"]
_PAGE_ID: Final = r"paperbot:(?:saved|reading):\d{1,5}"
_UNSAVE_ID: Final = r"paperbot:unsave:\d{1,5}"
_UNSAVE: Final = "paperbot:unsave:"
_ARXIV: Final = re.compile(r"[0-9A-Za-z./-]{1,40}")


class SavedHandler(Protocol):
    """What the list components do; the client's ``voice_answers`` is one."""

    async def turn_list(
        self, interaction: discord.Interaction[Any], listed: Listed, page: int
    ) -> None:
        """Show another page of the saved papers or the reading list, in place."""

    async def unsave(self, interaction: discord.Interaction[Any], arxiv_id: str, page: int) -> None:
        """Remove one saved paper and show the page again, in place."""


def _handler(interaction: discord.Interaction[Any]) -> SavedHandler | None:
    return cast("SavedHandler | None", voice_handler(interaction))


class VoicePageButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=_PAGE_ID
):
    """Previous/next page of ``/saved`` or ``/reading-list``."""

    def __init__(self, listed: Listed, page: int, label: str) -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                custom_id=f"paperbot:{listed}:{page}",
                row=2,
            )
        )
        self.listed: Listed = listed
        self.page = page

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> Self:
        """Rebuild the button from its id, keeping its label."""
        _, listed, page = match.string.split(":")
        label = getattr(item, "label", None) or "Page"
        return cls(cast(Listed, listed), int(page), label)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Show that page."""
        handler = _handler(interaction)
        if handler is None:
            await refuse(interaction)
            return
        await handler.turn_list(interaction, self.listed, self.page)


class UnsaveSelect(discord.ui.DynamicItem[discord.ui.Select[discord.ui.View]], template=_UNSAVE_ID):
    """ "Remove…" on a page of saved papers: the chosen paper leaves them."""

    def __init__(self, page: int, options: Sequence[discord.SelectOption] = ()) -> None:
        super().__init__(
            discord.ui.Select(
                custom_id=f"{_UNSAVE}{page}",
                placeholder="Remove…",
                options=list(options)[:SELECT_OPTIONS_MAX],
                row=1,
            )
        )
        self.page = page

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> Self:
        """Rebuild the menu from its id, keeping the options the message shows."""
        options = item.options if isinstance(item, discord.ui.Select) else []
        return cls(int(match.string.removeprefix(_UNSAVE)), options)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Remove the chosen paper; a value that is no arXiv id gets a note."""
        handler = _handler(interaction)
        chosen = self.item.values[0] if self.item.values else ""
        if handler is None or not _ARXIV.fullmatch(chosen):
            await refuse(interaction)
            return
        await handler.unsave(interaction, chosen, self.page)


def voice_items() -> tuple[type[discord.ui.DynamicItem[Any]], ...]:
    """The list components, for ``client.add_dynamic_items``."""
    return (VoicePageButton, UnsaveSelect)


def _label(title: str | None, arxiv_id: str) -> str:
    text = " ".join(f"{arxiv_id} · {title}".split()) if title else arxiv_id
    return cut(text, SELECT_OPTION_TEXT_MAX, length=utf16_len).text or arxiv_id


def list_view(
    listed: Listed,
    papers: Sequence[tuple[str, str | None, dt.date | None]],
    page: int,
    pages: int,
) -> discord.ui.View | None:
    """ "Open…" (and "Remove…" for saved papers) over ``papers``, and the page buttons.

    Args:
        listed: Which list the page is of.
        papers: ``(arxiv_id, title, digest_date)`` of the page's papers, in order.
        page: This page (1-based).
        pages: How many there are.
    """
    view = discord.ui.View(timeout=None)
    if papers:
        opens = [
            discord.SelectOption(
                label=_label(title, arxiv_id),
                value=Query("paper", arxiv_id, date=day.isoformat() if day else None).encode(),
            )
            for arxiv_id, title, day in dict.fromkeys(papers)
        ]
        menu = OpenSelect(0, opens, "Open…")
        menu.item.row = 0
        view.add_item(menu)
    if papers and listed == "saved":
        ids = list(dict.fromkeys(arxiv_id for arxiv_id, _, _ in papers))
        titles = {arxiv_id: title for arxiv_id, title, _ in papers}
        removes = [discord.SelectOption(label=_label(titles[a], a), value=a) for a in ids]
        view.add_item(UnsaveSelect(page, removes))
    if page > 1:
        view.add_item(VoicePageButton(listed, page - 1, f"‹ Page {page - 1}"))
    if page < pages:
        view.add_item(VoicePageButton(listed, page + 1, f"Page {page + 1} ›"))
    view.stop()  # it only draws: clicks are routed by the dynamic items
    return view if view.children else None
