"""``paperbot post`` while ``paperbot serve`` runs on the same database (issue 12, item 1).

A real ``serve`` runs in this process against the loopback Slack fake, and a real ``paperbot
post`` runs as a child process on the same database, without any Slack token: it plans its
messages in the shared outbox and serve, the holder of the Slack delivery lease, sends them.

Serve's clock is a :class:`SteppedClock` that the test never moves, an hour ahead of the wall
clock so that its lease stays live for the child, which reads real time. Its delivery tick
(``DELIVERY_TICK``) therefore never comes: when the cards arrive, serve was woken by the rows
another process committed, which is the behaviour under test, and no wall time is measured.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sqlite3
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

from bot.app import serve
from bot.config import (
    Config,
    DeliveryConfig,
    PacingConfig,
    Secrets,
    SubscriptionConfig,
)
from bot.core.clock import SystemClock
from bot.core.daily.config import ScheduleConfig, SourcesConfig
from bot.core.delivery.lease import Lease, delivery_lease
from bot.core.delivery.outbox import RATE_LIMITED, Outbox
from bot.core.delivery.poster import Posted
from bot.slack.config import SlackConfig
from bot.storage.sqlite.store import Store
from tests.conftest import EXAMPLES
from tests.fakes.clock import SteppedClock
from tests.fakes.slack_api import FakeSlackAPI
from tests.service.test_serve import SECRET, free_port

EXAMPLE = EXAMPLES / "hf-daily-papers-2026-01-05.md"
PAPERS = ["header", "2601.01234", "2601.02345", "2601.03456"]
#: No pacing waits on a clock that never moves: four messages fit in the bursts.
UNPACED = DeliveryConfig(
    slack=PacingConfig(per_channel_per_second=1.0, channel_burst=10, overall_burst=10)
)


def clean_env() -> dict[str, str]:
    """The environment without chat tokens or a config file: the child has no Slack token."""
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "DISCORD_")) and k != "PAPERBOT_CONFIG"
    }


def lease_holder(db: Path, name: str) -> str | None:
    """Who holds lease ``name`` in ``db`` (plain sqlite3: the test only looks)."""
    if not db.exists():
        return None
    with contextlib.closing(sqlite3.connect(db)) as conn:
        try:
            rows = conn.execute("SELECT owner FROM leases WHERE name = ?", (name,)).fetchall()
        except sqlite3.OperationalError:  # the schema is not there yet
            return None
    return str(rows[0][0]) if rows else None


async def wait_for(what: str, check: object) -> None:
    """Poll ``check()`` until true (≤ 30 real seconds on a busy machine)."""
    assert callable(check)
    for _ in range(1500):
        if check():
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"{what} never happened")


@contextlib.asynccontextmanager
async def running_serve(config: Config, secrets: Secrets, db: Path) -> AsyncIterator[None]:
    """Serve on a clock that stands still, until the block ends."""
    stop = asyncio.Event()
    clock = SteppedClock(time.time() + 3600)
    service = asyncio.create_task(serve(config, secrets, str(db), stop=stop, clock=clock))
    platforms = ("slack",) if secrets.slack_bot_token else ("console",)
    for platform in platforms:
        await wait_for(
            f"serve's {platform} lease",
            lambda p=platform: service.done() or lease_holder(db, f"delivery:{p}") is not None,
        )
    if service.done():
        service.result()  # serve failed to start: show why
    try:
        yield
    finally:
        stop.set()
        await asyncio.wait_for(service, 30)


async def paperbot(
    tmp_path: Path, *args: str, env: dict[str, str] | None = None
) -> tuple[int, str, str]:
    """Run ``python -m bot ARGS`` in ``tmp_path`` (no config.toml there) to the end."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=tmp_path,
        env=clean_env() if env is None else env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 90)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


def delivered(slack: FakeSlackAPI, channel: str) -> list[str]:
    """The paper (or 'header') of every card in the channel, in order."""
    return [m.metadata["event_payload"]["paper"] for m in slack.posted(channel) if m.metadata]


async def test_post_beside_serve_is_sent_by_serve_and_no_wait_returns_after_planning(
    tmp_path: Path,
) -> None:
    db = tmp_path / "paperbot.db"
    async with FakeSlackAPI(channels={"C0POST0000", "C0LATER0000"}, wait_timeout=30) as slack:
        config = Config(
            slack=SlackConfig(mode="http", port=free_port(), api_base_url=slack.base_url),
            delivery=UNPACED,
        )
        secrets = Secrets(slack_bot_token=slack.bot_token, slack_signing_secret=SECRET)
        async with running_serve(config, secrets, db):
            code, _, err = await paperbot(
                tmp_path, "post", str(EXAMPLE), "--to", "slack:C0POST0000", "--db", str(db)
            )
            assert code == 0, err
            assert (
                f"slack:C0POST0000: 4 of 4 messages sent by paperbot serve (pid {os.getpid()})"
                in err
            )
            assert "Traceback" not in err and "another paperbot process" not in err
            assert delivered(slack, "C0POST0000") == PAPERS  # once each, in order

            code, out, err = await paperbot(
                tmp_path, "post", str(EXAMPLE), "--to", "slack:C0LATER0000", "--no-wait",
                "--format", "json", "--db", str(db),
            )  # fmt: skip
            assert code == 0, err
            (channel,) = json.loads(out)["channels"]
            assert channel["channel"] == "slack:C0LATER0000" and channel["planned"] == 4
            assert channel["delivered_by"] == f"paperbot serve (pid {os.getpid()})"
            await slack.wait_until(lambda: len(delivered(slack, "C0LATER0000")) == 4)
            assert delivered(slack, "C0LATER0000") == PAPERS
        assert delivered(slack, "C0POST0000") == PAPERS  # nothing twice


