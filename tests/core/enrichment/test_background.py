"""Enrichment inside ``serve``: landed digests in the background, the newest before posting."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core.archive.records import IngestResult, IngestStatus
from bot.core.enrichment.background import BackgroundEnrichment
from bot.core.enrichment.config import EnrichmentConfig
from bot.core.enrichment.enricher import open_enricher
from bot.storage.sqlite.store import Store
from tests.core.digest_files import ingest_digest
from tests.fakes.clock import SteppedClock
from tests.fakes.hf_api import FakeHuggingFace, Fault, paper_json

DAY = dt.date(2026, 1, 5)
PAPERS = ("2601.01234", "2601.02345", "2601.03456")
START = dt.datetime(2026, 1, 6, 6, 0, tzinfo=dt.UTC).timestamp()
POSTING = START + 3 * 3600  # 09:00 UTC


@pytest.fixture
async def hf() -> AsyncIterator[FakeHuggingFace]:
    async with FakeHuggingFace() as fake:
        yield fake


async def test_landed_digests_and_the_pre_posting_refresh(
    tmp_path: Path, hf: FakeHuggingFace
) -> None:
    clock = SteppedClock(START)
    hf.list_day(DAY, *(paper_json(p, upvotes=1) for p in PAPERS))
    config = EnrichmentConfig(api_base_url=hf.base_url, timeout=5, refresh=15)

    async def next_posting() -> float | None:
        return POSTING if clock.now() < POSTING else POSTING + 86_400

    async with Store.open(tmp_path / "a.db") as store:
        await ingest_digest(store, tmp_path, DAY)
        async with open_enricher(config, store, clock) as enricher:
            background = BackgroundEnrichment(
                enricher, clock, latest=store.latest_date, next_posting=next_posting,
                refresh_minutes=config.refresh,
            )  # fmt: skip
            task = asyncio.create_task(background.run())
            # At start: the newest archived digest, at once.
            await clock.advance_until(lambda: background.done == [DAY], limit=START + 60)
            assert len(hf.requests) == 1
            # A digest that did not change is not fetched again; a new one is.
            background.landed(IngestResult(DAY, IngestStatus.UNCHANGED, 3, 3))
            background.landed(IngestResult(DAY, IngestStatus.REPLACED, 3, 3))
            await clock.advance_until(lambda: background.done == [DAY, DAY], limit=START + 60)
            # 15 minutes before posting, upvotes are fetched again.
            hf.days[DAY.isoformat()] = [paper_json(p, upvotes=30) for p in PAPERS]
            await clock.advance_until(lambda: len(background.done) == 3, limit=POSTING - 15 * 60)
            assert clock.now() == POSTING - 15 * 60
            metas = await store.metadata.of_papers(PAPERS)
            assert {m.upvotes for m in metas.values()} == {30}
            assert len(hf.requests) == 3
            # Once per posting time: nothing more until the next day's refresh.
            await clock.advance_to(POSTING + 3600)
            await asyncio.sleep(0.05)
            assert len(hf.requests) == 3
            background.stop()
            await task


async def test_hugging_face_down_is_logged_once_and_never_stops_it(
    tmp_path: Path, hf: FakeHuggingFace, caplog: pytest.LogCaptureFixture
) -> None:
    clock = SteppedClock(START)
    hf.faults.append(Fault(status=403, times=10))
    config = EnrichmentConfig(api_base_url=hf.base_url, timeout=5, refresh=0)

    async def never() -> float | None:
        return None

    async with Store.open(tmp_path / "a.db") as store:
        await ingest_digest(store, tmp_path, DAY)
        async with open_enricher(config, store, clock) as enricher:
            background = BackgroundEnrichment(
                enricher, clock, latest=store.latest_date, next_posting=never, refresh_minutes=0
            )
            task = asyncio.create_task(background.run())
            await clock.advance_until(lambda: len(background.done) == 1, limit=START + 60)
            background.request(DAY)
            await clock.advance_until(lambda: len(background.done) == 2, limit=START + 60)
            background.stop()
            await task
    warnings = [r for r in caplog.records if "cards go out without it" in r.getMessage()]
    assert len(warnings) == 1 and "HTTP 403" in warnings[0].getMessage()


async def test_stop_abandons_a_fetch_in_flight_at_once(tmp_path: Path, hf: FakeHuggingFace) -> None:
    # Hugging Face never answering must not hold serve's shutdown (it waited 5 s per stop).
    clock = SteppedClock(START)
    hf.faults.append(Fault(hang=True, times=10))
    config = EnrichmentConfig(api_base_url=hf.base_url, timeout=120, refresh=0)

    async def never() -> float | None:
        return None

    async with Store.open(tmp_path / "a.db") as store:
        await ingest_digest(store, tmp_path, DAY)
        async with open_enricher(config, store, clock) as enricher:
            background = BackgroundEnrichment(
                enricher, clock, latest=store.latest_date, next_posting=never, refresh_minutes=0
            )
            task = asyncio.create_task(background.run())
            for _ in range(500):  # the request is in flight (the fake holds it)
                if hf.requests:
                    break
                await asyncio.sleep(0.01)
            assert hf.requests
            background.stop()
            await asyncio.wait_for(task, 5)  # returns, not cancelled from outside
            assert background.done == []
