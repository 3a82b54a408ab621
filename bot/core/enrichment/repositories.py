"""What enrichment asks of the database: metadata per paper, and which digests have it.

The storage package implements it (for SQLite in ``sqlite/metadata.py``); a store offers it as
:attr:`EnrichmentStore.metadata`, beside the archive the enricher reads a day's papers from.
Metadata is kept per paper (a paper listed on two days has one row), replaced whole on each
fetch, and survives a digest being re-ingested.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.core.archive.repositories import ArchiveRepository
from bot.core.cards.paper_meta import PaperMeta

__all__ = ["DayEnrichment", "EnrichmentStore", "MetadataRepository"]


@dataclass(frozen=True, slots=True)
class DayEnrichment:
    """How much of one archived digest has metadata."""

    date: dt.date
    papers: int  # papers in the digest
    enriched: int  # of them, papers with metadata
    fetched_at: dt.datetime | None  # the oldest fetch among them (None: none yet)


class MetadataRepository(Protocol):
    """The ``paper_meta`` rows."""

    async def save(self, metas: Sequence[PaperMeta]) -> None:
        """Keep ``metas``, each replacing what was kept for its paper; one transaction.

        Raises:
            StorageError: They could not be written (nothing was).
        """
        ...

    async def of_papers(self, arxiv_ids: Collection[str]) -> dict[str, PaperMeta]:
        """What is kept for these papers, by id; papers without metadata are left out."""
        ...

    async def days(self) -> list[DayEnrichment]:
        """Every archived digest, newest first, with how many of its papers have metadata."""
        ...


class EnrichmentStore(ArchiveRepository, Protocol):
    """A database with the archive (to read a day's papers) and the metadata (to keep it)."""

    @property
    def metadata(self) -> MetadataRepository:
        """The metadata rows."""
        ...
