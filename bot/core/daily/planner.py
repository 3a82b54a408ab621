"""Turn a channel's routing settings and a day (or a week) of papers into outbox rows.

The scheduler, ``paperbot post`` and the previews (``/subscribe preview``, ``post --dry-run``)
all plan through here, so what a preview promises is what is sent. A plan is the rows a
channel gets (a header and a card per chosen paper, or the pages of one listing) plus what its
filters did not let through, counted by reason (``filtered_days``); both are written
in one transaction (:meth:`~bot.core.delivery.outbox.Outbox.plan_rows`), keyed as before, so
planning a day twice plans nothing new and changing filters later never resends a paper. A
week's pages are keyed apart from a day's (``listing-week-N``): both take the date of their
newest digest, and a channel switched from ``digest`` to ``weekly`` mode is owed both.

Listing pages are packed with the platform's own :data:`~bot.core.cards.listing.Fits`: the
fewest messages its limits allow.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Final

from bot.core.cards.counts import Counts
from bot.core.cards.listing import (
    Fits,
    ListingItem,
    ListingKind,
    ListingPage,
    listing_item,
    pack,
    unpaged,
)
from bot.core.daily.subscriptions import Mode, Rank, Subscription
from bot.core.delivery.outbox import HEADER, LISTING, WEEKLY_LISTING, Outbox
from bot.core.delivery.repositories import FilteredDay, PlannedRow
from bot.core.routing.filters import NO_FILTERS, Filters
from bot.core.routing.selection import Corpus, LeftOut, Selection, select
from digest_parser import SectionKey

if TYPE_CHECKING:
    from bot.core.archive.records import PaperEntry
    from bot.core.archive.repositories import ArchiveRepository

__all__ = ["WEEKLY_TOP", "WEEK_DAYS", "DayPlan", "Planner", "Routing"]

Page = tuple[ListingItem, ...]
#: A channel's 👍/🔖 counts of some papers: ``(platform, channel, arxiv ids) → counts``.
LikeCounts = Callable[[str, str, Sequence[str]], Awaitable[Mapping[str, Counts]]]

#: A weekly listing's length when the channel sets no ``top``.
WEEKLY_TOP: Final = 10
#: A week's window: the slot's local date and the six days before it.
WEEK_DAYS: Final = 7


@dataclass(frozen=True, slots=True)
class Routing:
    """How one channel gets its papers: a subscription's settings, or ``post``'s flags."""

    filters: Filters = NO_FILTERS
    mode: Mode = "cards"
    sections: tuple[SectionKey, ...] = ()
    in_thread: bool = False
    empty_note: bool = False
    rank: Rank = "upvotes"

    @classmethod
    def of(cls, sub: Subscription) -> Routing:
        """A subscription's routing."""
        return cls(sub.filters, sub.mode, sub.sections, sub.in_thread, sub.empty_note, sub.rank)

    @property
    def effective_filters(self) -> Filters:
        """The filters applied: weekly mode lists a top N even when none is set."""
        if self.mode == "weekly" and self.filters.top is None:
            return self.filters.replace(top=WEEKLY_TOP)
        return self.filters


@dataclass(frozen=True, slots=True)
class DayPlan:
    """What one channel gets of one digest (or one week): rows to plan and papers left out."""

    platform: str
    channel: str
    digest_date: dt.date  # the outbox key's date: the digest, or the week's newest
    first: dt.date  # the period: one day, or the week's window
    selection: Selection
    rows: tuple[PlannedRow, ...]
    filtered: FilteredDay | None  # what the filters left out, counted by reason
    pages: tuple[ListingPage, ...]  # listing modes (and the empty-day note); () for cards

    @property
    def papers(self) -> int:
        """Papers the channel gets."""
        return len(self.selection.chosen)

    @property
    def left_out(self) -> int:
        """Papers the channel's filters left out."""
        return len(self.selection.left_out)

    @property
    def nothing(self) -> bool:
        """Nothing would be posted: no paper matched and no note was asked for."""
        return not self.rows


