"""Why a message waits, as ``paperbot post`` shows it: read back from what the worker recorded.

The real worker and Slack poster against the loopback fake with a 429 and a server error
injected; a deadline leaves the row waiting, and the outbox tells why.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core.archive.ingest import ingest_file
from bot.core.delivery.progress import read_progress
from bot.core.delivery.worker import Worker
from bot.slack.config import SlackConfig
from bot.slack.poster import slack_poster
from bot.storage.sqlite.store import Store
from tests.conftest import EXAMPLES
from tests.fakes.clock import FakeClock
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_faults import Fault

EXAMPLE = EXAMPLES / "hf-daily-papers-2026-01-05.md"
DAY = dt.date(2026, 1, 5)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with Store.open(tmp_path / "p.db") as opened:
        done = await ingest_file(opened, EXAMPLE)
        assert done.digest is not None
        yield opened


async def test_progress_says_a_message_waits_for_retry_after(store: Store) -> None:
    clock = FakeClock()
    async with FakeSlackAPI(channels={"C1"}) as slack:
        slack.faults.inject("chat.postMessage", Fault.ratelimited(retry_after=30))
        config = SlackConfig(api_base_url=slack.base_url)
        async with slack_poster(config, slack.bot_token, rate_limit_retries=0) as poster:
            worker = Worker(store, {"slack": poster}, clock)
            await worker.outbox.plan("slack", "C1", DAY, ["2601.01234", "2601.02345"])
            report = await worker.run_until_idle(deadline=clock.now() + 5)
    assert report.waiting == ["slack:C1"]
    progress = await read_progress(store, clock, "slack", "C1", DAY)
    assert (progress.total, progress.sent, progress.pending) == (3, 0, 3)
    assert progress.why() == "rate limited by the platform: waiting 30 s (Retry-After)"


async def test_progress_says_a_message_waits_to_retry_after_an_error(store: Store) -> None:
    clock = FakeClock()
    async with FakeSlackAPI(channels={"C1"}) as slack:
        slack.faults.inject("chat.postMessage", Fault.server_error(503))
        config = SlackConfig(api_base_url=slack.base_url)
        async with slack_poster(config, slack.bot_token, rate_limit_retries=0) as poster:
            worker = Worker(store, {"slack": poster}, clock)
            await worker.outbox.plan("slack", "C1", DAY, ["2601.01234"])
            await worker.run_until_idle(deadline=clock.now())  # no retry is waited for
    progress = await read_progress(store, clock, "slack", "C1", DAY)
    why = progress.why()
    assert why is not None and why.startswith("retry 2 in ") and "after an error: " in why
    assert why.endswith("to C1: service_unavailable")
