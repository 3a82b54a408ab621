"""The archive's derived row ids and a digest as rows: the same for every backend.

Row ids are derived from the data (:func:`entry_id`), so id order *is* date order: a scan
``ORDER BY id DESC`` walks the newest digests first and can stop early, whatever order the
digests were ingested in. SQLite and PostgreSQL store the same ids, which is also what lets
``paperbot migrate`` copy the tables column by column. The records reads return are the
core's (:mod:`bot.core.archive.records`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final, NamedTuple

from pydantic import TypeAdapter

from bot.core.cards.card import title_from_preamble
from digest_parser import Digest, ParseWarning

__all__ = [
    "ENTRY_COLUMNS",
    "MAX_POSITION",
    "MAX_SECTIONS",
    "SECTION_COLUMNS",
    "TEXT_COLUMNS",
    "DigestRows",
    "Row",
    "digest_rows",
    "entry_id",
    "entry_span",
    "section_rowid",
    "section_span",
]

#: Entries per digest and sections per entry that fit the derived-id scheme.
MAX_POSITION: Final = 99_999
MAX_SECTIONS: Final = 999

Row = tuple[Any, ...]
_WARNINGS_JSON: Final = TypeAdapter(tuple[ParseWarning, ...])


def entry_id(date: dt.date, position: int) -> int:
    """The row id of the entry at ``position`` of the digest of ``date``: date-ordered."""
    return date.toordinal() * (MAX_POSITION + 1) + position


def section_rowid(entry: int, ordinal: int) -> int:
    """The row id of the ``ordinal``-th (1-based) section of an entry."""
    return entry * (MAX_SECTIONS + 1) + ordinal


def entry_span(date: dt.date) -> tuple[int, int]:
    """The first and last possible entry row id of the digest of ``date``."""
    return entry_id(date, 0), entry_id(date, MAX_POSITION)


def section_span(date: dt.date) -> tuple[int, int]:
    """The first and last possible section row id of the digest of ``date``."""
    first = section_rowid(entry_id(date, 0), 0)
    return first, section_rowid(entry_id(date, MAX_POSITION), MAX_SECTIONS)


#: The columns :class:`DigestRows` fills, in order; named in the INSERTs so that a later
#: migration may add columns with defaults without touching the ingest.
ENTRY_COLUMNS: Final = (
    "id", "arxiv_id", "date", "position", "line", "title", "display_title", "url", "missing"
)  # fmt: skip
TEXT_COLUMNS: Final = ("id", "preamble", "epilogue", "raw")
SECTION_COLUMNS: Final = ("id", "entry_id", "key", "number", "heading", "body", "line")


class DigestRows(NamedTuple):
    """A digest as rows for ``entries``, ``entry_texts`` and ``sections`` (``*_COLUMNS``)."""

    entries: list[Row]
    texts: list[Row]
    sections: list[Row]
    warnings: str  # JSON


def digest_rows(digest: Digest) -> DigestRows:
    """The rows that archive ``digest``.

    A repeated arXiv id keeps its first entry (the table holds one per date) and adds a
    warning saying so.

    Raises:
        ValueError: The digest has no date, or more papers or sections than the ids allow.
    """
    if digest.date is None:
        raise ValueError("the digest has no date")
    day, warnings = digest.date.isoformat(), list(digest.warnings)
    first: dict[str, int] = {}
    rows = DigestRows([], [], [], "")
    for paper in digest.papers:
        if paper.arxiv_id in first:
            message = (
                f"{paper.arxiv_id} appears again; the archive keeps line {first[paper.arxiv_id]}"
            )
            warnings.append(ParseWarning(line=paper.line, paper=paper.arxiv_id, message=message))
            continue
        first[paper.arxiv_id] = paper.line
        position = len(rows.entries) + 1
        if position > MAX_POSITION or len(paper.sections) > MAX_SECTIONS:
            raise ValueError("too many papers or sections to archive")
        eid = entry_id(digest.date, position)
        missing = ",".join(paper.missing)
        shown = paper.title or title_from_preamble(paper.preamble)
        rows.entries.append(
            (eid, paper.arxiv_id, day, position, paper.line, paper.title, shown, paper.url, missing)
        )
        rows.texts.append((eid, paper.preamble, paper.epilogue, paper.raw))
        rows.sections.extend(
            (section_rowid(eid, n), eid, s.key.value, s.number, s.heading, s.body, s.line)
            for n, s in enumerate(paper.sections, start=1)
        )
    return rows._replace(warnings=_WARNINGS_JSON.dump_json(tuple(warnings)).decode())
