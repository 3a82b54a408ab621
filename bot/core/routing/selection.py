"""Apply a channel's filters to archived papers: who gets in, and why each other one did not.

The rules, in the order they are checked for each paper:

1. A paper by a followed author is in, whatever the other rules say.
2. An ``exclude`` term found → left out ("excluded by "survey"").
3. ``include`` terms given and none found → left out.
4. ``min_upvotes``: fewer upvotes → left out; no Hugging Face numbers → left out as unknown.
5. ``top``: the rest ranked by upvotes, then digest order; beyond N → left out; papers
   without numbers cannot be ranked → left out as unknown.

Terms are looked for in one normalised text per paper (both titles, every section, authors,
organisation, keywords), built once per :class:`Corpus` and shared by every channel planned
from it; each term's matches are computed once per corpus too, so a thousand channels with
overlapping terms cost a thousand set lookups per paper, not a thousand scans.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from bot.core.archive.records import PaperEntry
from bot.core.routing.filters import Filters
from bot.core.routing.terms import Term, normalise

__all__ = ["Corpus", "LeftOut", "LeftOutKind", "Selection", "select"]

PaperKey = tuple[dt.date, str]  # (digest date, arXiv id)
#: Which rule left a paper out, for programs (``post --dry-run --format json``); the
#: ``reason`` says the same in words, with the detail (the term, the count).
LeftOutKind = Literal[
    "excluded", "no_include_match", "upvotes_unknown", "below_min_upvotes", "beyond_top", "no_likes"
]


@dataclass(frozen=True, slots=True)
class LeftOut:
    """A paper a channel does not get, and why, in words for the preview and status."""

    date: dt.date
    arxiv_id: str
    reason: str
    kind: LeftOutKind


@dataclass(frozen=True, slots=True)
class Selection:
    """What a channel gets of a corpus."""

    chosen: tuple[PaperEntry, ...]  # in digest order (date, then position)
    left_out: tuple[LeftOut, ...]  # in digest order
    followed: frozenset[PaperKey]  # chosen because of a followed author

    def ranked(self) -> tuple[PaperEntry, ...]:
        """The chosen papers by upvotes (unknown last), then digest order: a week's top."""
        return tuple(sorted(self.chosen, key=_rank))


def _rank(entry: PaperEntry) -> tuple[int, dt.date, int]:
    upvotes = entry.meta.upvotes if entry.meta is not None else None
    return (-(upvotes if upvotes is not None else -1), entry.date, entry.position)


def _key(entry: PaperEntry) -> PaperKey:
    return entry.date, entry.paper.arxiv_id


def _haystack(entry: PaperEntry) -> str:
    paper, meta = entry.paper, entry.meta
    parts: list[str] = [paper.title or "", paper.preamble]
    parts.extend(section.body for section in paper.sections)
    if meta is not None:
        parts.extend((meta.title or "", meta.organization or "", *meta.authors, *meta.keywords))
    return normalise("\n".join(parts))


def _authors(entry: PaperEntry) -> str:
    return normalise(" ; ".join(entry.meta.authors)) if entry.meta is not None else ""


