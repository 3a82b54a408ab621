"""The archive's rows read back as the core's records: one reading for every backend.

SQLite and PostgreSQL select the same columns in the same order (their ``PAPER_SQL``,
``SECTION_ITEMS_SQL``, ``DIGEST_*_SQL``); only how a list arrives differs (SQLite's JSON text,
PostgreSQL's decoded ``json``), so the records are built here once, like
:mod:`bot.storage.outbox_records` for the outbox.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Final

from pydantic import TypeAdapter

from bot.core.archive.records import DigestItem, DigestSummary, PaperEntry, SectionItem
from digest_parser import Paper, ParseWarning, Section, SectionKey

if TYPE_CHECKING:
    from bot.core.cards.paper_meta import PaperMeta

__all__ = ["digest_summary", "paper_entry", "section_items"]

_WARNINGS: Final = TypeAdapter(tuple[ParseWarning, ...])
_SECTIONS: Final = TypeAdapter(tuple[Section, ...])


def paper_entry(row: Sequence[Any], meta: PaperMeta | None) -> PaperEntry:
    """A :class:`PaperEntry` from a ``PAPER_SQL`` row.

    The row: ``arxiv_id, date, position, line, title, url, missing, preamble, epilogue, raw,
    paper_count``, the comma-separated dates of the id, and its sections as ``[id, {section}]``
    pairs (a JSON text, a decoded list, or ``None`` for none).
    """
    aid, day, position, line, title, url, missing, preamble, epilogue, raw = row[:10]
    total, dates, sections = row[10:13]
    pairs = json.loads(sections) if isinstance(sections, str) else (sections or [])
    paper = Paper(
        arxiv_id=aid,
        url=url,
        title=title,
        line=line,
        preamble=preamble,
        epilogue=epilogue,
        sections=_SECTIONS.validate_python([s for _, s in sorted(pairs, key=lambda p: p[0])]),
        missing=tuple(SectionKey(key) for key in missing.split(",") if key),
        raw=raw,
    )
    seen = sorted({dt.date.fromisoformat(d) for d in dates.split(",")}, reverse=True)
    return PaperEntry(paper, dt.date.fromisoformat(day), position, total, tuple(seen), meta)


def section_items(rows: Sequence[Sequence[Any]], key: SectionKey) -> tuple[SectionItem, ...]:
    """Items from ``SECTION_ITEMS_SQL`` rows; a paper without a ``key`` section has none."""
    items = []
    for aid, title, position, number, heading, body, line in rows:
        section = None
        if heading is not None:  # NULL when the paper has no such section
            section = Section(key=key, number=number, heading=heading, body=body, line=line)
        items.append(SectionItem(aid, title, position, section))
    return tuple(items)


def digest_summary(
    date: dt.date, head: Sequence[Any], rows: Sequence[Sequence[Any]]
) -> DigestSummary:
    """A summary from the ``DIGEST_HEAD_SQL`` row and the ``DIGEST_ITEMS_SQL`` rows."""
    source, at, warnings = head
    papers = tuple(DigestItem(aid, title, pos, _keys(keys)) for aid, title, pos, keys in rows)
    return DigestSummary(
        date, source, dt.datetime.fromisoformat(at), _WARNINGS.validate_json(warnings), papers
    )


def _keys(csv: str | None) -> tuple[SectionKey, ...]:
    present = set((csv or "").split(","))
    return tuple(key for key in SectionKey.ordered() if key.value in present)
