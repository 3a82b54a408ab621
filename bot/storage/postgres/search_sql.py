"""The statements of :mod:`bot.storage.postgres.search`.

A text must contain every term (:func:`bot.storage.search_text.search_terms`): one
``ILIKE %s`` per term, ANDed (:func:`all_like`), rather than ``ILIKE ALL (array)``, because a
GIN index answers a plain ``ILIKE`` but not an array comparison. Only the number of terms
shapes the SQL text; the terms themselves are always bound parameters, escaped by
:func:`bot.storage.search_text.like_pattern` (``\\`` is ``ILIKE``'s default escape).
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "FLOOR_SQL",
    "SHORT_BODIES_SQL",
    "SHORT_TITLES_SQL",
    "all_like",
    "section_matches_sql",
    "title_matches_sql",
]

#: The date of the ``OFFSET``-th newest digest: where scans for 1-2 character text stop.
FLOOR_SQL: Final = "SELECT date FROM digests ORDER BY date DESC LIMIT 1 OFFSET %s"
SHORT_TITLES_SQL: Final = """
SELECT arxiv_id, date, display_title, 'title', display_title FROM entries
WHERE id >= %s AND display_title ILIKE %s ORDER BY id DESC LIMIT %s"""
SHORT_BODIES_SQL: Final = """
SELECT e.arxiv_id, e.date, e.display_title, s.key, s.body
FROM sections s JOIN entries e ON e.id = s.entry_id
WHERE s.id >= %s AND s.body ILIKE %s ORDER BY s.id DESC LIMIT %s"""


def all_like(column: str, terms: int) -> str:
    """``column ILIKE %s AND …``, once per term."""
    return " AND ".join([f"{column} ILIKE %s"] * terms)


def title_matches_sql(terms: int) -> str:
    """Entries whose title holds every term, newest first: the patterns, then the limit."""
    return f"""
SELECT arxiv_id, date, display_title, 'title', display_title, id FROM entries
WHERE display_title IS NOT NULL AND {all_like("display_title", terms)}
ORDER BY id DESC LIMIT %s"""


def section_matches_sql(terms: int) -> str:
    """Sections whose body holds every term, newest first: the patterns, then the limit."""
    return f"""
SELECT e.arxiv_id, e.date, e.display_title, s.key, s.body, s.id
FROM sections s JOIN entries e ON e.id = s.entry_id
WHERE {all_like("s.body", terms)}
ORDER BY s.id DESC LIMIT %s"""
