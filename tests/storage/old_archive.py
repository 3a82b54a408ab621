"""Archives as older paperbots wrote them, to check that opening one migrates it forward."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from pathlib import Path

from bot.storage.archive_rows import digest_rows, entry_span, section_span
from bot.storage.sqlite.indexer_sql import INDEX_SECTIONS_SQL, INDEX_TITLES_SQL
from bot.storage.sqlite.schema import MIGRATIONS
from bot.storage.sqlite.store_sql import (
    INSERT_DIGEST_SQL,
    INSERT_ENTRIES_SQL,
    INSERT_SECTIONS_SQL,
    INSERT_TEXTS_SQL,
)
from digest_parser import Digest

INDEXED_INLINE = 3  # the last schema whose ingest indexed in its own transaction


def write_old_archive(path: Path, version: int, *digests: Digest) -> None:
    """A new archive at schema ``version`` holding ``digests``, as versions 1 to 3 ingested.

    Those versions wrote a digest's rows and indexed them in one transaction (the same bulk
    statements the indexer runs now, for one digest), so no digest waits for the index.
    """
    assert 1 <= version <= INDEXED_INLINE
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA foreign_keys = ON")
        for number, script in enumerate(MIGRATIONS[:version], start=1):
            conn.executescript(f"BEGIN;\n{script}\n;PRAGMA user_version = {number};\nCOMMIT;")
        for digest in digests:
            assert digest.date is not None
            rows, day = digest_rows(digest), digest.date.isoformat()
            content_hash = hashlib.sha256(digest.model_dump_json().encode()).hexdigest()
            now = dt.datetime.now(dt.UTC).isoformat()
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(
                INSERT_DIGEST_SQL,
                (day, digest.source, content_hash, now, len(rows.entries), rows.warnings),
            )
            conn.executemany(INSERT_ENTRIES_SQL, rows.entries)
            conn.executemany(INSERT_TEXTS_SQL, rows.texts)
            conn.executemany(INSERT_SECTIONS_SQL, rows.sections)
            conn.execute(INDEX_TITLES_SQL, (json.dumps([entry_span(digest.date)]),))
            conn.execute(INDEX_SECTIONS_SQL, (json.dumps([section_span(digest.date)]),))
            conn.execute("COMMIT")
    finally:
        conn.close()
