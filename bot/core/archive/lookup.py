"""Answer the chat commands from the archive: typed results, no formatting, no exceptions.

Every command (``/paper``, ``/section``, ``/digest``, ``/search``, autocomplete) calls one
method here, whatever the platform. A miss is a :class:`NotFound` value carrying what a
person needs next (the closest known ids, the valid section names, the dates that exist) so
that each adapter only decides how to draw it. User text never raises: a malformed reference,
date, section name or search string comes back as a :class:`NotFound` or an empty result.
"""

from __future__ import annotations

import datetime as dt
import difflib
import logging
import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from bot.core.archive.records import (
    DigestItem,
    DigestSummary,
    PaperEntry,
    SearchHit,
    SectionItem,
    Snippet,
    Suggestion,
    clean_query,
)
from bot.core.archive.refs import id_prefix, parse_ref
from bot.core.archive.repositories import Archive
from digest_parser import Section, SectionKey

__all__ = [  # the store's records are re-exported: adapters import results from here
    "MAX_SEARCH_LIMIT",
    "MAX_SEARCH_OFFSET",
    "MAX_SUGGESTIONS",
    "DateArg",
    "DigestItem",
    "DigestSummary",
    "Lookup",
    "NotFound",
    "NotFoundKind",
    "PaperEntry",
    "SearchHit",
    "SearchResults",
    "SectionFound",
    "SectionItem",
    "SectionPage",
    "Snippet",
    "Suggestion",
]

_log = logging.getLogger(__name__)

#: Discord accepts at most 25 autocomplete choices (discord.com/developers/docs/interactions/
#: application-commands, "Autocomplete"); Slack's external selects show 100, so 25 suits both.
MAX_SUGGESTIONS: Final = 25
DEFAULT_PER_PAGE: Final = 5
#: Search hits skipped at most: a thousand pages of ten, past anything a person reads. Also
#: what keeps a typed offset inside SQLite's 64-bit integers (a larger one was OverflowError)
#: and the ranking window (``offset + limit`` matches) small.
MAX_SEARCH_OFFSET: Final = 10_000
MAX_SEARCH_LIMIT: Final = 100  # hits per answer at most (answers ask for ten)
_CLOSEST: Final = 5  # ids offered for an unknown one
#: difflib ratio for "did you mean": 0.8 allows about two wrong characters in a 10-character id.
_SIMILAR: Final = 0.8
_SHOWN: Final = 60  # characters of user input echoed back in a message
_TOP: Final = "\U0010ffff"  # sorts after every id character: prefix ranges are [p, p + _TOP)

DateArg = dt.date | str | None
"""A digest date: a :class:`datetime.date`, an ISO ``YYYY-MM-DD`` string, or ``None``: newest."""


class NotFoundKind(StrEnum):
    """Why nothing was found; adapters may word each kind their own way."""

    NOT_A_REFERENCE = "not-a-reference"
    UNKNOWN_PAPER = "unknown-paper"
    NOT_IN_DIGEST = "not-in-digest"
    UNKNOWN_DATE = "unknown-date"
    EMPTY_ARCHIVE = "empty-archive"
    UNKNOWN_SECTION = "unknown-section"
    MISSING_SECTION = "missing-section"
    PAGE_OUT_OF_RANGE = "page-out-of-range"


@dataclass(frozen=True, slots=True)
class NotFound:
    """A miss: a sentence a person can act on, and values they may pick instead."""

    kind: NotFoundKind
    message: str
    suggestions: tuple[Suggestion, ...] = ()


@dataclass(frozen=True, slots=True)
class SectionFound:
    """One section of one paper, with the entry it belongs to."""

    entry: PaperEntry
    section: Section


@dataclass(frozen=True, slots=True)
class SectionPage:
    """One page of a section across a digest's papers (``section`` is None where absent)."""

    key: SectionKey
    date: dt.date
    page: int
    pages: int
    per_page: int
    total: int
    items: tuple[SectionItem, ...]


@dataclass(frozen=True, slots=True)
class SearchResults:
    """A page of search hits for the cleaned ``query``."""

    query: str
    offset: int
    limit: int
    hits: tuple[SearchHit, ...]
    has_more: bool


_SECTION_CHOICES: Final = tuple(
    Suggestion(key.value, f"{key.english} · {key.korean}") for key in SectionKey.ordered()
)


