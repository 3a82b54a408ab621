"""Persistent message components: the section menu, "Post to channel" and page buttons.

A card posted last week must still answer its menu after the bot restarted, so no component
keeps state in memory: each ``custom_id`` carries what its answer needs (paper, digest date,
section, page) and is routed by a :class:`discord.ui.DynamicItem` template registered once in
``setup_hook``. Views made only of dynamic items and link buttons are not even stored per
message by discord.py, and every view is built stopped (:func:`_routing_only`), so a
long-running bot does not accumulate them.

The items only route: what a click *does* lives in a :class:`ComponentHandler` the client
exposes as ``client.components``, so this module needs no archive and no command code.

Custom ids (at most 100 characters; arXiv ids, ISO dates and section slugs contain no ``:``)::

    paperbot:section:<paper>:<date>           the "Show section…" select; values are slugs
    paperbot:share:<kind>:<args…>             "Post to channel": the answer to regenerate
    paperbot:page:<section>:<date>:<page>     previous/next page of /section across a digest
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Literal, Protocol, Self, cast

import discord

from bot.core.cards.card import Card
from bot.discord.limits import CUSTOM_ID_MAX, SELECT_OPTION_TEXT_MAX, SELECT_OPTIONS_MAX

if TYPE_CHECKING:
    from digest_parser import SectionKey

__all__ = [
    "ComponentHandler",
    "PageButton",
    "SectionSelect",
    "Share",
    "ShareButton",
    "ShareKind",
    "card_view",
    "dynamic_items",
    "page_view",
    "share_view",
]

_log = logging.getLogger(__name__)

ShareKind = Literal["paper", "section", "page", "digest", "search"]
#: Arguments each kind of shared answer is regenerated from; ``search`` keeps its query whole.
_ARITY: Final[dict[str, int]] = {"paper": 2, "section": 3, "page": 3, "digest": 1, "search": 1}
_SECTION_ID: Final = r"paperbot:section:(?P<paper>[^:]+):(?P<date>[^:]+)"
_SHARE_ID: Final = r"paperbot:share:(?P<kind>paper|section|page|digest|search):(?P<args>.*)"
_STALE: Final = "This button is from an older paperbot and no longer works: run the command again."
_PAGE_ID: Final = r"paperbot:page:(?P<key>[a-z-]+):(?P<date>[^:]+):(?P<page>\d{1,4})"


@dataclass(frozen=True, slots=True)
class Share:
    """An answer a "Post to channel" button can regenerate: the command and its arguments."""

    kind: ShareKind
    args: tuple[str, ...]

    @property
    def custom_id(self) -> str:
        """The button's ``custom_id``."""
        return ":".join(("paperbot:share", self.kind, *self.args))

    @property
    def fits(self) -> bool:
        """Whether the id is within Discord's 100 characters (a long search query is not)."""
        return len(self.custom_id) <= CUSTOM_ID_MAX

    @classmethod
    def parse(cls, custom_id: str) -> Share | None:
        """Read a share button's id; ``None`` for anything else."""
        match = re.fullmatch(_SHARE_ID, custom_id)
        if match is None:
            return None
        kind = cast(ShareKind, match["kind"])
        args = tuple(match["args"].split(":", _ARITY[kind] - 1))
        return cls(kind, args) if len(args) == _ARITY[kind] else None


