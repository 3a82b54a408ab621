"""Ingest digest files into the archive: read, hash, parse, store.

Shared by ``paperbot ingest``, ``paperbot post`` and the directory watcher, so that every path
into the archive hashes the same bytes (making re-ingest of an unchanged file a no-op) and
reports problems the same way.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from digest_parser import Digest, DigestParseError, parse_digest_bytes

from .schema import IngestResult
from .store import Store, StoreError

__all__ = ["FileIngest", "digest_files", "ingest_file", "read_digest"]

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


def read_digest(path: Path) -> tuple[Digest, str]:
    """Parse a file and hash its bytes.

    Raises:
        DigestParseError: Not a digest.
        OSError: Unreadable.
    """
    data = path.read_bytes()
    return parse_digest_bytes(data, source=str(path)), hashlib.sha256(data).hexdigest()


async def ingest_file(store: Store, path: Path) -> FileIngest:
    """Archive one file; never raises for a bad file, returns the reason instead."""
    try:
        digest, content_hash = read_digest(path)
    except DigestParseError as error:
        message = f"{error.location()}: {error.message}"
        return FileIngest(path, None, None, message, not_a_digest=True)
    except OSError as error:
        return FileIngest(path, None, None, f"{path}: cannot read: {error.strerror or error}")
    if not digest.papers:
        return FileIngest(path, digest, None, f"{path}: no paper could be read")
    try:
        result = await store.ingest(digest, content_hash=content_hash)
    except StoreError as error:
        return FileIngest(path, digest, None, str(error))
    _log.debug("%s: %s", path, result.status)
    return FileIngest(path, digest, result)
