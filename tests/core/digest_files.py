"""Digest files for schedule and source tests: the bundled example under any date.

Every copy has the same papers, which is what consecutive real digests often do too.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bot.core.archive.ingest import ingest_file
from bot.storage.sqlite.store import Store
from tests.conftest import EXAMPLES

__all__ = ["digest_text", "ingest_digest", "write_digest"]

_EXAMPLE = EXAMPLES / "hf-daily-papers-2026-01-05.md"


def digest_text(day: dt.date, *, extra: str = "") -> str:
    """The example digest, dated ``day`` (``extra`` appended to change its content)."""
    return _EXAMPLE.read_text(encoding="utf-8").replace("2026-01-05", day.isoformat()) + extra


def write_digest(directory: Path, day: dt.date, *, extra: str = "") -> Path:
    """Write the example dated ``day`` as ``hf-daily-papers-<day>.md`` under ``directory``."""
    path = directory / f"hf-daily-papers-{day.isoformat()}.md"
    path.write_text(digest_text(day, extra=extra), encoding="utf-8")
    return path


async def ingest_digest(store: Store, directory: Path, day: dt.date) -> None:
    """Write and archive the example dated ``day``."""
    outcome = await ingest_file(store, write_digest(directory, day))
    assert outcome.result is not None, outcome.error
