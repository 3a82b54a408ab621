"""The enricher against a loopback Hugging Face: one request a day, and misbehaviour survived."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core.enrichment.config import EnrichmentConfig
from bot.core.enrichment.enricher import Enricher, EnrichReport, open_enricher
from bot.storage.sqlite.store import Store
from tests.core.digest_files import ingest_digest
from tests.fakes.clock import FakeClock
from tests.fakes.hf_api import FakeHuggingFace, Fault, paper_json

DAY = dt.date(2026, 1, 5)
PAPERS = ("2601.01234", "2601.02345", "2601.03456")  # the example digest's


@pytest.fixture
async def hf() -> AsyncIterator[FakeHuggingFace]:
    async with FakeHuggingFace() as fake:
        yield fake


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with Store.open(tmp_path / "a.db") as opened:
        await ingest_digest(opened, tmp_path, DAY)
        yield opened


def config(hf: FakeHuggingFace, timeout: float = 5.0) -> EnrichmentConfig:
    return EnrichmentConfig(api_base_url=hf.base_url, timeout=timeout)


async def enrich(
    hf: FakeHuggingFace, store: Store, clock: FakeClock | None = None, **kw: float
) -> EnrichReport:
    async with open_enricher(config(hf, **kw), store, clock or FakeClock()) as enricher:
        assert isinstance(enricher, Enricher)
        return await enricher.enrich_day(DAY)


async def test_one_request_for_a_listed_day(hf: FakeHuggingFace, store: Store) -> None:
    hf.list_day(DAY, *(paper_json(p) for p in PAPERS))
    report = await enrich(hf, store)
    assert (report.papers, report.enriched, report.requests, report.problem) == (3, 3, 1, None)
    assert hf.requests == ["/api/daily_papers?date=2026-01-05&limit=100&p=0"]
    entry = await store.paper("2601.01234", DAY)
    assert entry is not None and entry.meta is not None
    meta = entry.meta
    assert meta.title == "Paper 2601.01234"
    assert meta.authors_line == "Author 1, Author 2, Author 3 외 2명"
    assert (meta.upvotes, meta.comments, meta.github_stars) == (7, 2, 120)
    assert meta.organization == "Example Lab"
    assert meta.github_repo == "https://github.com/example/2601.01234"
    assert meta.thumbnail is not None and meta.thumbnail.startswith("https://cdn-thumbnails.")
    assert meta.keywords == ("agents", "reinforcement learning")
    assert meta.fetched_at == dt.datetime.fromtimestamp(FakeClock().now(), dt.UTC)


async def test_papers_the_list_lacks_are_asked_for_one_by_one(
    hf: FakeHuggingFace, store: Store
) -> None:
    hf.list_day(DAY, paper_json(PAPERS[0]), paper_json("2601.99999"))  # one not in the digest
    hf.papers[PAPERS[1]] = paper_json(PAPERS[1])["paper"]
    report = await enrich(hf, store)
    assert (report.enriched, report.requests, report.unknown) == (2, 3, (PAPERS[2],))
    assert hf.requests[1:] == [f"/api/papers/{PAPERS[1]}", f"/api/papers/{PAPERS[2]}"]
    assert set(await store.metadata.of_papers(PAPERS)) == set(PAPERS[:2])


async def test_a_list_that_grew_is_read_again(hf: FakeHuggingFace, store: Store) -> None:
    hf.list_day(DAY, paper_json(PAPERS[0], upvotes=1))
    await enrich(hf, store)
    hf.days[DAY.isoformat()] = [paper_json(p, upvotes=9) for p in PAPERS]
    report = await enrich(hf, store)
    assert (report.enriched, report.requests) == (3, 1)
    metas = await store.metadata.of_papers(PAPERS)
    assert {m.upvotes for m in metas.values()} == {9}


async def test_429_and_5xx_are_retried_after_waiting(hf: FakeHuggingFace, store: Store) -> None:
    hf.list_day(DAY, *(paper_json(p) for p in PAPERS))
    hf.faults += [Fault(status=429, retry_after="7"), Fault(status=503)]
    clock = FakeClock()
    report = await enrich(hf, store, clock)
    assert (report.enriched, report.requests, report.problem) == (3, 3, None)
    assert clock.slept == [7.0, 2.0]  # Retry-After, then the back-off (doubled after each failure)


async def test_giving_up_stores_nothing_and_says_why(hf: FakeHuggingFace, store: Store) -> None:
    hf.faults.append(Fault(status=500, times=10))
    report = await enrich(hf, store)
    assert report.enriched == 0 and report.requests == 4
    assert report.problem is not None and "HTTP 500 after 4 attempts" in report.problem
    assert await store.metadata.of_papers(PAPERS) == {}


async def test_a_long_retry_after_is_not_waited_for(hf: FakeHuggingFace, store: Store) -> None:
    hf.faults.append(Fault(status=429, retry_after="3600"))
    report = await enrich(hf, store)
    assert report.problem is not None and "3600" in report.problem and report.requests == 1


async def test_truncated_json_is_a_problem_not_a_crash(hf: FakeHuggingFace, store: Store) -> None:
    hf.faults.append(Fault(truncated=True))
    report = await enrich(hf, store)
    assert report.problem is not None and "not JSON" in report.problem


async def test_a_hanging_server_is_bounded_by_the_timeout(
    hf: FakeHuggingFace, store: Store
) -> None:
    hf.faults.append(Fault(hang=True))
    report = await enrich(hf, store, timeout=0.2)
    assert report.problem == "no answer from Hugging Face in 0.2 s"


async def test_an_unreachable_api_is_a_problem(store: Store) -> None:
    closed = EnrichmentConfig(api_base_url="http://127.0.0.1:9/api", timeout=2)
    async with open_enricher(closed, store, FakeClock()) as enricher:
        report = await enricher.enrich_day(DAY)
    assert report.enriched == 0 and report.problem is not None


async def test_an_unarchived_day_is_a_lookup_error(hf: FakeHuggingFace, store: Store) -> None:
    async with open_enricher(config(hf), store, FakeClock()) as enricher:
        with pytest.raises(LookupError, match="2026-01-06"):
            await enricher.enrich_day(DAY + dt.timedelta(days=1))


async def test_hostile_values_are_bounded_and_checked(hf: FakeHuggingFace, store: Store) -> None:
    hostile = paper_json(
        PAPERS[0],
        authors=[{"name": "@everyone\u202e", "hidden": False}, {"name": "secret", "hidden": True}]
        + [{"name": "x" * 1_000}] * 1_000,
        githubRepo="javascript:alert(1)",
        projectPage="http://example.org/plain-http",
        thumbnail="https://evil.example/t.png",
        ai_keywords=["<!channel>"] * 500,
        upvotes="lots",
        withdrawnAt="2026-01-06T00:00:00Z",
    )
    hf.list_day(DAY, hostile, {"paper": "not an object"}, 42)
    report = await enrich(hf, store)
    assert report.problem is None
    meta = (await store.metadata.of_papers([PAPERS[0]]))[PAPERS[0]]
    assert meta.authors[0] == "@everyone"  # kept as text: renderers escape it
    assert "secret" not in meta.authors and len(meta.authors) == 50
    assert max(len(a) for a in meta.authors) == 100
    assert (meta.github_repo, meta.project_page, meta.thumbnail) == (None, None, None)
    assert len(meta.keywords) == 12 and meta.upvotes is None and meta.withdrawn