class Corpus:
    """A day's (or a week's) archived papers, prepared for matching many channels' filters."""

    def __init__(self, entries: Iterable[PaperEntry]) -> None:
        self.entries: tuple[PaperEntry, ...] = tuple(sorted(entries, key=_order))
        #: The newest digest date among the papers (a week's newest; the day itself).
        self.newest: dt.date = max((e.date for e in self.entries), default=dt.date.min)
        self.upvotes: tuple[int | None, ...] = tuple(
            e.meta.upvotes if e.meta is not None else None for e in self.entries
        )
        self._texts = [_haystack(e) for e in self.entries]
        self._authors = [_authors(e) for e in self.entries]
        self._hits: dict[tuple[Term, bool], frozenset[int]] = {}
        self._unions: dict[tuple[tuple[Term, ...], bool], frozenset[int]] = {}

    def hits(self, term: Term, *, authors: bool = False) -> frozenset[int]:
        """Indexes (into :attr:`entries`) of the papers where ``term`` occurs."""
        found = self._hits.get((term, authors))
        if found is None:
            texts = self._authors if authors else self._texts
            found = frozenset(i for i, text in enumerate(texts) if term.found_in(text))
            self._hits[(term, authors)] = found
        return found

    def any_hit(self, terms: tuple[Term, ...], *, authors: bool = False) -> frozenset[int]:
        """Indexes of the papers where any of ``terms`` occurs (remembered per term list)."""
        found = self._unions.get((terms, authors))
        if found is None:
            found = frozenset().union(*(self.hits(t, authors=authors) for t in terms))
            self._unions[(terms, authors)] = found
        return found

    def first_hit(self, terms: Sequence[Term], index: int, *, authors: bool = False) -> Term | None:
        """The first of ``terms`` found in paper ``index``."""
        return next((t for t in terms if index in self.hits(t, authors=authors)), None)


def _order(entry: PaperEntry) -> tuple[dt.date, int]:
    return entry.date, entry.position


def select(corpus: Corpus, filters: Filters, *, unknown_last: bool = False) -> Selection:
    """The papers of ``corpus`` a channel with ``filters`` gets, and a reason for each other.

    Args:
        unknown_last: Rank papers without Hugging Face's numbers after the others for
            ``top`` instead of leaving them out: for a top the channel did not ask for (a
            weekly listing's default), where "unknown" must not mean "nothing this week".
    """
    if not filters.active:
        return Selection(corpus.entries, (), frozenset())
    followed = corpus.any_hit(filters.authors, authors=True)
    excluded = corpus.any_hit(filters.exclude)
    included = corpus.any_hit(filters.include) if filters.include else None
    passed: list[int] = []
    reasons: dict[int, tuple[LeftOutKind, str]] = {}
    for i in range(len(corpus.entries)):
        if i in followed:
            continue
        if i in excluded:
            term = corpus.first_hit(filters.exclude, i)
            reasons[i] = ("excluded", f'excluded by "{term.text if term else ""}"')
        elif included is not None and i not in included:
            reasons[i] = ("no_include_match", "matches none of the include terms")
        elif (reason := _upvote_rule(filters, corpus.upvotes[i], unknown_last)) is not None:
            reasons[i] = reason
        else:
            passed.append(i)
    if filters.top is not None:
        ranked = sorted(passed, key=lambda i: _rank(corpus.entries[i]))
        for place, i in enumerate(ranked, start=1):
            if place > filters.top:
                upvotes = corpus.upvotes[i]
                count = "upvotes unknown" if upvotes is None else _upvotes(upvotes)
                reasons[i] = ("beyond_top", f"beyond the top {filters.top} ({count})")
        passed = [i for i in passed if i not in reasons]
    chosen = sorted({*passed, *followed})
    return Selection(
        tuple(corpus.entries[i] for i in chosen),
        tuple(
            LeftOut(
                corpus.entries[i].date,
                corpus.entries[i].paper.arxiv_id,
                reasons[i][1],
                reasons[i][0],
            )
            for i in sorted(reasons)
        ),
        frozenset(_key(corpus.entries[i]) for i in chosen if i in followed),
    )


def _upvote_rule(
    filters: Filters, upvotes: int | None, unknown_last: bool
) -> tuple[LeftOutKind, str] | None:
    """Why a paper fails ``min_upvotes`` (or cannot be ranked for ``top``), or None."""
    if filters.min_upvotes is None and (filters.top is None or unknown_last):
        return None
    if upvotes is None:
        return "upvotes_unknown", "upvotes unknown (no Hugging Face data yet)"
    if filters.min_upvotes is not None and upvotes < filters.min_upvotes:
        return "below_min_upvotes", f"below {filters.min_upvotes} upvotes ({_upvotes(upvotes)})"
    return None


def _upvotes(count: int | None) -> str:
    return f"{count} upvote{'s' if count != 1 else ''}"
