"""A digest listing: the day's (or the week's) papers as one numbered message, not one card each.

A channel in ``digest`` or ``weekly`` mode gets this instead of a card per paper: numbered
titles, a one-line gist (the start of the motivation), the upvotes where known, and a menu
that opens any paper's full card for whoever asks. One listing may not fit one message of a
platform (Discord takes 2,000 characters of content and 6,000 of embeds per message, Slack 50
blocks), so it is cut into *pages*, as few as the platform's limits allow: each platform says
what one page may hold (:data:`Fits`) and :func:`pack` fills pages greedily in order, which
for items kept in order is the fewest pages possible.

A page is planned in the outbox as one row whose ``content`` is a :class:`ListingPage`: the
papers it lists (by digest date and arXiv id), so the worker renders exactly what was
planned even when the channel's filters change before it is sent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from bot.core.cards.card import title_from_preamble
from bot.core.cards.paper_meta import PaperMeta
from digest_parser import Paper, SectionKey

__all__ = [
    "GIST_MAX",
    "WEEK_KINDS",
    "DigestListing",
    "Fits",
    "ListingItem",
    "ListingKind",
    "ListingPage",
    "gist",
    "listing_item",
    "pack",
    "unpaged",
    "widest_page",
]

#: The longest one-line gist, in characters: a line a reader takes in at a glance, and 47 of
#: them with titles fit one Discord message (its content and embeds) and one Slack message.
GIST_MAX: Final = 110

ListingKind = Literal["daily", "weekly", "liked", "follow"]
#: The kinds that list a week: by upvotes (``weekly``), or by this channel's 👍 (``liked``).
WEEK_KINDS: Final = ("weekly", "liked")


@dataclass(frozen=True, slots=True)
class ListingItem:
    """One numbered line of a listing."""

    number: int  # 1-based, across all pages of the listing
    arxiv_id: str
    date: dt.date  # the digest the summary is from (a week spans several)
    title: str  # the digest's (Korean) title, else the English one, else the id
    gist: str  # one line, at most GIST_MAX characters; "" when the entry has no text
    upvotes: int | None  # None without Hugging Face's metadata
    withdrawn: bool = False


@dataclass(frozen=True, slots=True)
class DigestListing:
    """One page (one message) of a day's or a week's listing, ready to render."""

    kind: ListingKind
    first: dt.date  # the day (daily), or the first day of the week's window
    last: dt.date  # the day (daily), or the last day of the window
    items: tuple[ListingItem, ...]  # this page's lines
    page: int  # 1-based
    pages: int
    total: int  # items across every page
    left_out: int = 0  # papers of the period the channel's filters left out

    @property
    def title(self) -> str:
        """``Hugging Face Daily Papers – 2026-01-05`` or ``… weekly top, 2026-01-01 – 01-07``."""
        if self.kind == "weekly":
            return f"Hugging Face Daily Papers – weekly top, {self.first} – {self.last}"
        if self.kind == "liked":
            return f"This week's most liked here, {self.first} – {self.last}"
        if self.kind == "follow":
            return f"New papers you follow – {self.last}"
        return f"Hugging Face Daily Papers – {self.last}"

    @property
    def page_label(self) -> str:
        """``(2/3)`` on a listing of several pages, else empty."""
        return f"({self.page}/{self.pages})" if self.pages > 1 else ""

    @property
    def summary(self) -> str:
        """``12 papers`` / ``12 papers (35 left out by this channel's filters)``, or the note
        of a day nothing matched."""
        if self.kind == "follow":
            count = f"{self.total} paper{'s' if self.total != 1 else ''}"
            return f"{count} of today's digest match what you follow (`/follow` lists it)."
        if not self.total:
            return f"No paper matches this channel's filters ({self.left_out} left out)."
        text = f"{self.total} paper{'s' if self.total != 1 else ''}"
        if self.left_out:
            text += f" ({self.left_out} left out by this channel's filters)"
        return text


class ListingPage(BaseModel):
    """What an outbox row of a listing page holds (as JSON in its ``content``)."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    kind: ListingKind = "daily"
    first: dt.date
    last: dt.date
    page: int = Field(ge=1)
    pages: int = Field(ge=1)
    total: int = Field(ge=0)
    left_out: int = Field(default=0, ge=0)
    number: int = Field(default=1, ge=1, description="the number of this page's first item")
    papers: tuple[tuple[dt.date, str], ...] = ()  # (digest date, arXiv id) in listing order


#: Whether one page holding these items fits one message of a platform (each adapter renders
#: the page and measures it against its own limits).
Fits = Callable[[Sequence[ListingItem]], bool]


def widest_page(items: Sequence[ListingItem]) -> DigestListing:
    """A page of ``items`` with the widest label and counts a page can carry, and a week's title.

    What a platform's :data:`Fits` renders to measure: whether the page is a week's or a
    day's, its number and the counts in its summary are not known when it is packed. The
    kind is ``weekly``, the longest title; a platform whose limit a longer summary (a
    ``follow`` page's) or a day's link could reach measures every kind with
    ``dataclasses.replace(page, kind=...)``, as Discord's does.
    """
    return DigestListing(
        kind="weekly",
        first=min(i.date for i in items),
        last=max(i.date for i in items),
        items=tuple(items),
        page=99,
        pages=99,
        total=9999,
        left_out=9999,
    )


def unpaged(items: Sequence[ListingItem]) -> bool:
    """What a platform without message limits takes on one page: anything."""
    return True


def pack(items: Sequence[ListingItem], fits: Fits) -> list[tuple[ListingItem, ...]]:
    """Cut ``items`` into pages in order, each as full as ``fits`` allows.

    Greedy filling is optimal here: with the order fixed, any page boundary later than the
    greedy one would overflow, so no split has fewer pages. Each page's end is found by
    bisection, since a page that does not fit does not fit with more items either (every
    platform limit grows with the content): about log2(n) renders per page instead of n. An
    item too large for a page of its own still gets one (the renderer cuts its text):
    nothing is dropped.
    """
    pages: list[tuple[ListingItem, ...]] = []
    start = 0
    while start < len(items):
        if fits(items[start:]):  # the common case, a channel's few papers: one render
            pages.append(tuple(items[start:]))
            break
        low, high = start + 1, len(items) - 1  # items[start:low] is a page even if too big
        while low < high:
            middle = (low + high + 1) // 2
            if fits(items[start:middle]):
                low = middle
            else:
                high = middle - 1
        pages.append(tuple(items[start:low]))
        start = low
    return pages


def gist(paper: Paper, limit: int = GIST_MAX) -> str:
    """The first sentence of the motivation (else of the first section, else the preamble).

    Line breaks and Markdown emphasis are flattened: a gist is one line of plain text, and the
    renderers escape it for their platform.
    """
    motivation = paper.section(SectionKey.MOTIVATION)
    source = next(
        (s.body for s in (motivation, *paper.sections) if s is not None and s.body.strip()),
        paper.preamble,
    )
    text = " ".join(source.replace("**", "").replace("__", "").split())
    text = text.lstrip("-*• ").strip()
    for end in (". ", "다. ", "다."):
        at = text.find(end)
        if 0 < at < limit:
            text = text[: at + len(end)].strip()
            break
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def listing_item(
    paper: Paper, date: dt.date, number: int, meta: PaperMeta | None = None
) -> ListingItem:
    """A numbered listing line for an archived paper."""
    title = (
        paper.title
        or title_from_preamble(paper.preamble)
        or (meta.title if meta is not None else None)
        or paper.arxiv_id
    )
    return ListingItem(
        number=number,
        arxiv_id=paper.arxiv_id,
        date=date,
        title=" ".join(title.split()),
        gist=gist(paper),
        upvotes=meta.upvotes if meta is not None else None,
        withdrawn=meta.withdrawn if meta is not None else False,
    )