class ComponentHandler(Protocol):
    """What clicks on paperbot's components do; the client exposes one as ``components``."""

    async def show_section(
        self, interaction: discord.Interaction[Any], paper: str, date: str, section: str
    ) -> None:
        """Answer the section menu: the chosen section whole, ephemerally."""

    async def share(self, interaction: discord.Interaction[Any], share: Share) -> None:
        """Post the answer in the interaction's channel, once."""

    async def turn_page(
        self, interaction: discord.Interaction[Any], section: str, date: str, page: int
    ) -> None:
        """Replace a section page with another page."""


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
    """ "Show section…": picking a section answers with it whole, only to the one who picked."""

    def __init__(self, paper: str, date: str, options: Sequence[discord.SelectOption] = ()) -> None:
        super().__init__(
            discord.ui.Select(
                custom_id=f"paperbot:section:{paper}:{date}",
                placeholder="Show section…",
                options=list(options)[:SELECT_OPTIONS_MAX],
                row=0,
            )
        )
        self.paper = paper
        self.date = date

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> Self:
        """Rebuild the select from its id, keeping the options the message shows."""
        options = item.options if isinstance(item, discord.ui.Select) else []
        return cls(match["paper"], match["date"], options)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Show the chosen section."""
        section = self.item.values[0] if self.item.values else ""
        await _handler(interaction).show_section(interaction, self.paper, self.date, section)


class ShareButton(discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=_SHARE_ID):
    """ "Post to channel" on an ephemeral answer: the same answer, for everyone."""

    def __init__(self, share: Share | None, custom_id: str | None = None) -> None:
        super().__init__(
            discord.ui.Button(
                label="Post to channel",
                emoji="📢",
                style=discord.ButtonStyle.primary,
                custom_id=custom_id or (share.custom_id if share else "paperbot:share:digest:"),
            )
        )
        self.share = share

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> Self:
        """Rebuild the button from its id (``share`` is None if the id cannot be read)."""
        return cls(Share.parse(match.string), match.string)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Post the answer."""
        if self.share is None:
            try:
                await interaction.response.send_message(_STALE, ephemeral=True)
            except discord.HTTPException as error:
                _log.warning("Discord refused the note on a stale button: %s", error)
            return
        await _handler(interaction).share(interaction, self.share)


class PageButton(discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=_PAGE_ID):
    """Previous/next page of a section across a digest."""

    def __init__(self, section: str, date: str, page: int, label: str) -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                custom_id=f"paperbot:page:{section}:{date}:{page}",
            )
        )
        self.section, self.date, self.page = section, date, page

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> Self:
        """Rebuild the button from its id, keeping its label."""
        label = getattr(item, "label", None) or "Page"
        return cls(match["key"], match["date"], int(match["page"]), label)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Show that page in place of this one."""
        await _handler(interaction).turn_page(interaction, self.section, self.date, self.page)


def dynamic_items() -> tuple[type[discord.ui.DynamicItem[Any]], ...]:
    """Every dynamic item class, for ``client.add_dynamic_items`` in ``setup_hook``."""
    return (SectionSelect, ShareButton, PageButton)


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


def card_view(card: Card, *, share: Share | None = None) -> discord.ui.View:
    """A card's components: the section menu, links, and "Post to channel" when private."""
    view = discord.ui.View(timeout=None)
    if card.sections:  # Discord refuses a select whose option values repeat: one per section
        options = [_option(key) for key in dict.fromkeys(s.key for s in card.sections)]
        view.add_item(SectionSelect(card.arxiv_id, card.date_label, options))
    _links(view, card)
    if share is not None and share.fits:
        button = ShareButton(share)
        button.row = 1
        view.add_item(button)
    return _routing_only(view)


def share_view(share: Share | None) -> discord.ui.View | None:
    """Just the "Post to channel" button, or ``None`` when there is nothing to share."""
    if share is None or not share.fits:
        return None
    view = discord.ui.View(timeout=None)
    view.add_item(ShareButton(share))
    return _routing_only(view)


def page_view(
    section: str, date: str, page: int, pages: int, *, share: Share | None = None
) -> discord.ui.View | None:
    """Previous/next buttons for a section page, and "Post to channel" if given."""
    view = share_view(share) or discord.ui.View(timeout=None)
    if page > 1:
        view.add_item(PageButton(section, date, page - 1, f"‹ Page {page - 1}"))
    if page < pages:
        view.add_item(PageButton(section, date, page + 1, f"Page {page + 1} ›"))
    return _routing_only(view) if view.children else None
