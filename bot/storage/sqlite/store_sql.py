"""The SQL of :mod:`bot.storage.sqlite.store`, kept apart so the store reads as behaviour.

Every statement here is parameterised: user text only ever arrives as a bound value (and, for
FTS5, already quoted by :func:`bot.storage.sqlite.search.fts_expression`).
"""

from __future__ import annotations

from typing import Final

from bot.storage.archive_rows import ENTRY_COLUMNS, SECTION_COLUMNS, TEXT_COLUMNS

SNIPPET_TOKENS: Final = 48  # trigram tokens are about one character each: one chat line
#: Private-use characters that mark matches in FTS5 snippets: they never occur in digests.
MARK_OPEN: Final = "\ue000"
MARK_CLOSE: Final = "\ue001"


def insert_sql(table: str, columns: tuple[str, ...]) -> str:
    """An INSERT naming its columns, so later migrations may add columns with defaults."""
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


INSERT_DIGEST_SQL: Final = insert_sql(
    "digests", ("date", "source", "content_hash", "ingested_at", "paper_count", "warnings")
)
INSERT_ENTRIES_SQL: Final = insert_sql("entries", ENTRY_COLUMNS)
INSERT_TEXTS_SQL: Final = insert_sql("entry_texts", TEXT_COLUMNS)
INSERT_SECTIONS_SQL: Final = insert_sql("sections", SECTION_COLUMNS)
DELETE_DIGEST_SQL: Final = "DELETE FROM digests WHERE date = ?"  # its rows go by ON DELETE CASCADE
DATES_SQL: Final = "SELECT date FROM digests ORDER BY date DESC"
LATEST_DATE_SQL: Final = "SELECT max(date) FROM digests"
OLD_SQL: Final = """
SELECT content_hash, paper_count, (SELECT count(*) FROM sections WHERE id BETWEEN ?2 AND ?3),
       EXISTS (SELECT 1 FROM unindexed_digests WHERE date = ?1)
FROM digests WHERE date = ?1"""
PAPER_SQL: Final = """
SELECT e.arxiv_id, e.date, e.position, e.line, e.title, e.url, e.missing,
       t.preamble, t.epilogue, t.raw, d.paper_count,
       (SELECT group_concat(date) FROM entries WHERE arxiv_id = e.arxiv_id),
       (SELECT json_group_array(json_array(id, json_object('key', key, 'number', number,
               'heading', heading, 'body', body, 'line', line)))
        FROM sections WHERE entry_id = e.id)
FROM entries e JOIN digests d ON d.date = e.date JOIN entry_texts t ON t.id = e.id
WHERE e.id = (SELECT id FROM entries WHERE arxiv_id = ?1 AND (?2 IS NULL OR date = ?2)
              ORDER BY date DESC LIMIT 1)"""
