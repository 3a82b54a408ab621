"""Follow DMs on Slack are delivered exactly once, like cards, through a storm of faults.

The scheduler plans each follower's DM into the outbox (``dm:<user>``); the real worker and
Slack poster deliver it through the fake Web API while it drops connections, times out and
errs before and after storing. Slack has no idempotency key, so a DM whose answer was lost is
found again in the DM's history (its metadata) instead of being posted twice.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core.daily.schedule import Scheduler
from bot.core.daily.subscriptions import Subscriptions
from bot.core.delivery.worker import RetryPolicy, Worker
from bot.core.voice.desk import VoiceDesk
from bot.core.voice.members import Member
from bot.slack.config import SlackConfig
from bot.slack.poster import slack_poster
from bot.storage.sqlite.store import Store
from tests.core.digest_files import ingest_digest
from tests.fakes.clock import FakeClock
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_faults import Fault

DAY = dt.date(2026, 1, 5)
FOLLOWERS = [f"U0FOLLOW{n:02d}" for n in range(12)]
REQUEST_TIMEOUT = 0.25  # real seconds, as in test_delivery: a held request is a lost answer
HELD = 3600.0


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with Store.open(tmp_path / "dm.db") as opened:
        yield opened


async def test_follow_dms_arrive_once_each_through_a_storm(
    store: Store, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="bot")
    clock = FakeClock(dt.datetime(2026, 1, 5, 1, tzinfo=dt.UTC).timestamp())
    desk = VoiceDesk(store, clock)
    for user in FOLLOWERS:
        await desk.follow(Member("slack", "T0PAPERBOT", user), "OCR 검증 어댑터")
    await ingest_digest(store, tmp_path, DAY)

    async def nothing(*_: object) -> None:
        return None

    scheduler = Scheduler(store, Subscriptions(store, clock), clock, nothing, follows=("slack",))
    await scheduler.run_due()
    async with FakeSlackAPI(channels=set()) as slack:
        slack.faults.randomly(
            seed=11,
            rate=0.3,
            faults=[Fault.server_error(500), Fault.drop(), Fault.delay(HELD), Fault.ratelimited(1)],
            after_store_rate=0.3,
            after_store_faults=[Fault.drop(), Fault.server_error(500), Fault.delay(HELD)],
        )
        config = SlackConfig(api_base_url=slack.base_url, request_timeout=REQUEST_TIMEOUT)
        async with slack_poster(config, slack.bot_token, rate_limit_retries=0) as poster:
            worker = Worker(
                store, {"slack": poster}, clock, policy=RetryPolicy(max_attempts=50),
                rng=random.Random(3),
            )  # fmt: skip
            report = await worker.run_until_idle()
        fired = Counter(f.after_store for f in slack.faults.fired)
        # answers lost after Slack stored the DM (found again in its history) and sends failed
        assert fired[True] and fired[False], fired
        for user in FOLLOWERS:
            assert len(slack.direct_messages(user)) == 1, user
        assert report.failed == 0 and report.sent + report.reconciled == len(FOLLOWERS)
    assert not any(user in caplog.text for user in FOLLOWERS)
