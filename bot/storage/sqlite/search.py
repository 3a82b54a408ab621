"""Full-text search and title matches over the archive, complete while the index catches up.

Why it looks like this:

* FTS5 with the trigram tokenizer answers text of three or more characters (substrings, so
  Korean particles do not hide words). Ranking is bm25 over the newest
  :data:`SEARCH_WINDOW` matches: row ids follow dates, so that window is read newest-first and
  stops early, keeping a common word fast at any size.
* Shorter text cannot be in a trigram index: it is scanned with ``LIKE`` over the newest
  :data:`SHORT_SCAN_DIGESTS` digests.
* Digests archived but not yet indexed (:mod:`bot.storage.sqlite.indexer`) are scanned with ``LIKE``
  too, with the same terms, and their hits come first (titles, then the newest rows): they
  are the newest digests, and the lag lasts seconds. That scan and the index are read in one
  snapshot, so a digest indexed meanwhile is found once, never twice or not at all. When
  nothing lags (one ``EXISTS`` tells) the index is read alone.
* User text reaches FTS5 only as quoted strings (:func:`fts_expression`) and ``LIKE`` only
  escaped (:func:`like_pattern`), so no input is syntax.

The one difference between the two readings: ``LIKE`` folds the case of ASCII letters only,
the trigram tokenizer that of every letter, so "Étude" finds "étude" only once indexed.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any, Final, Literal

from bot.core.archive.records import MetaField, SearchHit, Snippet, Suggestion, clean_query
from bot.storage.sqlite.connections import Read
from bot.storage.sqlite.metadata_sql import META_HITS_SQL
from bot.storage.sqlite.schema import Row, entry_span, section_span
from bot.storage.sqlite.store_sql import (
    FLOOR_SQL,
    HITS_SQL,
    LAGGING_SQL,
    MARK_CLOSE,
    MARK_OPEN,
    RANK_SQL,
    SHORT_BODIES_SQL,
    SHORT_TITLES_SQL,
    TAIL_BODIES_SQL,
    TAIL_TITLE_HITS_SQL,
    TAIL_TITLES_SQL,
    TITLE_FTS_SQL,
    UNINDEXED_DATES_SQL,
)
from digest_parser import SectionKey

__all__ = [
    "SEARCH_WINDOW",
    "SHORT_SCAN_DIGESTS",
    "Read",
    "Searcher",
    "distinct",
    "fts_expression",
    "like_pattern",
    "marked_snippet",
    "search_terms",
    "snippet_around",
]

#: Matches ranked by bm25 per search: the newest ones, so a common word stays fast.
SEARCH_WINDOW: Final = 500
#: Newest digests scanned for 1-2 character text, which a trigram index cannot answer.
SHORT_SCAN_DIGESTS: Final = 60
TITLE_BOOST: Final = 2.0  # a title hit outranks the same bm25 score in a section body


class Searcher:
    """Search and title matches, over the store's reads.

    Args:
        read: Runs one statement on a reader (its own snapshot).
        snapshot: Opens a read transaction and yields a ``read`` inside it.
    """

    def __init__(
        self, read: Read, snapshot: Callable[[], AbstractAsyncContextManager[Read]]
    ) -> None:
        self._read = read
        self._snapshot = snapshot

    async def titles_containing(self, text: str, *, limit: int) -> tuple[Suggestion, ...]:
        """Papers whose title contains ``text`` (any case), newest digest first."""
        text = clean_query(text)
        if not text:
            return ()
        if len(text) < 3:  # a trigram index holds nothing shorter
            floor = entry_span(await self._short_floor())[0]
            found = await self._read(SHORT_TITLES_SQL, floor, like_pattern(text), limit * 4)
            return distinct([(aid, title) for aid, _, title, *_ in found], limit)
        expression, wanted = fts_expression(text), limit * 4
        if not await self._lagging():
            return distinct(await self._read(TITLE_FTS_SQL, expression, wanted), limit)
        async with self._snapshot() as read:
            entries, _ = await _unindexed_spans(read)
            rows = await read(TITLE_FTS_SQL, expression, wanted)
            rows += await read(TAIL_TITLES_SQL, _patterns(text), entries, wanted)
        rows.sort(key=lambda row: int(row[2]), reverse=True)  # entry ids follow dates
        return distinct(rows, limit)

    async def search(self, query: str, *, limit: int = 10, offset: int = 0) -> list[SearchHit]:
        """Ranked hits for ``query``; no user text raises.

        Papers whose English title or authors match come first (a name is a precise ask),
        then the hits in digest titles and section bodies, as before enrichment.
        """
        query = clean_query(query)
        if not query or limit <= 0:
            return []
        if len(query) < 3:
            return await self._short(query, limit, offset)
        meta = await self._meta_hits(query, offset + limit)
        shown = meta[offset : offset + limit]
        if len(shown) == limit:
            return shown
        rest = await self._text(query, limit - len(shown), max(0, offset - len(meta)))
        return shown + rest

    async def _meta_hits(self, query: str, wanted: int) -> list[SearchHit]:
        """Hits in Hugging Face's English titles and author names (Latin-script queries).

        Names and English titles are in Latin script, so a Hangul query skips the scan.
        Every term must match the title, or the author names (one name each, checked here).
        """
        if not query.isascii():
            return []
        terms = [t.casefold() for t in search_terms(query)]
        rows = await self._read(META_HITS_SQL, _patterns(query), wanted + 50)
        hits = []
        for aid, day, shown, title, authors in rows:
            names = json.loads(authors)
            field: MetaField
            if title and all(t in title.casefold() for t in terms):
                field, snippet = "title_en", snippet_around(title, terms, None)
            elif all(any(t in n.casefold() for n in names) for t in terms):
                matched = [n for n in names if any(t in n.casefold() for t in terms)]
                field, snippet = "authors", snippet_around(", ".join(matched), terms, None)
            else:
                continue
            hits.append(SearchHit(aid, dt.date.fromisoformat(day), shown, field, snippet))
            if len(hits) == wanted:
                break
        return hits

    async def _text(self, query: str, limit: int, offset: int) -> list[SearchHit]:
        """Hits in digest titles and section bodies (three characters or more)."""
        if not await self._lagging():
            return await self._ranked(self._read, query, limit, offset)
        wanted, terms, patterns = offset + limit, search_terms(query), _patterns(query)
        async with self._snapshot() as read:
            entries, sections = await _unindexed_spans(read)
            tail = await read(TAIL_TITLE_HITS_SQL, patterns, entries, wanted)
            if len(tail) < wanted:
                tail += await read(TAIL_BODIES_SQL, patterns, sections, wanted - len(tail))
            hits = [
                _hit(row, snippet_around(row[4], terms, None if row[3] == "title" else 24))
                for row in tail[offset:]
            ]
            if len(tail) < wanted:  # the index continues the list where the tail ends
                rest, skip = wanted - max(offset, len(tail)), max(0, offset - len(tail))
                hits += await self._ranked(read, query, rest, skip)
        return hits

    async def _short(self, query: str, limit: int, offset: int) -> list[SearchHit]:
        """1-2 characters: scan the newest digests' titles, then their section bodies."""
        wanted, pattern, floor = offset + limit, like_pattern(query), await self._short_floor()
        rows = await self._read(SHORT_TITLES_SQL, entry_span(floor)[0], pattern, wanted)
        if len(rows) < wanted:
            start, more = section_span(floor)[0], wanted - len(rows)
            rows += await self._read(SHORT_BODIES_SQL, start, pattern, more)
        return [_hit(row, snippet_around(row[4], [query])) for row in rows[offset:]]

    async def _ranked(self, read: Read, query: str, limit: int, offset: int) -> list[SearchHit]:
        """bm25-ranked index hits; titles weigh :data:`TITLE_BOOST` times a section body."""
        expression, window = fts_expression(query), max(SEARCH_WINDOW, offset + limit)
        ranked = await read(RANK_SQL, expression, window, TITLE_BOOST, limit, offset)
        if not ranked:
            return []
        ids = {kind: json.dumps([rid for k, rid in ranked if k == kind]) for kind in "st"}
        rows = await read(HITS_SQL, expression, ids["s"], ids["t"])
        found = {(kind, rid): rest for kind, rid, *rest in rows}
        hits = (found.get((kind, rid)) for kind, rid in ranked)
        return [_hit(row, marked_snippet(row[4])) for row in hits if row is not None]

    async def _lagging(self) -> bool:
        """Whether any archived digest still waits for the index."""
        return bool((await self._read(LAGGING_SQL))[0][0])

    async def _short_floor(self) -> dt.date:
        """The oldest digest date that scans for 1-2 character text still read."""
        found = await self._read(FLOOR_SQL, SHORT_SCAN_DIGESTS - 1)
        return dt.date.fromisoformat(found[0][0]) if found else dt.date.min


