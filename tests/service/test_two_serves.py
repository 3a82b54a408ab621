"""Two ``paperbot serve`` processes on one database (issue #17): one delivers, both answer.

The first serve is a real child process, so that its death is a real SIGKILL: nothing of it
runs after, no lease is let go. The second runs in the test's process, each against its own
loopback Slack fake, so every card shows which process sent it. Messages are planned by
``paperbot post --no-wait``, as an operator beside the service would. Both run on real time
with a 3-second lease: a standby tries every second.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.app import serve
from bot.config import Config, DeliveryConfig, PacingConfig, Secrets
from bot.core.enrichment.config import EnrichmentConfig
from bot.slack.config import SlackConfig
from bot.storage import open_delivery_store
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_requests import signed_headers, slash_command_body
from tests.service.test_post_beside_serve import (
    EXAMPLE,
    PAPERS,
    clean_env,
    delivered,
    paperbot,
    wait_for,
)
from tests.service.test_serve import ROOT, SECRET, free_port

LEASE = 3.0
FIRST, SECOND = "C0FIRST0000", "C0SECOND000"
#: Four messages fit in the bursts: no pacing wait.
UNPACED = PacingConfig(per_channel_per_second=1.0, channel_burst=10, overall_burst=10)


def child_env() -> dict[str, str]:
    """No chat tokens or config; this checkout's ``bot`` whatever the working directory."""
    return clean_env() | {"PYTHONPATH": str(ROOT)}


@pytest.fixture(params=["sqlite", "postgres"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An SQLite file, or a throw-away PostgreSQL database once it holds every table."""
    if request.param == "sqlite":
        return str(tmp_path / "paperbot.db")
    from bot.storage.postgres.store import PostgresStore

    if not hasattr(PostgresStore, "reactions"):
        pytest.skip("PostgreSQL has no archive and voice tables on this branch yet")
    url: str = request.getfixturevalue("postgres_url")
    return url


async def slack_holder(database: str) -> str | None:
    """Who holds the Slack delivery lease now (real time, as both serves use)."""
    async with open_delivery_store(database) as store:
        for held in await store.leases.live(now=time.time()):
            if held.name == "delivery:slack":
                return held.owner
    return None


async def first_serve(tmp_path: Path, database: str, slack: FakeSlackAPI) -> AsyncIterator[int]:
    """``paperbot serve`` as a child process; yields its pid; SIGKILLed at the end if alive."""
    config = tmp_path / "first.toml"
    config.write_text(
        f'[slack]\nmode = "http"\nport = {free_port()}\napi_base_url = "{slack.base_url}"\n'
        f"[delivery]\nlease_seconds = {LEASE}\n"
        "[delivery.slack]\nper_channel_per_second = 1.0\nchannel_burst = 10\n"
        "overall_burst = 10\n[enrichment]\nenabled = false\n",
        encoding="utf-8",
    )
    env = child_env() | {"SLACK_BOT_TOKEN": slack.bot_token, "SLACK_SIGNING_SECRET": SECRET}
    process = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "bot", "serve", "--db", database, "--config", str(config)),
        cwd=tmp_path,
        env=env,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        yield process.pid
    finally:
        if process.returncode is None:
            process.kill()
        await process.wait()


async def ask_paper(port: int, slack: FakeSlackAPI) -> str:
    """``/paper 2601.01234`` to the serve listening on ``port``; the text it answers."""
    body = slash_command_body("/paper", "2601.01234", response_url=slack.response_url())
    async with aiohttp.ClientSession() as session:
        for _ in range(1500):  # the HTTP listener comes up during start-up
            try:
                async with session.post(
                    f"http://127.0.0.1:{port}/slack/events",
                    data=body,
                    headers=signed_headers(body, SECRET),
                ) as response:
                    assert response.status == 200
                    break
            except aiohttp.ClientConnectorError:
                await asyncio.sleep(0.02)
    await slack.wait_until(lambda: bool(slack.responses()))
    return str(slack.responses()[0].args["text"])


async def test_one_serve_delivers_the_other_answers_and_takes_over_when_it_is_killed(
    tmp_path: Path, database: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot")
    channels = {FIRST, SECOND}
    async with (
        FakeSlackAPI(channels=channels, wait_timeout=30) as first_slack,
        FakeSlackAPI(channels=channels, wait_timeout=30) as second_slack,
    ):
        killer = first_serve(tmp_path, database, first_slack)
        first_pid = await anext(killer)
        holder: list[str | None] = [None]

        async def first_holds() -> bool:
            holder[0] = await slack_holder(database)
            return holder[0] is not None

        for _ in range(1500):  # the child's start-up: imports, migrations (≤ 30 s)
            if await first_holds():
                break
            await asyncio.sleep(0.02)
        assert holder[0] is not None and f":{first_pid}:" in holder[0]

        port = free_port()
        config = Config(
            slack=SlackConfig(mode="http", port=port, api_base_url=second_slack.base_url),
            delivery=DeliveryConfig(lease_seconds=LEASE, slack=UNPACED),
            enrichment=EnrichmentConfig(enabled=False),
        )
        secrets = Secrets(slack_bot_token=second_slack.bot_token, slack_signing_secret=SECRET)
        stop = asyncio.Event()
        second = asyncio.create_task(serve(config, secrets, database, stop=stop))
        try:
            await wait_for("the second's standby", lambda: "standby:" in caplog.text)
            assert f"standby: paperbot serve (pid {first_pid}) delivers" in caplog.text
            code, _, err = await paperbot(
                tmp_path, "post", str(EXAMPLE), "--to", f"slack:{FIRST}", "--no-wait",
                "--db", database, env=child_env(),
            )  # fmt: skip
            assert code == 0, err
            await first_slack.wait_until(lambda: len(delivered(first_slack, FIRST)) == 4)
            assert delivered(first_slack, FIRST) == PAPERS
            assert second_slack.posted(FIRST) == []  # the standby delivers nothing
            # ... and answers commands, as every serve does (post archived the digest).
            assert "작은 언어 모델을 위한 자기 검증 추론" in await ask_paper(port, second_slack)

            os.kill(first_pid, signal.SIGKILL)  # no clean-up: its lease stays behind
            with pytest.raises(StopAsyncIteration):
                await anext(killer)
            code, _, err = await paperbot(
                tmp_path, "post", str(EXAMPLE), "--to", f"slack:{SECOND}", "--no-wait",
                "--db", database, env=child_env(),
            )  # fmt: skip
            assert code == 0, err
            await second_slack.wait_until(lambda: len(delivered(second_slack, SECOND)) == 4)
            assert delivered(second_slack, SECOND) == PAPERS  # once each, in order
            assert first_slack.posted(SECOND) == [] and second_slack.posted(FIRST) == []
            assert delivered(first_slack, FIRST) == PAPERS  # nothing sent twice
            owner = await slack_holder(database)
            assert owner is not None and f":{os.getpid()}:" in owner
            assert "delivering: this process holds the delivery lease" in caplog.text
        finally:
            stop.set()
            await asyncio.wait_for(second, 30)
    assert await slack_holder(database) is None  # a clean stop lets go at once
