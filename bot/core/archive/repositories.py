"""What the core needs from the archive's storage, as Protocols a backend implements.

The core reads and writes the archive only through these: ingest and lookups
(:class:`ArchiveRepository`), full-text search and its index (:class:`SearchIndex`), and a cheap
"has anything been committed?" signal (:class:`ArchiveVersion`) that keeps cached answers fresh.
:class:`Archive` is all three: what :class:`~bot.core.archive.lookup.Lookup` needs. The storage
package's SQLite store implements them (the core never imports it); nothing here knows a
connection, SQL text or a driver exception: implementations raise
:class:`~bot.core.errors.StorageError` and its subclasses.

:class:`UnwatchedVersion` is the version of an archive nobody watches (before a chat adapter's
warm-up, or for one kept in memory): every reading is new, so nothing is cached.
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import datetime as dt

    from bot.core.archive.records import (
        DigestSummary,
        IngestResult,
        PaperEntry,
        SearchHit,
        SectionItem,
        Suggestion,
    )
    from digest_parser import Digest, SectionKey

__all__ = ["Archive", "ArchiveRepository", "ArchiveVersion", "SearchIndex", "UnwatchedVersion"]


class ArchiveRepository(Protocol):
    """Every digest ever ingested: written whole, read paper by paper or section by section.

    Reads return the newest version of a paper unless a date is named. Every method may raise
    :class:`~bot.core.errors.StorageError`.
    """

    async def ingest(self, digest: Digest, *, content_hash: str) -> IngestResult:
        """Archive a digest; the same content again is a no-op, changed content replaces.

        Raises:
            StorageError: The digest has no date or is too large, or the write failed; the
                archive then holds exactly what it held before.
        """
        ...

    async def dates(self) -> tuple[dt.date, ...]:
        """Every archived digest date, newest first."""
        ...

    async def latest_date(self) -> dt.date | None:
        """The newest digest's date, or ``None`` while the archive is empty."""
        ...

    async def paper(self, arxiv_id: str, date: dt.date | None = None) -> PaperEntry | None:
        """The entry of ``arxiv_id`` in the digest of ``date`` (default: its newest digest)."""
        ...

    async def section_items(
        self, key: SectionKey, date: dt.date, *, limit: int, offset: int = 0
    ) -> tuple[SectionItem, ...]:
        """The papers of a digest in order, each with its first section of ``key``."""
        ...

    async def digest(self, date: dt.date) -> DigestSummary | None:
        """The digest of ``date``: its papers and which sections each has, or ``None``."""
        ...

    async def ids_between(self, low: str, high: str, *, limit: int) -> tuple[Suggestion, ...]:
        """Known ids in ``[low, high)``, highest first (ids grow with time), newest titles."""
        ...

    async def newest_papers(self, *, limit: int) -> tuple[Suggestion, ...]:
        """The newest digest's papers in order."""
        ...


class SearchIndex(Protocol):
    """Text search over titles and section bodies, complete even while its index catches up."""

    async def titles_containing(self, text: str, *, limit: int) -> tuple[Suggestion, ...]:
        """Papers whose title contains ``text`` (any case), newest digest first."""
        ...

    async def search(self, query: str, *, limit: int = 10, offset: int = 0) -> list[SearchHit]:
        """Ranked hits for ``query`` in titles and section bodies; no user text raises.

        Ask for one more than you show to learn whether another page exists.
        """
        ...

    async def indexed(self) -> int:
        """Index every digest still waiting for the search index, now; return its papers."""
        ...

    async def unindexed(self) -> tuple[int, int]:
        """``(digests, papers)`` archived but not yet in the search index."""
        ...

    async def indexer_idle(self) -> None:
        """Wait until the background indexer finds nothing left to index (it must run)."""
        ...


class ArchiveVersion(Protocol):
    """A value that changes whenever anything is committed to the archive, by any process."""

    @property
    def watching(self) -> bool:
        """False when nothing is watched (or once closed): every version is then new."""
        ...

    def current(self) -> Hashable:
        """The version now; cheap and synchronous, so it may run on the event loop.

        Returns a fresh value (equal to nothing before it) when it cannot tell.
        """
        ...

    def close(self) -> None:
        """Stop watching; from then on every version is new."""
        ...


class Archive(ArchiveRepository, SearchIndex, Protocol):
    """The whole archive as the chat answers see it: lookups, search and its version."""

    async def watch_version(self) -> ArchiveVersion:
        """Start watching the archive for commits; the caller closes what it gets.

        An archive nothing else can write to (a private in-memory one) returns a version that
        is never the same twice.

        Raises:
            StorageError: The archive cannot be watched.
        """
        ...


class UnwatchedVersion:
    """The :class:`ArchiveVersion` of an archive nobody watches: never the same twice."""

    def __init__(self) -> None:
        self._readings = itertools.count()

    @property
    def watching(self) -> bool:
        """Always False."""
        return False

    def current(self) -> Hashable:
        """A value equal to no earlier one, so nothing keyed on it is ever reused."""
        return ("unwatched", next(self._readings))

    def close(self) -> None:
        """Nothing to close."""
