"""Persistent message components: the section menu, "Post to channel" and page buttons.

A card posted last week must still answer its menu after the bot restarted, so no component
keeps state in memory: each ``custom_id`` carries what its answer needs (paper, digest date,
section, page) and is routed by a :class:`discord.ui.DynamicItem` template registered once in
``setup_hook``. Views made only of dynamic items and link buttons are not even stored per
message by discord.py, and every view is built stopped (:func:`_routing_only`), so a
long-running bot does not accumulate them.

The items only route: what a click *does* lives in a :class:`ComponentHandler` the client
exposes as ``client.components``, so this module needs no archive and no command code. What
each click asks is a :class:`~bot.core.answers.query.Query`, carried in the ``custom_id`` in its
compact form (:meth:`~bot.core.answers.query.Query.encode`).

Custom ids (at most 100 characters; arXiv ids, ISO dates and section slugs contain no ``:``)::

    paperbot:section:<paper>:<date>           the "Show section…" select; values are slugs
    paperbot:share:<query>                    "Post to channel": the answer to post again
    paperbot:page:<section>:<date>:<page>     previous/next page of /section across a digest
    paperbot:open:<n>                         a listing's n-th "Open…" menu; values are the
                                              ``paper:…`` queries of its papers
    paperbot:like:<paper>:<date>              👍 and 🔖 Save (see :mod:`bot.discord.reactions`)
    paperbot:save:<paper>:<date>

The last is ``paperbot:`` and a section query's own id (``page:…``), so a page button and a
page's "Post to channel" say the same query the same way.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Final, Protocol, Self, cast

import discord

from bot.core.answers.query import Query
from bot.core.cards.card import Card
from bot.discord.limits import (
    CUSTOM_ID_MAX,
    SELECT_OPTION_TEXT_MAX,
    SELECT_OPTIONS_MAX,
    SELECT_PLACEHOLDER_MAX,
)
from bot.discord.reactions import ReactButton, react_buttons

if TYPE_CHECKING:
    from digest_parser import SectionKey

__all__ = [
    "ComponentHandler",
    "OpenSelect",
    "PageButton",
    "SectionSelect",
    "ShareButton",
    "card_view",
    "dynamic_items",
    "page_view",
    "query_of",
    "share_id",
    "share_view",
]

_log = logging.getLogger(__name__)

_SECTION: Final = "paperbot:section:"
_SHARE: Final = "paperbot:share:"
_PAGE: Final = "paperbot:page:"
_OPEN: Final = "paperbot:open:"
_OPEN_ID: Final = r"paperbot:open:\d{1,2}"
_SECTION_ID: Final = r"paperbot:section:[^:]+:[^:]+"
_SHARE_ID: Final = r"paperbot:share:(?:paper|section|page|digest|search|q):.*"
_STALE: Final = "This button is from an older paperbot and no longer works: run the command again."
_PAGE_ID: Final = r"paperbot:page:[a-z-]+:[^:]+:\d{1,4}"


def share_id(query: Query) -> str | None:
    """The "Post to channel" id for ``query``; ``None`` past 100 characters (a long search)."""
    custom_id = _SHARE + query.encode()
    return custom_id if len(custom_id) <= CUSTOM_ID_MAX else None


def _page_id(query: Query) -> str:
    return "paperbot:" + query.encode()  # a section query without a paper: ``page:…``


def _decoded(body: str) -> Query:
    """The query of an id its item's template matched (the template admits only such ids)."""
    query = Query.decode(body)
    if query is None:  # pragma: no cover - a template admitted an id it should not have
        raise ValueError(f"paperbot cannot read the component id body {body!r}")
    return query


def query_of(custom_id: str) -> Query | None:
    """The query a share or page button's id carries, today's or an older paperbot's."""
    if custom_id.startswith(_SHARE):
        return Query.decode(custom_id.removeprefix(_SHARE))
    if custom_id.startswith(_PAGE):
        return Query.decode(custom_id.removeprefix("paperbot:"))
    return None