async def _unindexed_spans(read: Read) -> tuple[str, str]:
    """The entry and section row id spans of the digests not yet indexed, as JSON lists."""
    days = [dt.date.fromisoformat(day) for (day,) in await read(UNINDEXED_DATES_SQL)]
    return json.dumps([entry_span(d) for d in days]), json.dumps([section_span(d) for d in days])


def search_terms(query: str) -> list[str]:
    """The substrings a row must all contain to match the cleaned ``query``.

    Several terms of three or more characters are ANDed (English word order varies);
    otherwise the whole query is one substring, which is what a trigram index answers for
    Korean, where two-syllable words sit next to particles.
    """
    terms = query.split(" ")
    return terms if len(terms) > 1 and all(len(t) >= 3 for t in terms) else [query]


def fts_expression(query: str) -> str:
    """An FTS5 expression matching :func:`search_terms` literally: quoted, ``"`` doubled."""
    return " AND ".join('"' + term.replace('"', '""') + '"' for term in search_terms(query))


def like_pattern(query: str) -> str:
    r"""A ``LIKE ... ESCAPE '\'`` pattern that matches ``query`` literally as a substring."""
    return "%" + re.sub(r"([\\%_])", r"\\\1", query) + "%"


def _patterns(query: str) -> str:
    """:func:`search_terms` as the JSON list of ``LIKE`` patterns the tail queries take."""
    return json.dumps([like_pattern(term) for term in search_terms(query)])


