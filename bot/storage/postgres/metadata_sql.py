"""The statements of :mod:`bot.storage.postgres.metadata` (``paper_meta``: schema version 3).

SQLite's (:mod:`bot.storage.sqlite.metadata_sql`) in PostgreSQL's words: a list of ids is an
array parameter (``= ANY(%s)``), not a JSON text; a save is an upsert that replaces every
column, as SQLite's ``INSERT OR REPLACE`` replaces the row.
"""

from __future__ import annotations

from typing import Final

from bot.storage.sqlite.metadata_sql import META_COLUMNS

__all__ = ["DAYS_SQL", "META_HITS_SQL", "META_OF_SQL", "SAVE_META_SQL"]

_COLUMNS: Final = ", ".join(META_COLUMNS)

SAVE_META_SQL: Final = (
    f"INSERT INTO paper_meta ({_COLUMNS}) VALUES ({', '.join('%s' for _ in META_COLUMNS)})"
    " ON CONFLICT (arxiv_id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in META_COLUMNS if c != "arxiv_id")
)

#: The rows of the ids in a text array.
META_OF_SQL: Final = f"SELECT {_COLUMNS} FROM paper_meta WHERE arxiv_id = ANY(%s)"

#: Every archived digest, newest first: its papers, how many have metadata, the oldest fetch.
DAYS_SQL: Final = """
SELECT d.date, count(e.id), count(m.arxiv_id), min(m.fetched_at)
  FROM digests AS d
  LEFT JOIN entries AS e ON e.date = d.date
  LEFT JOIN paper_meta AS m ON m.arxiv_id = e.arxiv_id
 GROUP BY d.date
 ORDER BY d.date DESC
"""

#: Papers whose English title, or whose author list, contains every pattern of the array
#: parameter (given twice), each at its newest digest, newest first, at most the third
#: parameter. ``ILIKE``: SQLite's ``LIKE`` folds ASCII case, and the caller sends ASCII only
#: (:func:`bot.storage.search_text.meta_hits` then decides per name, as for SQLite).
META_HITS_SQL: Final = """
WITH hit AS MATERIALIZED (
    SELECT arxiv_id, title, authors
      FROM paper_meta AS m
     WHERE coalesce(m.title, '') ILIKE ALL (%s::text[])
        OR (m.authors != '[]' AND m.authors ILIKE ALL (%s::text[]))
)
SELECT h.arxiv_id, e.date, e.display_title, h.title, h.authors
  FROM hit AS h
  JOIN entries AS e ON e.arxiv_id = h.arxiv_id
 WHERE e.date = (SELECT max(date) FROM entries WHERE arxiv_id = h.arxiv_id)
 ORDER BY e.date DESC, e.position
 LIMIT %s
"""