class ComponentHandler(Protocol):
    """What clicks on paperbot's components do; the client exposes one as ``components``."""

    async def show_section(self, interaction: discord.Interaction[Any], query: Query) -> None:
        """Answer the section menu: the chosen section whole, ephemerally."""

    async def share(self, interaction: discord.Interaction[Any], query: Query) -> None:
        """Post the answer in the interaction's channel, once."""

    async def turn_page(self, interaction: discord.Interaction[Any], query: Query) -> None:
        """Replace a section page with another page."""

    async def open_paper(self, interaction: discord.Interaction[Any], query: Query) -> None:
        """Answer a listing's menu: the chosen paper's card, ephemerally."""


def _handler(interaction: discord.Interaction[Any]) -> ComponentHandler:
    handler = getattr(interaction.client, "components", None)
    if handler is None:
        raise RuntimeError("the client has no `components` handler for paperbot's components")
    return cast(ComponentHandler, handler)


def _option(key: SectionKey) -> discord.SelectOption:
    return discord.SelectOption(
        label=f"{key.number} · {key.english}"[:SELECT_OPTION_TEXT_MAX],
        value=key.value,
        description=key.korean[:SELECT_OPTION_TEXT_MAX],
    )


class SectionSelect(
    discord.ui.DynamicItem[discord.ui.Select[discord.ui.View]], template=_SECTION_ID
):
    """ "Show section…": picking a section answers with it whole, only to the one who picked.

    It carries the card's query (its paper on its digest date); the section picked completes it.
    """

    def __init__(self, card: Query, options: Sequence[discord.SelectOption] = ()) -> None:
        super().__init__(
            discord.ui.Select(
                custom_id=_SECTION + card.encode().removeprefix("paper:"),
                placeholder="Show section…",
                options=list(options)[:SELECT_OPTIONS_MAX],
                row=0,
            )
        )
        self.card = card

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> Self:
        """Rebuild the select from its id, keeping the options the message shows."""
        options = item.options if isinstance(item, discord.ui.Select) else []
        return cls(_decoded("paper:" + match.string.removeprefix(_SECTION)), options)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Show the chosen section."""
        section = self.item.values[0] if self.item.values else ""
        card = self.card
        chosen = Query("section", paper=card.paper, section=section, date=card.date)
        await _handler(interaction).show_section(interaction, chosen)


class ShareButton(discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=_SHARE_ID):
    """ "Post to channel" on an ephemeral answer: the same answer, for everyone."""

    def __init__(self, custom_id: str) -> None:
        super().__init__(
            discord.ui.Button(
                label="Post to channel",
                emoji="📢",
                style=discord.ButtonStyle.primary,
                custom_id=custom_id,
            )
        )
        self.query = query_of(custom_id)

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> Self:
        """Rebuild the button from its id (``query`` is None if the id cannot be read)."""
        return cls(match.string)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Post the answer."""
        if self.query is None:
            try:
                await interaction.response.send_message(_STALE, ephemeral=True)
            except discord.HTTPException as error:
                _log.warning("Discord refused the note on a stale button: %s", error)
            return
        await _handler(interaction).share(interaction, self.query)


