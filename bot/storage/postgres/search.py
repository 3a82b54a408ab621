"""Search and title matches in PostgreSQL: :class:`~bot.core.archive.repositories.SearchIndex`.

The same hits as SQLite's FTS5 trigram index (:mod:`bot.storage.sqlite.search`), found with
``pg_trgm``: a GIN ``gin_trgm_ops`` index answers ``ILIKE '%…%'`` for text of three characters
or more, which is the substring semantics of a trigram tokenizer, so Korean particles do not
hide words here either. What a search means (terms ANDed, patterns, metadata hits, snippets)
is :mod:`bot.storage.search_text`, shared with SQLite; here is only how it is read:

* Three characters or more: the newest :data:`SEARCH_WINDOW` title matches (one per paper)
  and section matches, then ranked. Ranking is ours, not bm25 (PostgreSQL has none for
  substrings): title hits first (a title names what a paper is about, as SQLite's title boost
  says), then the number of times the terms occur, then the newest. The set of hits equals
  SQLite's when the window holds them all; their order may differ.
* One or two characters: no trigram to look up, so the newest :data:`SHORT_SCAN_DIGESTS`
  digests are scanned, titles then bodies, newest first, exactly as SQLite does.
* English titles and author names from Hugging Face's metadata come first for a Latin-script
  query, as in SQLite.

Case: ``ILIKE`` folds the case of every letter the database's locale knows (the tests' cluster
is ``C.UTF-8``), as the trigram tokenizer does; SQLite's ``LIKE`` for 1-2 character text folds
ASCII only, so there a non-ASCII capital may match here and not in SQLite. Korean has no case.

There is no index to catch up with: PostgreSQL maintains the GIN indexes in the writing
transaction, so :meth:`PostgresSearch.indexed` has nothing to do, :meth:`unindexed` is always
``(0, 0)`` and :meth:`indexer_idle` returns at once.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Final

from bot.core.archive.records import SearchHit, Suggestion, clean_query
from bot.storage.archive_rows import entry_span, section_span
from bot.storage.postgres.metadata_sql import META_HITS_SQL
from bot.storage.postgres.search_sql import (
    FLOOR_SQL,
    SHORT_BODIES_SQL,
    SHORT_TITLES_SQL,
    section_matches_sql,
    title_matches_sql,
)
from bot.storage.search_text import (
    SHORT_SCAN_DIGESTS,
    distinct,
    hit,
    like_pattern,
    meta_hits,
    search_terms,
    snippet_around,
)

if TYPE_CHECKING:
    from bot.storage.postgres.tables import Database

__all__ = ["SEARCH_WINDOW", "PostgresSearch"]

#: Matches of each kind ranked per search: the newest ones, as SQLite's window.
SEARCH_WINDOW: Final = 500
#: Characters of context either side of the first match in a section's snippet.
SNIPPET_WIDTH: Final = 24


class PostgresSearch:
    """Search over the archive's titles and section bodies, and its metadata."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def titles_containing(self, text: str, *, limit: int) -> tuple[Suggestion, ...]:
        text = clean_query(text)
        if not text or limit <= 0:
            return ()
        if len(text) < 3:  # a trigram index holds nothing shorter
            floor = entry_span(await self._short_floor())[0]
            found = await self._db.query(SHORT_TITLES_SQL, floor, like_pattern(text), limit * 4)
            return distinct([(aid, title) for aid, _, title, *_ in found], limit)
        patterns = [like_pattern(term) for term in search_terms(text)]
        rows = await self._db.query(title_matches_sql(len(patterns)), *patterns, limit * 4)
        return distinct([(aid, title) for aid, _, title, *_ in rows], limit)

    async def search(self, query: str, *, limit: int = 10, offset: int = 0) -> list[SearchHit]:
        query = clean_query(query)
        if not query or limit <= 0:
            return []
        offset = max(0, offset)
        if len(query) < 3:
            return await self._short(query, limit, offset)
        meta = await self._meta_hits(query, offset + limit)
        shown = meta[offset : offset + limit]
        if len(shown) == limit:
            return shown
        rest = await self._ranked(query, limit - len(shown), max(0, offset - len(meta)))
        return shown + rest

    async def indexed(self) -> int:
        """Nothing waits for an index: PostgreSQL updates it with every write. Returns 0."""
        return 0

    async def unindexed(self) -> tuple[int, int]:
        """Always ``(0, 0)``: see :meth:`indexed`."""
        return 0, 0

    async def indexer_idle(self) -> None:
        """Returns at once: there is no background indexer to wait for."""

    async def _meta_hits(self, query: str, wanted: int) -> list[SearchHit]:
        """Hits in English titles and author names; a non-Latin query skips the scan."""
        if not query.isascii():
            return []
        patterns = [like_pattern(term) for term in search_terms(query)]
        rows = await self._db.query(META_HITS_SQL, patterns, patterns, wanted + 50)
        return meta_hits(rows, query, wanted)

    async def _ranked(self, query: str, limit: int, offset: int) -> list[SearchHit]:
        """Title and section matches in the newest window, ranked (see the module)."""
        terms = search_terms(query)
        patterns, window = [like_pattern(t) for t in terms], max(SEARCH_WINDOW, offset + limit)
        titles = await self._db.query(title_matches_sql(len(terms)), *patterns, window)
        sections = await self._db.query(section_matches_sql(len(terms)), *patterns, window)
        newest: dict[str, Sequence[Any]] = {}
        for row in titles:  # one title hit per paper: its newest digest's
            newest.setdefault(row[0], row)
        found = re.compile(
            "|".join(map(re.escape, sorted(set(terms), key=len, reverse=True))), re.I
        )
        ranked = sorted(
            [(0, row) for row in newest.values()] + [(1, row) for row in sections],
            key=lambda kr: (kr[0], -len(found.findall(kr[1][4])), -int(kr[1][5])),
        )
        return [
            hit(row, snippet_around(row[4], terms, None if kind == 0 else SNIPPET_WIDTH))
            for kind, row in ranked[offset : offset + limit]
        ]

    async def _short(self, query: str, limit: int, offset: int) -> list[SearchHit]:
        """1-2 characters: scan the newest digests' titles, then their section bodies."""
        wanted, pattern, floor = offset + limit, like_pattern(query), await self._short_floor()
        rows = await self._db.query(SHORT_TITLES_SQL, entry_span(floor)[0], pattern, wanted)
        if len(rows) < wanted:
            start, more = section_span(floor)[0], wanted - len(rows)
            rows += await self._db.query(SHORT_BODIES_SQL, start, pattern, more)
        return [hit(row, snippet_around(row[4], [query])) for row in rows[offset:]]

    async def _short_floor(self) -> dt.date:
        """The oldest digest date that scans for 1-2 character text still read."""
        found = await self._db.query(FLOOR_SQL, SHORT_SCAN_DIGESTS - 1)
        return dt.date.fromisoformat(found[0][0]) if found else dt.date.min