class Planner:
    """Plans routed deliveries from the archive into the outbox.

    Args:
        archive: Where the papers (with Hugging Face's metadata) are read from.
        outbox: Where plans are written.
        fits: Each platform's listing page limit (unknown platforms: one page).
        likes: A channel's 👍 counts (the reactions' ``counts``), for ``rank:likes`` weeks.
    """

    def __init__(
        self,
        archive: ArchiveRepository,
        outbox: Outbox,
        fits: Callable[[str], Fits] | None = None,
        likes: LikeCounts | None = None,
    ) -> None:
        self._archive = archive
        self._outbox = outbox
        self._fits = fits or (lambda platform: unpaged)
        self._likes = likes
        self._corpora: dict[tuple[dt.date, dt.date], asyncio.Future[Corpus]] = {}
        self._items: dict[tuple[dt.date, str], ListingItem] = {}
        self._packed: dict[tuple[str, tuple[tuple[dt.date, str], ...]], list[Page]] = {}

    def forget(self) -> None:
        """Drop the papers read so far: the next plan reads the archive (and metadata) anew.

        The scheduler calls this at every pass, so a thousand channels due at one minute share
        one reading of the day, and tomorrow's pass sees what enrichment fetched since.
        """
        self._corpora.clear()
        self._items.clear()
        self._packed.clear()

    async def corpus(self, first: dt.date, last: dt.date) -> Corpus:
        """The archived papers of the digests dated ``first`` to ``last``."""
        key = (first, last)
        found = self._corpora.get(key)
        if found is None:  # the first caller reads; the others (planned at once) wait for it
            found = self._corpora[key] = asyncio.ensure_future(self._read(first, last))
        return await found

    async def _read(self, first: dt.date, last: dt.date) -> Corpus:
        newest: dict[str, PaperEntry] = {}  # a paper in two digests of a week: once
        for day in sorted(await self._archive.dates()):
            if first <= day <= last:
                newest.update((e.paper.arxiv_id, e) for e in await self._entries(day))
        return Corpus(newest.values())

    async def _entries(self, day: dt.date) -> list[PaperEntry]:
        summary = await self._archive.digest(day)
        if summary is None:
            return []
        found = [await self._archive.paper(item.arxiv_id, day) for item in summary.papers]
        return [entry for entry in found if entry is not None]

    async def day(
        self, platform: str, channel: str, day: dt.date, routing: Routing
    ) -> DayPlan | None:
        """The plan of one digest for a channel (None: no such digest). Writes nothing."""
        corpus = await self.corpus(day, day)
        if not corpus.entries:
            return None
        return self.layout(platform, channel, corpus, routing, day, day)

    async def week(
        self, platform: str, channel: str, last: dt.date, routing: Routing
    ) -> DayPlan | None:
        """The plan of the week ending on ``last`` (None: no digest in it). Writes nothing."""
        first = last - dt.timedelta(days=WEEK_DAYS - 1)
        corpus = await self.corpus(first, last)
        if not corpus.entries:
            return None
        likes: dict[str, int] | None = None
        if routing.rank == "likes" and self._likes is not None:
            ids = [entry.paper.arxiv_id for entry in corpus.entries]
            likes = {a: c.likes for a, c in (await self._likes(platform, channel, ids)).items()}
        return self.layout(platform, channel, corpus, routing, first, last, likes=likes)

    def layout(
        self,
        platform: str,
        channel: str,
        corpus: Corpus,
        routing: Routing,
        first: dt.date,
        last: dt.date,
        *,
        likes: Mapping[str, int] | None = None,
    ) -> DayPlan:
        """Select and lay out: the rows and left-out records of one period. Pure.

        Args:
            likes: 👍 per paper in this channel: a weekly listing ranked by them (``liked``).
        """
        unknown_last = routing.mode == "weekly" and routing.filters.top is None
        liked = routing.mode == "weekly" and likes is not None
        if liked:
            selection = _most_liked(corpus, routing, likes or {})
        else:
            selection = select(corpus, routing.effective_filters, unknown_last=unknown_last)
        key = corpus.newest
        day = key.isoformat()
        weekly = routing.mode == "weekly"
        left = _filtered(platform, channel, day, selection, week=weekly)
        pages: tuple[ListingPage, ...] = ()
        if routing.mode == "cards" and selection.chosen:
            shown = ",".join(k.value for k in routing.sections)
            papers = [HEADER, *(entry.paper.arxiv_id for entry in selection.chosen)]
            rows = tuple(
                PlannedRow(platform, channel, day, paper, n, shown, routing.in_thread)
                for n, paper in enumerate(papers)
            )
        elif selection.chosen or routing.empty_note:
            chosen = selection.ranked() if weekly and not liked else selection.chosen
            kind: ListingKind = "liked" if liked else "weekly" if weekly else "daily"
            pages = self.pages(platform, chosen, kind, first, last, len(selection.left_out))
            prefix = WEEKLY_LISTING if weekly else LISTING  # a week and a day of one digest
            rows = tuple(
                PlannedRow(platform, channel, day, f"{prefix}{page.page}", page.page, "",
                           False, page.model_dump_json())
                for page in pages
            )  # fmt: skip
        else:
            rows = ()
        return DayPlan(platform, channel, key, first, selection, rows, left, pages)

    def pages(
        self,
        platform: str,
        chosen: Sequence[PaperEntry],
        kind: ListingKind,
        first: dt.date,
        last: dt.date,
        left_out: int,
    ) -> tuple[ListingPage, ...]:
        """The listing pages of ``chosen`` for a platform, numbered in order (packed once)."""
        items = [replace(self._item(entry), number=n) for n, entry in enumerate(chosen, start=1)]
        # channels with different filters often choose the same papers: pack those once
        which = (platform, tuple((item.date, item.arxiv_id) for item in items))
        packed = self._packed.get(which)
        if packed is None:
            packed = self._packed[which] = pack(items, self._fits(platform)) or [()]
        return tuple(
            ListingPage(
                kind=kind,
                first=first,
                last=last,
                page=n,
                pages=len(packed),
                total=len(items),
                left_out=left_out,
                number=page[0].number if page else 1,
                papers=tuple((item.date, item.arxiv_id) for item in page),
            )
            for n, page in enumerate(packed, start=1)
        )

    def _item(self, entry: PaperEntry) -> ListingItem:
        """The listing line of a paper, its gist written once per pass (numbered later)."""
        which = (entry.date, entry.paper.arxiv_id)
        found = self._items.get(which)
        if found is None:
            found = self._items[which] = listing_item(entry.paper, entry.date, 1, entry.meta)
        return found

    async def write(self, plan: DayPlan) -> int:
        """Plan ``plan`` in the outbox (rows and left-out papers at once); how many rows new."""
        return await self._outbox.plan_rows(plan.rows, plan.filtered)


