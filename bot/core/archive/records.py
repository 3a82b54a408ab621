"""What archive reads return: typed records."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Final, Literal, NamedTuple

from bot.core.cards.paper_meta import PaperMeta
from digest_parser import Paper, ParseWarning, Section, SectionKey

__all__ = [
    "MAX_QUERY_CHARS",
    "DigestItem",
    "DigestSummary",
    "IngestResult",
    "IngestStatus",
    "MetaField",
    "PaperEntry",
    "SearchHit",
    "SectionItem",
    "Snippet",
    "Suggestion",
    "clean_query",
]

MAX_QUERY_CHARS: Final = 200  # longer queries are cut: no summary sentence is longer


class IngestStatus(StrEnum):
    """What an ingest did to the archive."""

    NEW = "new"
    UNCHANGED = "unchanged"
    REPLACED = "replaced"


@dataclass(frozen=True, slots=True)
class IngestResult:
    """The outcome of :meth:`Store.ingest`; ``removed`` counts the replaced version's papers."""

    date: dt.date
    status: IngestStatus
    papers: int
    sections: int
    removed: int = 0


class Suggestion(NamedTuple):
    """A value a user may pick (arXiv id, section name, date, page) and its label."""

    value: str
    label: str


@dataclass(frozen=True, slots=True)
class PaperEntry:
    """One paper as one digest presented it, its place there, and every date it appeared."""

    paper: Paper
    date: dt.date
    position: int
    total: int
    dates: tuple[dt.date, ...]  # newest first
    meta: PaperMeta | None = None  # Hugging Face's metadata, once fetched


@dataclass(frozen=True, slots=True)
class SectionItem:
    """A paper of a digest with its section of the asked key (``None`` if it has none)."""

    arxiv_id: str
    title: str | None
    position: int
    section: Section | None


@dataclass(frozen=True, slots=True)
class DigestItem:
    """A paper of a digest: its place and which sections its summary has."""

    arxiv_id: str
    title: str | None
    position: int
    sections: tuple[SectionKey, ...]


@dataclass(frozen=True, slots=True)
class DigestSummary:
    """A digest as archived: its papers in order and the parser's warnings."""

    date: dt.date
    source: str | None
    ingested_at: dt.datetime
    warnings: tuple[ParseWarning, ...]
    papers: tuple[DigestItem, ...]


@dataclass(frozen=True, slots=True)
class Snippet:
    """Text around a match, as ``(text, is_match)`` parts a renderer styles its own way."""

    parts: tuple[tuple[str, bool], ...]

    @property
    def text(self) -> str:
        """The snippet without marks."""
        return "".join(text for text, _ in self.parts)

    def marked(self, before: str = "**", after: str = "**") -> str:
        """The snippet with every match wrapped in ``before``/``after``."""
        return "".join(f"{before}{t}{after}" if hit else t for t, hit in self.parts)


#: Where a hit matched outside the sections: the digest's (Korean) title, or Hugging Face's
#: English title or author names (:class:`~bot.core.cards.paper_meta.PaperMeta`).
MetaField = Literal["title", "title_en", "authors"]


_META_LABELS: Final[dict[str, str]] = {
    "title": "title",
    "title_en": "English title",
    "authors": "authors",
}


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One search result: where the text matched, and the match in context."""

    arxiv_id: str
    date: dt.date
    title: str | None
    field: SectionKey | MetaField
    snippet: Snippet

    @property
    def where(self) -> str:
        """Where it matched, for a reader: ``title``, ``English title``, ``5 · results``."""
        if isinstance(self.field, SectionKey):
            return f"{self.field.number} · {self.field.english}"
        return _META_LABELS[self.field]


def clean_query(text: str) -> str:
    """Collapse whitespace and drop control characters (NUL included); cut to a sane length."""
    text = "".join(c if c.isprintable() else " " for c in text[: MAX_QUERY_CHARS * 4])
    return " ".join(text.split())[:MAX_QUERY_CHARS].strip()
