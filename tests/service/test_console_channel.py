"""One console channel: ``post`` and ``serve`` share it, before and after an upgrade.

Up to schema 4, ``post`` printed to ``console:console`` and the shipped config subscribed
``console:terminal``: the same terminal under two names, so each showed what the other had.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from bot.app import parse_target, serve
from bot.cli import app
from bot.config import Config, Secrets, SubscriptionConfig
from bot.core.archive.ingest import ingest_file
from bot.core.clock import SystemClock
from bot.core.daily.config import ScheduleConfig, SourcesConfig
from bot.core.daily.subscriptions import Subscriptions
from bot.core.delivery.outbox import Outbox
from bot.core.delivery.poster import CONSOLE_CHANNEL
from bot.storage.sqlite.schema import MIGRATIONS
from bot.storage.sqlite.store import Store
from tests.conftest import EXAMPLES

EXAMPLE = EXAMPLES / "hf-daily-papers-2026-01-05.md"
DAY = dt.date(2026, 1, 5)
PAPERS = ["2601.01234", "2601.02345", "2601.03456"]
TITLE = "작은 언어 모델을 위한 자기 검증 추론"  # the first card's title


def _config(folder: Path, channel: str = "terminal") -> Config:
    """The shipped config's daily run; ``terminal`` is what config.example.toml said."""
    return Config(
        subscriptions=(SubscriptionConfig(platform="console", channel=channel),),
        schedule=ScheduleConfig(post_at_start=True),
        sources=SourcesConfig(watch=(str(folder),)),
    )


def _watched(tmp_path: Path) -> Path:
    folder = tmp_path / "digests"
    folder.mkdir()
    (folder / EXAMPLE.name).write_bytes(EXAMPLE.read_bytes())
    return folder


async def _post(db: Path) -> Result:
    """``paperbot post EXAMPLE`` to the console (in a thread: it runs its own event loop)."""
    return await asyncio.to_thread(CliRunner().invoke, app, ["post", str(EXAMPLE), "--db", str(db)])


async def _serve_until_idle(config: Config, db: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Run serve until its start-up planning is done and nothing is left to send."""
    caplog.set_level(logging.INFO, logger="bot")
    stop = asyncio.Event()
    service = asyncio.create_task(serve(config, Secrets(), str(db), stop=stop))
    async with Store.open(db) as store:
        outbox = Outbox(store, SystemClock())
        for _ in range(1500):  # ≤ 30 s on a busy machine
            await asyncio.sleep(0.02)
            if service.done():
                break
            if "delivery: started" not in caplog.text:  # planned at start before this line
                continue
            if all(s.pending == s.sending == 0 for s in await outbox.status()):
                break
    stop.set()
    await asyncio.wait_for(service, 30)


async def test_post_then_serve_shows_the_digest_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    db = tmp_path / "a.db"
    posted = await _post(db)
    assert posted.exit_code == 0 and TITLE in posted.output
    await _serve_until_idle(_config(_watched(tmp_path)), db, caplog)
    assert TITLE not in capsys.readouterr().out
    async with Store.open(db) as store:
        (channel,) = await Outbox(store, SystemClock()).status()
    assert (channel.platform, channel.channel) == ("console", CONSOLE_CHANNEL)
    assert parse_target("console").channel == CONSOLE_CHANNEL


async def test_an_old_database_is_not_shown_again_after_the_upgrade(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    """Schema 4: serve showed the digest as ``terminal``, a killed ``post`` half as ``console``."""
    db = tmp_path / "old.db"
    clock = SystemClock()
    async with Store.open(db, migrations=MIGRATIONS[:4]) as store:
        assert (await ingest_file(store, EXAMPLE)).result is not None
    # the rows as schema 4's code wrote them (today's code writes today's columns)
    now = clock.now()
    with contextlib.closing(sqlite3.connect(db)) as conn, conn:
        conn.execute(
            "INSERT INTO subscriptions (platform, channel, time, source, created_at, updated_at)"
            " VALUES ('console', 'terminal', '08:00', 'config', ?, ?)",
            (now, now),
        )
        shown = [("terminal", p, n, "sent") for n, p in enumerate(["header", *PAPERS])]
        half = [("console", "header", 0, "sent"), ("console", PAPERS[0], 1, "sending")]
        half += [("console", p, n, "pending") for n, p in enumerate(PAPERS[1:], start=2)]
        conn.executemany(
            "INSERT INTO outbox (platform, channel, digest_date, paper, position, state,"
            " attempts, message_id, planned_at) VALUES ('console', ?, ?, ?, ?, ?, 1, ?, ?)",
            [
                (channel, DAY.isoformat(), paper, n, state, "shown" if state == "sent" else None,
                 now)
                for channel, paper, n, state in shown + half
            ],
        )  # fmt: skip

    await _serve_until_idle(_config(_watched(tmp_path)), db, caplog)
    assert TITLE not in capsys.readouterr().out  # nothing shown twice
    async with Store.open(db) as store:
        (channel,) = await Outbox(store, clock).status()
        assert (channel.channel, channel.last_delivered, channel.pending) == (
            "console",
            "2026-01-05",
            0,
        )
        subscriptions = await Subscriptions(store, clock).list()
        assert [(s.platform, s.channel) for s in subscriptions] == [("console", "console")]
    again = await _post(db)
    assert again.exit_code == 0 and "delivered before; nothing to send" in again.output
