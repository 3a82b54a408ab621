"""The PostgreSQL archive's version: every commit changes it, in this process at once and in
another as soon as its notification arrives; a lost listener never serves a stale answer."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Hashable

from bot.core.archive.repositories import ArchiveVersion
from bot.storage.postgres.store import PostgresStore
from tests.core.delivery.drain_setup import eventually
from tests.storage.test_store import make_digest, make_paper

DIGEST = make_digest("2026-01-05", make_paper("2601.00001"))


async def _changes_from(version: ArchiveVersion, before: Hashable) -> None:
    """Wait for a notification to change ``version``: it arrives after the commit."""
    await eventually(lambda: version.current() != before, "a commit notification")


async def test_own_commits_change_it_at_once_and_reads_do_not(postgres_url: str) -> None:
    async with PostgresStore.open(postgres_url) as store:
        version = await store.watch_version()
        try:
            assert version.watching
            before = version.current()
            await store.dates()
            assert version.current() == before
            await store.ingest(DIGEST, content_hash="a")
            assert version.current() != before  # no stale window in this process
            again = version.current()
            await store.ingest(DIGEST, content_hash="a")  # unchanged: nothing committed
            await store.dates()
            await _changes_from(version, again)  # the first ingest's notification arrives
        finally:
            version.close()


async def test_another_processs_commit_is_heard(postgres_url: str) -> None:
    async with PostgresStore.open(postgres_url) as store, PostgresStore.open(postgres_url) as other:
        version = await store.watch_version()
        try:
            before = version.current()
            await other.ingest(DIGEST, content_hash="a")  # another process's pool
            await _changes_from(version, before)
            assert await store.dates() == (dt.date(2026, 1, 5),)
        finally:
            version.close()


async def test_a_lost_listener_stops_watching(postgres_url: str) -> None:
    async with PostgresStore.open(postgres_url) as store:
        version = await store.watch_version()
        await store.query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE backend_type = 'client backend' AND query LIKE 'LISTEN%%'"
        )
        await eventually(lambda: not version.watching, "the listener's loss")
        assert version.current() != version.current()
        version.close()


async def test_a_closed_watch_is_never_the_same(postgres_url: str) -> None:
    async with PostgresStore.open(postgres_url) as store:
        version = await store.watch_version()
        version.close()
        assert not version.watching
        assert version.current() != version.current()
        await asyncio.sleep(0)  # the task closes its connection