SECTION_ITEMS_SQL: Final = """
SELECT e.arxiv_id, e.display_title, e.position, s.number, s.heading, s.body, s.line FROM entries e
LEFT JOIN sections s ON s.id = (SELECT id FROM sections WHERE entry_id = e.id AND key = ?1
                                ORDER BY id LIMIT 1)
WHERE e.date = ?2 ORDER BY e.position LIMIT ?3 OFFSET ?4"""
# A digest is read as its one head row and then its paper rows, in one snapshot: joining the
# two repeated the digest's warnings (a JSON list that grows with its papers) on every paper
# row, papers x warnings in all (12.7 GB for 10,000 papers, issue #12).
DIGEST_HEAD_SQL: Final = "SELECT source, ingested_at, warnings FROM digests WHERE date = ?"
DIGEST_ITEMS_SQL: Final = """
SELECT e.arxiv_id, e.display_title, e.position,
       (SELECT group_concat(key) FROM sections WHERE entry_id = e.id)
FROM entries e WHERE e.date = ? ORDER BY e.position"""
RANGE_SQL: Final = """
SELECT arxiv_id, display_title FROM entries WHERE arxiv_id >= ? AND arxiv_id < ?
ORDER BY arxiv_id DESC, date DESC LIMIT ?"""
NEWEST_SQL: Final = """
SELECT arxiv_id, display_title FROM entries WHERE date = (SELECT max(date) FROM digests)
ORDER BY position LIMIT ?"""
TITLE_FTS_SQL: Final = """
SELECT e.arxiv_id, e.display_title, e.id FROM titles_fts f JOIN entries e ON e.id = f.rowid
WHERE titles_fts MATCH ? ORDER BY f.rowid DESC LIMIT ?"""
LAGGING_SQL: Final = "SELECT EXISTS (SELECT 1 FROM unindexed_digests)"
UNINDEXED_DATES_SQL: Final = "SELECT date FROM unindexed_digests"
# The digests the index does not hold yet (bot.storage.sqlite.indexer), read with LIKE: ?1 is a JSON
# list of LIKE patterns that must all match, as the terms of an FTS5 expression must; ?2 the
# JSON list of those digests' [first, last] row id spans. Row id ranges, not a join on
# unindexed_digests: that table swings from thousands of rows to none, so its statistics are
# always stale, and with them the planner scanned the whole archive (1 s at 100k entries).
TAIL_TITLES_SQL: Final = r"""
SELECT e.arxiv_id, e.display_title, e.id
FROM json_each(?2) j CROSS JOIN entries e
    ON e.id BETWEEN json_extract(j.value, '$[0]') AND json_extract(j.value, '$[1]')
WHERE e.display_title IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM json_each(?1) WHERE e.display_title NOT LIKE value ESCAPE '\')
ORDER BY e.id DESC LIMIT ?3"""
TAIL_TITLE_HITS_SQL: Final = r"""
SELECT e.arxiv_id, e.date, e.display_title, 'title', e.display_title, max(e.id) AS rid
FROM json_each(?2) j CROSS JOIN entries e
    ON e.id BETWEEN json_extract(j.value, '$[0]') AND json_extract(j.value, '$[1]')
WHERE e.display_title IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM json_each(?1) WHERE e.display_title NOT LIKE value ESCAPE '\')
GROUP BY e.arxiv_id ORDER BY rid DESC LIMIT ?3"""
TAIL_BODIES_SQL: Final = r"""
SELECT e.arxiv_id, e.date, e.display_title, s.key, s.body
FROM json_each(?2) j CROSS JOIN sections s
    ON s.id BETWEEN json_extract(j.value, '$[0]') AND json_extract(j.value, '$[1]')
  CROSS JOIN entries e ON e.id = s.entry_id
WHERE NOT EXISTS (SELECT 1 FROM json_each(?1) WHERE s.body NOT LIKE value ESCAPE '\')
ORDER BY s.id DESC LIMIT ?3"""
FLOOR_SQL: Final = "SELECT date FROM digests ORDER BY date DESC LIMIT 1 OFFSET ?"
SHORT_TITLES_SQL: Final = r"""
SELECT arxiv_id, date, display_title, 'title', display_title FROM entries
WHERE id >= ? AND display_title LIKE ? ESCAPE '\' ORDER BY id DESC LIMIT ?"""
SHORT_BODIES_SQL: Final = r"""
SELECT e.arxiv_id, e.date, e.display_title, s.key, s.body
FROM sections s JOIN entries e ON e.id = s.entry_id
WHERE s.id >= ? AND s.body LIKE ? ESCAPE '\' ORDER BY s.id DESC LIMIT ?"""
RANK_SQL: Final = """
SELECT kind, rid FROM (
  SELECT 's' AS kind, rid, score FROM (
    SELECT rowid AS rid, bm25(sections_fts) AS score FROM sections_fts
    WHERE sections_fts MATCH ?1 ORDER BY rowid DESC LIMIT ?2)
  UNION ALL
  SELECT 't', max(t.rid), min(t.score) * ?3 FROM (
    SELECT rowid AS rid, bm25(titles_fts) AS score FROM titles_fts
    WHERE titles_fts MATCH ?1 ORDER BY rowid DESC LIMIT ?2) t
  JOIN entries e ON e.id = t.rid GROUP BY e.arxiv_id)
ORDER BY score, rid DESC LIMIT ?4 OFFSET ?5"""
HITS_SQL: Final = f"""
SELECT 's', f.rowid, e.arxiv_id, e.date, e.display_title, s.key,
       snippet(sections_fts, 0, '{MARK_OPEN}', '{MARK_CLOSE}', '…', {SNIPPET_TOKENS})
FROM sections_fts f JOIN sections s ON s.id = f.rowid JOIN entries e ON e.id = s.entry_id
WHERE sections_fts MATCH ?1 AND f.rowid IN (SELECT value FROM json_each(?2))
UNION ALL
SELECT 't', f.rowid, e.arxiv_id, e.date, e.display_title, 'title',
       highlight(titles_fts, 0, '{MARK_OPEN}', '{MARK_CLOSE}')
FROM titles_fts f JOIN entries e ON e.id = f.rowid
WHERE titles_fts MATCH ?1 AND f.rowid IN (SELECT value FROM json_each(?3))"""
