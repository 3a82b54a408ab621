"""Digest sources: the watched directory on a fake clock, the URL poller on a loopback server."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from bot.core.archive.records import IngestResult, IngestStatus
from bot.core.clock import Clock
from bot.core.daily.config import HttpSourceConfig
from bot.core.daily.http_source import HttpPoller
from bot.core.daily.sources import DirectoryWatcher
from bot.storage.sqlite.store import Store
from tests.core.digest_files import digest_text, write_digest
from tests.fakes.clock import FakeClock, SteppedClock

DAY = dt.date(2026, 1, 5)


def utc(year: int, month: int, day: int, hour: int, minute: int) -> float:
    return dt.datetime(year, month, day, hour, minute, tzinfo=dt.UTC).timestamp()


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with Store.open(tmp_path / "w.db") as opened:
        yield opened


def touch(path: Path, seconds: int) -> None:
    """Give a file a distinct mtime (file systems may round a quick rewrite's to the same)."""
    os.utime(path, (seconds, seconds))


# --- the watched directory ---------------------------------------------------------------


async def test_a_new_file_is_ingested_once_it_has_settled(store: Store, tmp_path: Path) -> None:
    folder, landed = tmp_path / "digests", list[IngestResult]()
    folder.mkdir()
    watcher = DirectoryWatcher(store, folder, FakeClock(), landed.append)
    assert await watcher.scan() == []
    write_digest(folder, DAY)
    assert await watcher.scan() == []  # first sighting: it may still be being written
    (outcome,) = await watcher.scan()
    assert outcome.result is not None and outcome.result.status is IngestStatus.NEW
    assert [r.date for r in landed] == [DAY]
    assert await watcher.scan() == []  # unchanged: not read again
    assert await store.latest_date() == DAY


async def test_a_changed_file_replaces_its_digest(store: Store, tmp_path: Path) -> None:
    landed: list[IngestResult] = []
    watcher = DirectoryWatcher(store, tmp_path, FakeClock(), landed.append)
    path = write_digest(tmp_path, DAY)
    touch(path, 1_000)
    await watcher.scan()
    await watcher.scan()
    path.write_text(digest_text(DAY, extra="\n---\n"), encoding="utf-8")
    touch(path, 2_000)
    await watcher.scan()
    (outcome,) = await watcher.scan()
    assert outcome.result is not None and outcome.result.status is IngestStatus.REPLACED
    assert [r.status for r in landed] == [IngestStatus.NEW, IngestStatus.REPLACED]
    touch(path, 3_000)  # touched, same bytes: read again, but the archive sees no change
    await watcher.scan()
    (outcome,) = await watcher.scan()
    assert outcome.result is not None and outcome.result.status is IngestStatus.UNCHANGED
    assert len(landed) == 2


async def test_other_files_and_a_missing_directory_do_no_harm(store: Store, tmp_path: Path) -> None:
    landed: list[IngestResult] = []
    watcher = DirectoryWatcher(store, tmp_path / "later", FakeClock(), landed.append)
    assert await watcher.scan() == []
    (tmp_path / "later").mkdir()
    (tmp_path / "later" / "README.md").write_text("# notes\n", encoding="utf-8")
    await watcher.scan()
    (outcome,) = await watcher.scan()
    assert outcome.error is not None and landed == []


async def test_the_watch_loop_tells_the_scheduler(store: Store, tmp_path: Path) -> None:
    clock, told = FakeClock(), asyncio.Event()
    watcher = DirectoryWatcher(store, tmp_path, clock, lambda _: told.set(), interval=2)
    write_digest(tmp_path, DAY)
    running = asyncio.create_task(watcher.run())
    await asyncio.wait_for(told.wait(), 5)
    watcher.stop()
    await asyncio.wait_for(running, 5)
    assert clock.slept[:1] == [2]  # taken on the second scan, one interval after the first


# --- the polled URL ----------------------------------------------------------------------


@dataclass
class Site:
    """A loopback digest site: what it publishes, and every request it got."""

    files: dict[str, tuple[bytes, str, str]] = field(default_factory=dict)  # body, ETag, L-M
    status: int | None = None  # answer this instead, when set
    retry_after: str | None = None
    requests: list[dict[str, str]] = field(default_factory=list)

    async def handle(self, request: web.Request) -> web.Response:
        self.requests.append({"path": request.path, **request.headers})
        if self.status is not None:
            headers = {"Retry-After": self.retry_after} if self.retry_after else {}
            return web.Response(status=self.status, headers=headers)
        if request.path not in self.files:
            return web.Response(status=404)
        body, etag, modified = self.files[request.path]
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(body=body, headers={"ETag": etag, "Last-Modified": modified})


@pytest.fixture
async def site() -> AsyncIterator[tuple[Site, str]]:
    state = Site()
    app = web.Application()
    app.router.add_get("/{name}", state.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    try:
        yield state, f"http://{host}:{port}"
    finally:
        await runner.cleanup()


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as opened:
        yield opened


def poller(
    store: Store,
    session: aiohttp.ClientSession,
    base: str,
    clock: Clock,
    landed: list[IngestResult] | None = None,
    **settings: float | str,
) -> HttpPoller:
    config = HttpSourceConfig.model_validate(
        {"url": f"{base}/hf-daily-papers-{{date}}.md", "interval_seconds": 300, **settings}
    )
    return HttpPoller(store, session, clock, config, landed.append if landed is not None else None)


PATH = f"/hf-daily-papers-{DAY.isoformat()}.md"
MODIFIED = "Mon, 05 Jan 2026 00:00:00 GMT"


async def test_polls_404_until_the_file_appears(
    store: Store, session: aiohttp.ClientSession, site: tuple[Site, str]
) -> None:
    server, base = site
    landed: list[IngestResult] = []
    source = poller(store, session, base, FakeClock(), landed)
    first = await source.poll_once(DAY)
    assert (first.status, first.found, first.delay) == (404, False, 300)
    server.files[PATH] = (digest_text(DAY).encode(), '"v1"', MODIFIED)
    second = await source.poll_once(DAY)
    assert second.found and second.result is not None
    assert second.result.status is IngestStatus.NEW and [r.date for r in landed] == [DAY]
    assert [r["path"] for r in server.requests] == [PATH, PATH]


async def test_conditional_requests_reuse_the_etag(
    store: Store, session: aiohttp.ClientSession, site: tuple[Site, str]
) -> None:
    server, base = site
    server.files[PATH] = (b"# coming soon\n", '"placeholder"', MODIFIED)
    source = poller(store, session, base, FakeClock())
    early = await source.poll_once(DAY)
    assert early.status == 200 and not early.found and early.error  # not a digest yet
    unchanged = await source.poll_once(DAY)
    assert (unchanged.status, unchanged.found) == (304, False)
    asked = server.requests[-1]
    assert asked["If-None-Match"] == '"placeholder"' and asked["If-Modified-Since"] == MODIFIED
    server.files[PATH] = (digest_text(DAY).encode(), '"v2"', MODIFIED)
    published = await source.poll_once(DAY)
    assert published.found and "If-None-Match" in server.requests[-1]
    assert await store.latest_date() == DAY


async def test_errors_back_off_and_honour_retry_after(
    store: Store, session: aiohttp.ClientSession, site: tuple[Site, str]
) -> None:
    server, base = site
    server.status = 503
    source = poller(store, session, base, FakeClock(), max_backoff_seconds=1000)
    delays = [(await source.poll_once(DAY)).delay for _ in range(3)]
    assert delays == [600, 1000, 1000]  # doubling from the interval, capped
    server.retry_after = "3600"
    assert (await source.poll_once(DAY)).delay == 3600
    server.status = None
    assert (await source.poll_once(DAY)).delay == 300  # 404 again: back to the interval


async def test_a_slow_server_times_out(store: Store, session: aiohttp.ClientSession) -> None:
    release = asyncio.Event()

    async def stall(request: web.Request) -> web.Response:
        await release.wait()
        return web.Response(status=404)

    app = web.Application()
    app.router.add_get("/{name}", stall)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    try:
        source = poller(store, session, f"http://{host}:{port}", FakeClock(), timeout_seconds=0.05)
        outcome = await source.poll_once(DAY)
        assert outcome.status is None and not outcome.found and "Timeout" in (outcome.error or "")
    finally:
        release.set()
        await runner.cleanup()


async def test_steps_follow_the_window_and_the_local_date(
    store: Store, session: aiohttp.ClientSession, site: tuple[Site, str]
) -> None:
    server, base = site
    clock = FakeClock(utc(2026, 1, 4, 21, 0))  # 06:00 KST on 01-05
    source = poller(store, session, base, clock, start="07:00")
    assert await source.step() == 3600 and server.requests == []  # the window opens at 07:00
    clock.time = utc(2026, 1, 4, 22, 0)  # 07:00 KST, still 01-04 in UTC: asks for 01-05
    assert await source.step() == 300 and server.requests[-1]["path"] == PATH
    server.files[PATH] = (digest_text(DAY).encode(), '"v1"', MODIFIED)
    clock.advance(300)
    assert await source.step() == 24 * 3600 - 300  # found: next at tomorrow's 07:00
    assert await source.step() == 24 * 3600 - 300 and len(server.requests) == 2
    clock.time = utc(2026, 1, 6, 5, 0)  # 14:00 KST on 01-06: past that day's window
    assert await source.step() == 17 * 3600 and len(server.requests) == 2


async def test_stop_ends_a_long_sleep_at_once(
    store: Store, tmp_path: Path, site: tuple[Site, str], session: aiohttp.ClientSession
) -> None:
    """SIGTERM must not wait out a poll interval: both loops leave their sleep when stopped."""
    clock = SteppedClock(utc(2026, 1, 4, 12, 0))  # 21:00 KST: the next poll is tomorrow
    watcher = DirectoryWatcher(store, tmp_path, clock, interval=3600)
    polling = poller(store, session, site[1], clock)
    tasks = [asyncio.create_task(watcher.run()), asyncio.create_task(polling.run())]
    await clock.advance_to(clock.now())  # both are asleep now, until far in the future
    watcher.stop()
    polling.stop()
    await asyncio.wait_for(asyncio.gather(*tasks), 5)  # no fake time passed
    assert clock.now() == utc(2026, 1, 4, 12, 0)