class PageButton(discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=_PAGE_ID):
    """Previous/next page of a section across a digest."""

    def __init__(self, query: Query, label: str) -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                custom_id=_page_id(query),
            )
        )
        self.query = query

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> Self:
        """Rebuild the button from its id, keeping its label."""
        label = getattr(item, "label", None) or "Page"
        return cls(_decoded(match.string.removeprefix("paperbot:")), label)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Show that page in place of this one."""
        await _handler(interaction).turn_page(interaction, self.query)


class OpenSelect(discord.ui.DynamicItem[discord.ui.Select[discord.ui.View]], template=_OPEN_ID):
    """A digest listing's "Open…" menu: the chosen paper's card, only to the one who chose.

    Each option's value is the paper's query in its compact form (``paper:ID:DATE``), so the
    menu needs nothing but its own option to answer; a listing has one menu per 25 papers,
    numbered in its ``custom_id`` (ids must differ within a message).
    """

    def __init__(
        self, number: int, options: Sequence[discord.SelectOption] = (), placeholder: str = ""
    ) -> None:
        super().__init__(
            discord.ui.Select(
                custom_id=f"{_OPEN}{number}",
                placeholder=placeholder[:SELECT_PLACEHOLDER_MAX] or None,
                options=list(options)[:SELECT_OPTIONS_MAX],
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> Self:
        """Rebuild the menu from its id, keeping the options the message shows."""
        options = item.options if isinstance(item, discord.ui.Select) else []
        return cls(int(match.string.removeprefix(_OPEN)), options)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Open the chosen paper's card; a value that is no paper's query gets a note."""
        query = Query.decode(self.item.values[0]) if self.item.values else None
        if query is None or query.command != "paper":
            try:
                await interaction.response.send_message(_STALE, ephemeral=True)
            except discord.HTTPException as error:
                _log.warning("Discord refused the note on a stale menu: %s", error)
            return
        await _handler(interaction).open_paper(interaction, query)


def dynamic_items() -> tuple[type[discord.ui.DynamicItem[Any]], ...]:
    """Every dynamic item class, for ``client.add_dynamic_items`` in ``setup_hook``."""
    return (SectionSelect, ShareButton, PageButton, OpenSelect, ReactButton)


def _links(view: discord.ui.View, card: Card) -> None:
    for label, emoji, url in (
        ("Hugging Face", "🤗", card.hf_url),
        ("arXiv", "📄", card.abs_url),
        ("PDF", "📥", card.pdf_url),
    ):
        view.add_item(discord.ui.Button(label=label, emoji=emoji, url=url, row=1))


def _routing_only(view: discord.ui.View) -> discord.ui.View:
    """``view``, stopped: it only draws components, its clicks are routed by the dynamic items.

    discord.py gives every view sent in an ephemeral answer a 15-minute timeout task that keeps
    it alive; ours never listen, so that would only keep garbage (measured: 6,500 buttons alive
    after a few thousand answers, and garbage collections of 50-150 ms in the middle of a
    crowd of commands). A stopped view is sent, edited and posted like any other.
    """
    view.stop()
    return view


def card_view(card: Card, *, share: Query | None = None) -> discord.ui.View:
    """A card's components: the section menu, links, "Post to channel" when private, and the
    👍/🔖 Save buttons with the card's counts (:mod:`bot.discord.reactions`)."""
    view = discord.ui.View(timeout=None)
    if card.sections:  # Discord refuses a select whose option values repeat: one per section
        options = [_option(key) for key in dict.fromkeys(s.key for s in card.sections)]
        date = card.date.isoformat() if card.date else None  # written ``undated`` in the id
        view.add_item(SectionSelect(Query("paper", paper=card.arxiv_id, date=date), options))
    _links(view, card)
    if share is not None and (custom_id := share_id(share)) is not None:
        button = ShareButton(custom_id)
        button.row = 1
        view.add_item(button)
    for react in react_buttons(card.arxiv_id, card.date, card.counts):
        view.add_item(react)
    return _routing_only(view)


def share_view(share: Query | None) -> discord.ui.View | None:
    """Just the "Post to channel" button, or ``None`` when there is nothing to share."""
    custom_id = share_id(share) if share is not None else None
    if custom_id is None:
        return None
    view = discord.ui.View(timeout=None)
    view.add_item(ShareButton(custom_id))
    return _routing_only(view)


def page_view(query: Query, pages: int, *, share: Query | None = None) -> discord.ui.View | None:
    """Previous/next buttons for a section page (``query``), and "Post to channel" if given."""
    view = share_view(share) or discord.ui.View(timeout=None)
    page = query.page
    if page > 1:
        view.add_item(PageButton(query.at(page - 1), f"‹ Page {page - 1}"))
    if page < pages:
        view.add_item(PageButton(query.at(page + 1), f"Page {page + 1} ›"))
    return _routing_only(view) if view.children else None
