"""What a search means, apart from how a backend finds it: terms, patterns, snippets, hits.

SQLite (:mod:`bot.storage.sqlite.search`, FTS5 trigram) and PostgreSQL
(:mod:`bot.storage.postgres.search`, ``pg_trgm``) must find the same hits for the same text,
so what decides that is written once, here: which substrings a row must contain
(:func:`search_terms`), the ``LIKE`` pattern that finds one literally (:func:`like_pattern`),
which metadata rows are hits (:func:`meta_hits`), and how a match is shown
(:func:`snippet_around`). User text never becomes syntax: it is escaped here and bound as a
parameter by the backends.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from typing import Any, Final, Literal

from bot.core.archive.records import MetaField, SearchHit, Snippet, Suggestion
from digest_parser import SectionKey

__all__ = [
    "SHORT_SCAN_DIGESTS",
    "TITLE_BOOST",
    "distinct",
    "hit",
    "like_pattern",
    "meta_hits",
    "search_terms",
    "snippet_around",
]

#: Newest digests scanned for 1-2 character text, which a trigram index cannot answer.
SHORT_SCAN_DIGESTS: Final = 60
TITLE_BOOST: Final = 2.0  # a title hit outranks the same score in a section body


def search_terms(query: str) -> list[str]:
    """The substrings a row must all contain to match the cleaned ``query``.

    Several terms of three or more characters are ANDed (English word order varies);
    otherwise the whole query is one substring, which is what a trigram index answers for
    Korean, where two-syllable words sit next to particles.
    """
    terms = query.split(" ")
    return terms if len(terms) > 1 and all(len(t) >= 3 for t in terms) else [query]


def like_pattern(query: str) -> str:
    r"""A ``LIKE ... ESCAPE '\'`` pattern that matches ``query`` literally as a substring."""
    return "%" + re.sub(r"([\\%_])", r"\\\1", query) + "%"


def meta_hits(rows: Sequence[Sequence[Any]], query: str, wanted: int) -> list[SearchHit]:
    """The hits among candidate ``paper_meta`` rows, at most ``wanted``.

    ``rows`` are ``(arxiv_id, date, digest title, English title, authors JSON)``, newest
    first, found by ``LIKE`` on the whole author list; here every term must match the English
    title, or the author names (each term some name): the field decides which is shown.
    """
    terms = [t.casefold() for t in search_terms(query)]
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


def snippet_around(text: str, terms: Sequence[str], width: int | None = 24) -> Snippet:
    """Every occurrence of ``terms`` marked, ``width`` characters around the first one.

    With ``width=None`` the whole text is kept, as FTS5's ``highlight()`` keeps a whole title.
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


def _joined(parts: list[tuple[str, bool]]) -> tuple[tuple[str, bool], ...]:
    """Drop empty parts and join neighbours of the same kind."""
    out: list[tuple[str, bool]] = []
    for text, marked in parts:
        if not text:
            continue
        if out and out[-1][1] == marked:
            out[-1] = (out[-1][0] + text, marked)
        else:
            out.append((text, marked))
    return tuple(out)


def hit(row: Sequence[Any], snippet: Snippet) -> SearchHit:
    """A hit from ``(arxiv_id, date, title, section key or "title", ...)``."""
    arxiv_id, day, title, key = row[:4]
    field: SectionKey | Literal["title"] = "title" if key == "title" else SectionKey(key)
    return SearchHit(arxiv_id, dt.date.fromisoformat(day), title, field, snippet)


def distinct(rows: Sequence[Sequence[Any]], limit: int) -> tuple[Suggestion, ...]:
    """The first row of every id (the rows come newest first), as suggestions."""
    seen: dict[str, Suggestion] = {}
    for arxiv_id, title, *_ in rows:
        if arxiv_id not in seen and len(seen) < limit:
            seen[arxiv_id] = Suggestion(arxiv_id, title or "")
    return tuple(seen.values())