def snippet_around(text: str, terms: Sequence[str], width: int | None = 24) -> Snippet:
    """Every occurrence of ``terms`` marked, ``width`` characters around the first one.

    For the rows FTS5 does not snippet: short queries and digests not yet indexed. With
    ``width=None`` the whole text is kept, as ``highlight()`` keeps a whole title.
    """
    wanted = sorted({t for t in terms if t}, key=len, reverse=True)  # longest first at a tie
    matches = list(re.finditer("|".join(map(re.escape, wanted)), text, re.IGNORECASE))
    if not wanted or not matches:
        return Snippet(((text if width is None else text[: width * 2], False),))
    start, end = 0, len(text)
    if width is not None:
        start, end = max(0, matches[0].start() - width), matches[0].end() + width
    parts: list[tuple[str, bool]] = [("…", False)] if start > 0 else []
    at = start
    for match in matches:
        if match.start() >= end:
            break
        parts += [(text[at : match.start()], False), (match.group(), True)]
        at = match.end()
    end = max(end, at)
    parts.append((text[at:end], False))
    if end < len(text):
        parts.append(("…", False))
    return Snippet(_joined(parts))


def marked_snippet(text: str) -> Snippet:
    """Read FTS5 ``snippet()``/``highlight()`` output made with :data:`MARK_OPEN`/``CLOSE``."""
    pieces = re.split(f"[{MARK_OPEN}{MARK_CLOSE}]", text)
    return Snippet(tuple((piece, i % 2 == 1) for i, piece in enumerate(pieces) if piece))


def _joined(parts: list[tuple[str, bool]]) -> tuple[tuple[str, bool], ...]:
    """Drop empty parts and join neighbours of the same kind."""
    out: list[tuple[str, bool]] = []
    for text, hit in parts:
        if not text:
            continue
        if out and out[-1][1] == hit:
            out[-1] = (out[-1][0] + text, hit)
        else:
            out.append((text, hit))
    return tuple(out)


def _hit(row: Sequence[Any], snippet: Snippet) -> SearchHit:
    """A hit from ``(arxiv_id, date, title, section key or "title", ...)``."""
    arxiv_id, day, title, key = row[:4]
    field: SectionKey | Literal["title"] = "title" if key == "title" else SectionKey(key)
    return SearchHit(arxiv_id, dt.date.fromisoformat(day), title, field, snippet)


def distinct(rows: Sequence[Row], limit: int) -> tuple[Suggestion, ...]:
    """The first row of every id (the rows come newest first), as suggestions."""
    seen: dict[str, Suggestion] = {}
    for arxiv_id, title, *_ in rows:
        if arxiv_id not in seen and len(seen) < limit:
            seen[arxiv_id] = Suggestion(arxiv_id, title or "")
    return tuple(seen.values())
