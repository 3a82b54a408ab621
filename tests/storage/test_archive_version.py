"""The archive's version changes with every commit, whoever makes it, and only then."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bot.storage.sqlite.store import Store
from tests.core.digest_files import ingest_digest

DAY = dt.date(2026, 1, 5)


async def test_an_ingest_changes_the_version_and_reading_does_not(tmp_path: Path) -> None:
    async with Store.open(tmp_path / "archive.db") as store:
        version = await store.watch_version()
        try:
            before = version.current()
            await store.dates()
            assert version.current() == before
            await ingest_digest(store, tmp_path, DAY)
            after = version.current()
            assert after != before
            assert version.current() == after
        finally:
            version.close()


async def test_another_processs_ingest_is_seen(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    async with Store.open(path) as store:
        version = await store.watch_version()
        try:
            before = version.current()
            async with Store.open(path) as other:  # its own connections, as another process
                await ingest_digest(other, tmp_path, DAY)
            assert version.current() != before
        finally:
            version.close()


async def test_a_memory_archive_is_never_the_same() -> None:
    async with Store.open(":memory:") as store:
        version = await store.watch_version()
        assert not version.watching
        assert version.current() != version.current()


async def test_a_closed_watch_is_never_the_same(tmp_path: Path) -> None:
    async with Store.open(tmp_path / "archive.db") as store:
        version = await store.watch_version()
        assert version.watching
        version.close()
        assert not version.watching
        assert version.current() != version.current()
