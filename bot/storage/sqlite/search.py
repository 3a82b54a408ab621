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
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Final

from bot.core.archive.records import SearchHit, Snippet, Suggestion, clean_query
from bot.storage.archive_rows import entry_span, section_span
from bot.storage.search_text import (
    SHORT_SCAN_DIGESTS,
    TITLE_BOOST,
    distinct,
    hit,
    like_pattern,
    meta_hits,
    search_terms,
    snippet_around,
)
from bot.storage.sqlite.connections import Read
from bot.storage.sqlite.metadata_sql import META_HITS_SQL
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

__all__ = ["SEARCH_WINDOW", "Read", "Searcher", "fts_expression", "marked_snippet"]

#: Matches ranked by bm25 per search: the newest ones, so a common word stays fast.
SEARCH_WINDOW: Final = 500


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
        rows = await self._read(META_HITS_SQL, _patterns(query), wanted + 50)
        return meta_hits(rows, query, wanted)

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
                hit(row, snippet_around(row[4], terms, None if row[3] == "title" else 24))
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
        return [hit(row, snippet_around(row[4], [query])) for row in rows[offset:]]

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
        return [hit(row, marked_snippet(row[4])) for row in hits if row is not None]

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


def fts_expression(query: str) -> str:
    """An FTS5 expression matching :func:`search_terms` literally: quoted, ``"`` doubled."""
    return " AND ".join('"' + term.replace('"', '""') + '"' for term in search_terms(query))


def _patterns(query: str) -> str:
    """:func:`search_terms` as the JSON list of ``LIKE`` patterns the tail queries take."""
    return json.dumps([like_pattern(term) for term in search_terms(query)])


def marked_snippet(text: str) -> Snippet:
    """Read FTS5 ``snippet()``/``highlight()`` output made with :data:`MARK_OPEN`/``CLOSE``."""
    pieces = re.split(f"[{MARK_OPEN}{MARK_CLOSE}]", text)
    return Snippet(tuple((piece, i % 2 == 1) for i, piece in enumerate(pieces) if piece))
