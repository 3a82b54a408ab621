"""Digest sources that run beside the scheduler: a watched directory (here) and a polled URL
(:mod:`bot.core.daily.http_source`). Each archives what it finds and calls ``on_digest`` when a
digest is new or changed, which the composition root points at :meth:`Scheduler.notify`.

The directory is polled by (mtime, size) on the injected clock rather than watched with
inotify (``watchfiles``). A digest arrives once a day, so a two-second scan of a handful of
``stat`` calls costs nothing, and polling works where inotify does not: network and FUSE
mounts, Docker bind mounts from macOS, CI containers at their watch limit. It needs no
thread, no dependency, and tests drive it step by step with a fake clock.

A file is ingested once two scans in a row see the same (mtime, size): a digest still being
written is not archived (and maybe posted) half-way. Re-reading an unchanged file is a no-op
anyway, because the archive compares content hashes.
"""

from __future__ import annotations

import asyncio
import logging
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Final

from bot.core.archive.ingest import FileIngest, digest_files, ingest_file
from bot.core.archive.records import IngestResult, IngestStatus
from bot.core.archive.repositories import ArchiveRepository
from bot.core.clock import Clock, sleep_unless

__all__ = ["DEFAULT_SCAN_INTERVAL", "DirectoryWatcher", "OnDigest"]

_log = logging.getLogger(__name__)

#: Seconds between scans: the issue asks for a new file to be ingested "within seconds"; a
#: file is taken on its second stable sighting, so at most two intervals after it is written.
DEFAULT_SCAN_INTERVAL: Final = 2.0

#: Told about every digest that is new to the archive or replaced a previous version.
OnDigest = Callable[[IngestResult], object]

_Signature = tuple[int, int]  # (mtime in ns, size)


class DirectoryWatcher:
    """Ingests new and changed ``*.md`` files under one directory (recursively)."""

    def __init__(
        self,
        store: ArchiveRepository,
        directory: Path,
        clock: Clock,
        on_digest: OnDigest | None = None,
        *,
        interval: float = DEFAULT_SCAN_INTERVAL,
    ) -> None:
        self._store = store
        self._directory = directory
        self._clock = clock
        self._on_digest = on_digest
        self._interval = interval
        self._seen: dict[Path, _Signature] = {}  # last sighting
        self._done: dict[Path, _Signature] = {}  # what was ingested (or failed) per file
        self._missing_logged = False
        self._stopping = asyncio.Event()

    @property
    def directory(self) -> Path:
        """The watched directory."""
        return self._directory

    def stop(self) -> None:
        """End :meth:`run` after the scan in progress."""
        self._stopping.set()

    async def run(self) -> None:
        """Scan every ``interval`` seconds until :meth:`stop`."""
        _log.info("watching %s for digests (every %.0f s)", self._directory, self._interval)
        while not self._stopping.is_set():
            await self.scan()
            await sleep_unless(self._clock, self._interval, self._stopping)

    async def scan(self) -> list[FileIngest]:
        """One pass: ingest the files that changed and have settled since the last pass."""
        if not self._directory.is_dir():
            if not self._missing_logged:
                _log.warning("watched directory %s does not exist (yet)", self._directory)
                self._missing_logged = True
            return []
        self._missing_logged = False
        found: list[FileIngest] = []
        present: set[Path] = set()
        for path in digest_files([self._directory]):
            present.add(path)
            signature = _signature(path)
            if signature is None or self._done.get(path) == signature:
                continue
            if self._seen.get(path) != signature:  # first sighting, or still changing
                self._seen[path] = signature
                continue
            self._done[path] = signature
            found.append(await self._ingest(path))
        for gone in set(self._seen) - present:  # deleted: forget, so a new copy is read
            self._seen.pop(gone, None)
            self._done.pop(gone, None)
        return found

    async def _ingest(self, path: Path) -> FileIngest:
        outcome = await ingest_file(self._store, path)
        result = outcome.result
        if outcome.error is not None:
            log = _log.debug if outcome.not_a_digest else _log.warning
            log("watched file not archived: %s", outcome.error)
        elif result is not None and result.status is not IngestStatus.UNCHANGED:
            _log.info("%s: %s digest %s", path, result.date, result.status)
            if self._on_digest is not None:
                self._on_digest(result)
        return outcome


def _signature(path: Path) -> _Signature | None:
    try:
        info = path.stat()
    except OSError:  # removed between listing and stat
        return None
    return (info.st_mtime_ns, info.st_size) if stat.S_ISREG(info.st_mode) else None