def _filtered(
    platform: str, channel: str, day: str, selection: Selection, *, week: bool
) -> FilteredDay | None:
    """The left-out papers counted by reason (None when the filters let everything through)."""
    if not selection.left_out:
        return None
    reasons = Counter(out.reason for out in selection.left_out)
    return FilteredDay(
        platform, channel, day, len(selection.left_out), tuple(reasons.most_common()), week
    )


def _most_liked(corpus: Corpus, routing: Routing, likes: Mapping[str, int]) -> Selection:
    """A week's papers ranked by this channel's 👍 (then digest order); unliked ones left out.

    The channel's other filters apply first, as for any listing; ``top`` (default
    :data:`WEEKLY_TOP`) cuts the ranking. ``chosen`` is in ranked order.
    """
    top = routing.filters.top or WEEKLY_TOP
    base = select(corpus, routing.filters.replace(top=None))
    ranked = sorted(
        base.chosen, key=lambda e: (-likes.get(e.paper.arxiv_id, 0), e.date, e.position)
    )
    chosen: list[PaperEntry] = []
    left = list(base.left_out)
    for entry in ranked:
        count = likes.get(entry.paper.arxiv_id, 0)
        if not count:
            left.append(
                LeftOut(entry.date, entry.paper.arxiv_id, "no 👍 here this week", "no_likes")
            )
        elif len(chosen) >= top:
            shown = f"{count} 👍"
            left.append(
                LeftOut(
                    entry.date,
                    entry.paper.arxiv_id,
                    f"beyond the top {top} ({shown})",
                    "beyond_top",
                )
            )
        else:
            chosen.append(entry)
    left.sort(key=lambda out: (out.date, out.arxiv_id))
    return Selection(tuple(chosen), tuple(left), base.followed)
