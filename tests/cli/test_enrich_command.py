"""``paperbot enrich`` against a loopback Hugging Face, run in a thread of its own."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.storage.sqlite.store import Store
from tests.core.digest_files import ingest_digest
from tests.fakes.hf_api import FakeHuggingFace, Fault, paper_json

runner = CliRunner()
DAY = dt.date(2026, 1, 5)
PAPERS = ("2601.01234", "2601.02345", "2601.03456")


@pytest.fixture
def hf() -> Iterator[FakeHuggingFace]:
    """The fake, serving from a loop in another thread while the CLI runs its own."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    fake = asyncio.run_coroutine_threadsafe(_enter(), loop).result(10)
    yield fake
    asyncio.run_coroutine_threadsafe(fake.__aexit__(None, None, None), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)
    loop.close()


async def _enter() -> FakeHuggingFace:
    return await FakeHuggingFace().__aenter__()


def _archive(tmp_path: Path, *days: dt.date) -> str:
    async def main() -> None:
        async with Store.open(tmp_path / "a.db") as store:
            for day in days:
                await ingest_digest(store, tmp_path, day)

    asyncio.run(main())
    return str(tmp_path / "a.db")


def _config(tmp_path: Path, hf: FakeHuggingFace) -> str:
    path = tmp_path / "config.toml"
    path.write_text(f'[enrichment]\napi_base_url = "{hf.base_url}"\ntimeout = 5\n')
    return str(path)


def test_enrich_fetches_the_newest_digest(tmp_path: Path, hf: FakeHuggingFace) -> None:
    db = _archive(tmp_path, DAY - dt.timedelta(days=1), DAY)
    hf.list_day(DAY, *(paper_json(p) for p in PAPERS[:2]))
    hf.papers[PAPERS[2]] = paper_json(PAPERS[2])["paper"]
    done = runner.invoke(app, ["enrich", "--db", db, "--config", _config(tmp_path, hf)])
    assert done.exit_code == 0, done.output
    assert done.output == "2026-01-05: 3 of 3 papers enriched (2 requests)\n"
    assert [r.split("?")[0] for r in hf.requests] == [
        "/api/daily_papers",
        f"/api/papers/{PAPERS[2]}",
    ]


def test_enrich_all_as_json(tmp_path: Path, hf: FakeHuggingFace) -> None:
    db = _archive(tmp_path, DAY - dt.timedelta(days=1), DAY)
    for day in (DAY, DAY - dt.timedelta(days=1)):
        hf.list_day(day, *(paper_json(p) for p in PAPERS))
    args = ["enrich", "--all", "--format", "json", "--db", db, "--config", _config(tmp_path, hf)]
    done = runner.invoke(app, args)
    assert done.exit_code == 0, done.output
    reports = json.loads(done.output)["digests"]
    assert [(r["date"], r["enriched"], r["requests"]) for r in reports] == [
        ("2026-01-05", 3, 1),
        ("2026-01-04", 3, 1),
    ]
    status = runner.invoke(app, ["status", "--format", "json", "--db", db])
    assert status.exit_code == 0, status.output
    digests = json.loads(status.output)["digests"]
    assert [(d["date"], d["papers"], d["enriched"]) for d in digests] == [
        ("2026-01-05", 3, 3),
        ("2026-01-04", 3, 3),
    ]


def test_a_day_not_archived_exits_1(tmp_path: Path, hf: FakeHuggingFace) -> None:
    db = _archive(tmp_path, DAY)
    args = ["enrich", "--date", "2026-02-01", "--db", db, "--config", _config(tmp_path, hf)]
    done = runner.invoke(app, args)
    assert done.exit_code == 1
    assert "no digest of that day is archived: try `paperbot ingest FILE` first" in done.output
    assert hf.requests == []


def test_hugging_face_down_exits_3_and_says_why(tmp_path: Path, hf: FakeHuggingFace) -> None:
    db = _archive(tmp_path, DAY)
    hf.faults.append(Fault(status=403))  # refused: not retried (back-off is tested at the core)
    done = runner.invoke(app, ["enrich", "--db", db, "--config", _config(tmp_path, hf)])
    assert done.exit_code == 3
    assert done.output == (
        "2026-01-05: 0 of 3 papers enriched (1 request); stopped short: /daily_papers: HTTP 403\n"
    )


def test_lookup_paper_shows_what_enrich_fetched(tmp_path: Path, hf: FakeHuggingFace) -> None:
    db = _archive(tmp_path, DAY)
    hf.list_day(DAY, *(paper_json(p) for p in PAPERS))
    assert (
        runner.invoke(app, ["enrich", "--db", db, "--config", _config(tmp_path, hf)]).exit_code == 0
    )
    shown = runner.invoke(app, ["lookup", "paper", PAPERS[0], "--db", db])
    assert shown.exit_code == 0, shown.output
    assert (
        "Paper 2601.01234" in shown.output and "Author 1, Author 2, Author 3 외 2명" in shown.output
    )
    as_json = runner.invoke(app, ["lookup", "paper", PAPERS[0], "--format", "json", "--db", db])
    meta = json.loads(as_json.output)["meta"]
    assert (meta["title"], meta["upvotes"], meta["authors"][0]) == (
        "Paper 2601.01234",
        7,
        "Author 1",
    )