class Lookup:
    """The queries behind every chat command, over one archive (any storage backend)."""

    def __init__(self, store: Archive) -> None:
        self._store = store

    @property
    def store(self) -> Archive:
        """The archive these queries read (adapters watch it to keep their answers)."""
        return self._store

    async def dates(self) -> tuple[dt.date, ...]:
        """Every digest date, newest first."""
        return await self._store.dates()

    async def latest_date(self) -> dt.date | None:
        """The newest digest's date, ``None`` for an empty archive."""
        return await self._store.latest_date()

    async def paper(self, ref: str, date: DateArg = None) -> PaperEntry | NotFound:
        """The paper ``ref`` names (id or URL), newest version unless ``date`` is given."""
        arxiv_id = parse_ref(ref)
        if arxiv_id is None:
            titles = await self._store.titles_containing(ref, limit=_CLOSEST)
            return NotFound(
                NotFoundKind.NOT_A_REFERENCE,
                f"{_shown(ref)} is not an arXiv reference: send an id like 2505.19590 "
                "or an arxiv.org or huggingface.co/papers link.",
                titles,
            )
        day = _parse_date(date) if date is not None else None
        if isinstance(day, NotFound):
            return day
        entry = await self._store.paper(arxiv_id, day)
        if entry is not None:
            return entry
        if day is not None:
            if (missing := await self._unknown_date(day)) is not None:
                return missing
            if (newest := await self._store.paper(arxiv_id)) is not None:
                return NotFound(
                    NotFoundKind.NOT_IN_DIGEST,
                    f"{arxiv_id} is not in the {day} digest; it is in "
                    + ", ".join(map(str, newest.dates[:10]))
                    + ("…" if len(newest.dates) > 10 else "."),
                    tuple(_date_choice(d) for d in newest.dates[:MAX_SUGGESTIONS]),
                )
        closest = await self._closest(arxiv_id)
        hint = " Did you mean one of these?" if closest else ""
        return NotFound(
            NotFoundKind.UNKNOWN_PAPER, f"{arxiv_id} is not in any digest.{hint}", closest
        )

    async def section(
        self,
        name: str,
        paper: str | None = None,
        date: DateArg = None,
        page: int = 1,
        per_page: int = DEFAULT_PER_PAGE,
    ) -> SectionFound | SectionPage | NotFound:
        """Section ``name`` of one paper, or of every paper in a digest, a page at a time.

        Raises:
            ValueError: ``per_page`` is below 1 (a programming error, not user input).
        """
        if per_page < 1:
            raise ValueError(f"per_page must be at least 1, not {per_page}")
        key = SectionKey.lookup(name)
        if key is None:
            names = "; ".join(f"{s.value} ({s.label})" for s in _SECTION_CHOICES)
            message = f"There is no section called {_shown(name)}. Sections: {names}."
            return NotFound(NotFoundKind.UNKNOWN_SECTION, message, _SECTION_CHOICES)
        if paper is not None:
            return await self._paper_section(key, paper, date)
        summary = await self.digest(date)
        if isinstance(summary, NotFound):
            return summary
        total = len(summary.papers)
        pages = max(1, math.ceil(total / per_page))
        if not 1 <= page <= pages:
            choices = tuple(Suggestion(str(n), f"page {n}") for n in range(1, pages + 1))
            plural = "page" if pages == 1 else "pages"
            message = f"There is no page {page}; the {summary.date} digest has {pages} {plural}."
            return NotFound(NotFoundKind.PAGE_OUT_OF_RANGE, message, choices[:MAX_SUGGESTIONS])
        offset = (page - 1) * per_page
        items = await self._store.section_items(key, summary.date, limit=per_page, offset=offset)
        return SectionPage(key, summary.date, page, pages, per_page, total, items)

    async def digest(self, date: DateArg = None) -> DigestSummary | NotFound:
        """A digest's papers with their titles and sections; the newest by default."""
        day = _parse_date(date) if date is not None else await self._store.latest_date()
        if day is None:
            return NotFound(NotFoundKind.EMPTY_ARCHIVE, "No digest has been archived yet.")
        if isinstance(day, NotFound):
            return day
        summary = await self._store.digest(day)
        if summary is None:
            missing = await self._unknown_date(day)
            return missing or NotFound(NotFoundKind.UNKNOWN_DATE, f"There is no digest for {day}.")
        return summary

    async def search(self, query: str, limit: int = 10, offset: int = 0) -> SearchResults:
        """Ranked matches in titles and section bodies; any text and any numbers are safe.

        ``offset`` and ``limit`` are clamped to ``[0, MAX_SEARCH_OFFSET]`` and
        ``[0, MAX_SEARCH_LIMIT]`` (a page number in a Slack button becomes an offset here); the
        CLI refuses larger ones with a message instead.
        """
        limit = min(max(0, limit), MAX_SEARCH_LIMIT)
        offset = min(max(0, offset), MAX_SEARCH_OFFSET)
        hits = await self._store.search(query, limit=limit + 1, offset=offset)
        return SearchResults(
            clean_query(query), offset, limit, tuple(hits[:limit]), len(hits) > limit
        )

    async def suggest(self, prefix: str) -> tuple[Suggestion, ...]:
        """Up to 25 ``(arXiv id, title)`` for autocomplete: id prefixes, then title matches.

        Newest digest first; an empty prefix offers the newest digest in order.
        """
        if not prefix.strip():
            return await self._store.newest_papers(limit=MAX_SUGGESTIONS)
        found: dict[str, Suggestion] = {}
        if partial := id_prefix(prefix):
            ids = await self._store.ids_between(partial, partial + _TOP, limit=MAX_SUGGESTIONS)
            found.update((s.value, s) for s in ids)
        if len(found) < MAX_SUGGESTIONS:
            for s in await self._store.titles_containing(prefix, limit=MAX_SUGGESTIONS):
                found.setdefault(s.value, s)
        return tuple(found.values())[:MAX_SUGGESTIONS]

    async def _paper_section(
        self, key: SectionKey, paper: str, date: DateArg
    ) -> SectionFound | NotFound:
        entry = await self.paper(paper, date)
        if isinstance(entry, NotFound):
            return entry
        section = entry.paper.section(key)
        if section is not None:
            return SectionFound(entry, section)
        present = tuple(dict.fromkeys(s.key for s in entry.paper.sections))
        has = ", ".join(k.value for k in present) or "no sections at all"
        return NotFound(
            NotFoundKind.MISSING_SECTION,
            f"{entry.paper.arxiv_id} ({entry.date}) has no {key.english} section; it has: {has}.",
            tuple(c for c in _SECTION_CHOICES if SectionKey(c.value) in present),
        )

    async def _unknown_date(self, day: dt.date) -> NotFound | None:
        """``None`` if a digest of ``day`` exists, else a miss offering the nearest dates."""
        known = await self._store.dates()
        if day in known:
            return None
        if not known:
            return NotFound(NotFoundKind.EMPTY_ARCHIVE, "No digest has been archived yet.")
        nearest = sorted(known, key=lambda d: (abs((d - day).days), -d.toordinal()))
        choices = tuple(_date_choice(d) for d in nearest[:MAX_SUGGESTIONS])
        message = f"There is no digest for {day}. The newest is {known[0]}; nearby: " + ", ".join(
            str(d) for d in sorted(nearest[:5], reverse=True)
        )
        return NotFound(NotFoundKind.UNKNOWN_DATE, message + ".", choices)

    async def _closest(self, arxiv_id: str) -> tuple[Suggestion, ...]:
        """Known ids most like ``arxiv_id``: those sharing its longest prefix, by similarity."""
        pool: dict[str, Suggestion] = {}
        for end in range(len(arxiv_id) - 1, 3, -1):
            stem = arxiv_id[:end]
            for s in await self._store.ids_between(stem, stem + _TOP, limit=50):
                pool.setdefault(s.value, s)
            if len(pool) >= 20:
                break
        for s in await self._store.newest_papers(limit=50):
            pool.setdefault(s.value, s)
        close = difflib.get_close_matches(arxiv_id, list(pool), n=_CLOSEST, cutoff=_SIMILAR)
        return tuple(pool[c] for c in close)


def _parse_date(date: dt.date | str) -> dt.date | NotFound:
    if isinstance(date, dt.date):
        return date
    try:
        return dt.date.fromisoformat(date.strip())
    except ValueError:
        message = f"{_shown(date)} is not a date: use YYYY-MM-DD, e.g. 2025-05-27."
        return NotFound(NotFoundKind.UNKNOWN_DATE, message)


def _date_choice(day: dt.date) -> Suggestion:
    return Suggestion(day.isoformat(), f"{day:%a %d %b %Y}")


def _shown(text: str) -> str:
    """User input as echoed in a message: one line, quoted, cut to a readable length."""
    text = " ".join(text.split())
    return repr(text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…")
