"""Ingest digest files into the archive: read, hash, parse, store.

Shared by ``paperbot ingest``, ``paperbot post`` and the directory watcher, so that every path
into the archive hashes the same bytes (making re-ingest of an unchanged file a no-op) and
reports problems the same way.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from bot.core.archive.records import IngestResult
from bot.core.archive.repositories import ArchiveRepository
from bot.core.errors import StorageError
from digest_parser import Digest, DigestParseError, parse_digest_bytes

__all__ = ["FileIngest", "digest_files", "ingest_bytes", "ingest_file"]

_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class FileIngest:
    """What happened to one file: archived (with its result), or an error message."""

    path: Path
    digest: Digest | None
    result: IngestResult | None
    error: str | None = None
    not_a_digest: bool = False


def digest_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Expand files and directories (recursively, ``*.md``) in a stable order."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*.md") if p.is_file())
        else:
            yield path


async def ingest_file(store: ArchiveRepository, path: Path) -> FileIngest:
    """Archive one file; never raises for a bad file, returns the reason instead."""
    try:
        data = await asyncio.to_thread(path.read_bytes)  # keep serve's event loop free
    except OSError as error:
        return FileIngest(path, None, None, f"{path}: cannot read: {error.strerror or error}")
    return await ingest_bytes(store, data, source=path)


async def ingest_bytes(store: ArchiveRepository, data: bytes, *, source: Path | str) -> FileIngest:
    """Parse, hash and archive a digest's bytes (a file's, or a download's).

    The hash is of the bytes exactly as received, so the same content from any source is a
    no-op. Never raises for bad input: the result carries the reason.
    """
    path = Path(source)
    try:
        digest = parse_digest_bytes(data, source=str(source))
    except DigestParseError as error:
        message = f"{error.location()}: {error.message}"
        return FileIngest(path, None, None, message, not_a_digest=True)
    if not digest.papers:
        return FileIngest(path, digest, None, f"{source}: no paper could be read")
    try:
        result = await store.ingest(digest, content_hash=hashlib.sha256(data).hexdigest())
    except StorageError as error:
        return FileIngest(path, digest, None, str(error))
    _log.debug("%s: %s", source, result.status)
    return FileIngest(path, digest, result)
