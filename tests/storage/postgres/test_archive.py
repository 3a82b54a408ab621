"""The archive in PostgreSQL: what only several processes on one database can show.

The archive's behaviour is the backend-neutral tests' (``tests/storage/test_store.py`` runs
them on both backends); here: two stores (standing for two processes) ingesting one digest at
once, and a replace seen by the other store.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from contextlib import AsyncExitStack

from bot.core.archive.records import IngestStatus
from bot.storage.postgres.store import PostgresStore
from tests.storage.test_store import make_digest, make_paper


async def test_two_stores_ingesting_one_digest_at_once_archive_it_once(postgres_url: str) -> None:
    digest = make_digest("2026-01-05", *(make_paper(f"2601.{n:05d}") for n in range(1, 40)))
    async with AsyncExitStack() as stack:
        one, two = [
            await stack.enter_async_context(PostgresStore.open(postgres_url)) for _ in range(2)
        ]
        results = await asyncio.gather(
            *(s.ingest(digest, content_hash="h") for s in (one, two, one, two))
        )
        statuses = sorted(r.status for r in results)
        assert statuses == [IngestStatus.NEW] + [IngestStatus.UNCHANGED] * 3
        assert {r.papers for r in results} == {39}
        assert await two.dates() == (dt.date(2026, 1, 5),)
        ((entries,),) = await one.query("SELECT count(*) FROM entries")
        assert entries == 39


async def test_concurrent_replacements_leave_one_whole_version(postgres_url: str) -> None:
    day = "2026-01-05"
    versions = [
        make_digest(day, *(make_paper(f"2601.{v}{n:04d}") for n in range(1, 10 + v)))
        for v in range(1, 5)
    ]
    async with AsyncExitStack() as stack:
        stores = [
            await stack.enter_async_context(PostgresStore.open(postgres_url)) for _ in range(2)
        ]
        await asyncio.gather(
            *(stores[i % 2].ingest(d, content_hash=f"h{i}") for i, d in enumerate(versions))
        )
        entry = await stores[0].digest(dt.date.fromisoformat(day))
        assert entry is not None
        ((papers, prefixes),) = await stores[1].query(
            "SELECT count(*), count(DISTINCT left(arxiv_id, 6)) FROM entries"
        )
        assert prefixes == 1  # one version whole, never a mix
        assert papers == len(entry.papers)