async def test_post_to_a_platform_serve_does_not_deliver_says_so(tmp_path: Path) -> None:
    db = tmp_path / "paperbot.db"
    config = Config(
        subscriptions=(SubscriptionConfig(platform="console", channel="console"),),
        schedule=ScheduleConfig(post_at_start=False),
        sources=SourcesConfig(watch=()),
    )
    async with running_serve(config, Secrets(), db):
        code, _, err = await paperbot(
            tmp_path, "post", str(EXAMPLE), "--to", "slack:C0NOTOKEN0000", "--db", str(db)
        )
    assert code == 2, err
    assert "SLACK_BOT_TOKEN is not set" in err
    assert (
        f"paperbot serve (pid {os.getpid()}) runs on this database but posts only to console" in err
    )
    assert "Traceback" not in err
    with contextlib.closing(sqlite3.connect(db)) as conn:
        planned = conn.execute("SELECT count(*) FROM outbox WHERE platform = 'slack'").fetchone()
    assert planned == (0,)  # nothing planned that nobody could send


def planned(db: Path, channel: str) -> int:
    """How many messages are planned for ``channel`` (plain sqlite3: the test only looks)."""
    if not db.exists():
        return 0
    with contextlib.closing(sqlite3.connect(db)) as conn:
        try:
            (count,) = conn.execute(
                "SELECT count(*) FROM outbox WHERE channel = ?", (channel,)
            ).fetchone()
        except sqlite3.OperationalError:  # the schema is not there yet
            return 0
    return int(count)


async def start_post(tmp_path: Path, *args: str, env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "post", str(EXAMPLE), *args,
        cwd=tmp_path, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def test_post_sends_the_rest_itself_when_the_deliverer_lets_go(tmp_path: Path) -> None:
    db = tmp_path / "paperbot.db"
    config = tmp_path / "c.toml"
    async with (
        FakeSlackAPI(channels={"C0TAKE0000"}, wait_timeout=30) as slack,
        Store.open(db) as store,
    ):
        config.write_text(f'[slack]\napi_base_url = "{slack.base_url}"\n', encoding="utf-8")
        deliverer = Lease(store, SystemClock(), delivery_lease("slack"), role="serve")
        assert await deliverer.acquire()
        env = clean_env() | {"SLACK_BOT_TOKEN": slack.bot_token}
        post = await start_post(
            tmp_path, "--to", "slack:C0TAKE0000", "--db", str(db), "--config", str(config), env=env
        )
        await wait_for("post's plan", lambda: planned(db, "C0TAKE0000") == 4)
        assert slack.posted("C0TAKE0000") == []  # planned, and left to the holder of the lease
        await deliverer.release()  # serve stopped
        _, err = await asyncio.wait_for(post.communicate(), 90)
    said = err.decode()
    assert post.returncode == 0, said
    assert "slack:C0TAKE0000: 4 sent, 0 found already posted, 0 planned before, 0 failed" in said
    assert delivered(slack, "C0TAKE0000") == PAPERS


async def test_post_beside_a_deliverer_says_why_a_message_waits(tmp_path: Path) -> None:
    db = tmp_path / "paperbot.db"
    async with Store.open(db) as store:
        clock = SystemClock()
        deliverer = Lease(store, clock, delivery_lease("slack"), role="serve")
        assert await deliverer.acquire()
        post = await start_post(
            tmp_path, "--to", "slack:C0WAIT0000", "--db", str(db), env=clean_env()
        )
        assert post.stderr is not None
        await wait_for("post's plan", lambda: planned(db, "C0WAIT0000") == 4)
        outbox = Outbox(store, clock)
        head = await outbox.head("slack", "C0WAIT0000")
        assert head is not None and await outbox.claim(head)
        reason = f"{RATE_LIMITED}: posting header to C0WAIT0000: ratelimited"
        await outbox.retry_later(head, reason, 30, counts=False)  # as the worker records a 429
        seen = ""
        while "rate limited by the platform: waiting" not in seen:
            line = await asyncio.wait_for(post.stderr.readline(), 30)
            assert line, seen
            seen += line.decode()
        assert "slack:C0WAIT0000: 0 of 4 sent by paperbot serve" in seen
        await deliverer.renew()
        while (row := await outbox.head("slack", "C0WAIT0000")) is not None:  # the deliverer sends
            async with store.transaction() as conn:
                await conn.execute("UPDATE outbox SET not_before = 0 WHERE id = ?", (row.id,))
            row = await outbox.head("slack", "C0WAIT0000")
            assert row is not None and await outbox.claim(row)
            await outbox.mark_sent(row, Posted(message_id=f"ts-{row.id}"))
        _, rest = await asyncio.wait_for(post.communicate(), 30)
    assert post.returncode == 0, seen + rest.decode()
    assert f"4 of 4 messages sent by paperbot serve (pid {os.getpid()})" in rest.decode()
