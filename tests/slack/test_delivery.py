"""The outbox worker delivering to the Slack fake: every card once, in order, whatever fails.

Real parts throughout: the archive, the outbox, the worker, the Slack poster and slack_sdk's
client, against the loopback fake with faults injected. Time is a FakeClock, so Retry-After
and back-off cost nothing.

Timeouts are real: ``[slack] request_timeout`` is :data:`REQUEST_TIMEOUT` here, and a held
request waits until the fake closes. Held after storing, Slack has the card and the bot hears
nothing: the poster must find it in the channel's history. Held before storing, the request
never stores (the fake drops it at close). Slack has no idempotency key, so a request Slack
processed *after* the bot gave up and sent again would double; no client can prevent that, and
the storm does not pretend to.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core.archive.ingest import ingest_file
from bot.core.cards.card import DigestHeaderCard
from bot.core.delivery.outbox import RowState
from bot.core.delivery.poster import PostKey
from bot.core.delivery.worker import RetryPolicy, Worker
from bot.slack.config import SlackConfig
from bot.slack.poster import slack_poster
from bot.storage.sqlite.store import Store
from tests.conftest import EXAMPLES, require_real_digest
from tests.fakes.clock import FakeClock
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_faults import Fault

EXAMPLE = EXAMPLES / "hf-daily-papers-2026-01-05.md"
REQUEST_TIMEOUT = 0.25  # real seconds: 50 times a loopback request on a busy 2-core machine
HELD = 3600.0  # real seconds a held request would wait; the fake's close() ends it first


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with Store.open(tmp_path / "d.db") as opened:
        yield opened


async def plan(worker: Worker, store: Store, path: Path, *channels: str) -> list[str]:
    done = await ingest_file(store, path)
    assert done.digest is not None and done.digest.date is not None
    papers = [p.arxiv_id for p in done.digest.papers]
    for channel in channels:
        await worker.outbox.plan("slack", channel, done.digest.date, papers)
    return papers


def delivered(slack: FakeSlackAPI, channel: str) -> list[str]:
    """The paper (or 'header') of every card message in the channel, in order."""
    return [
        m.metadata["event_payload"]["paper"]
        for m in slack.posted(channel)
        if m.metadata and m.metadata["event_type"] in ("paperbot_card", "paperbot_digest")
    ]


async def test_storm_of_faults_delivers_every_card_once_in_order(store: Store) -> None:
    path = require_real_digest("hf-daily-papers-2025-05-27.md")
    async with FakeSlackAPI(channels={"C1", "C2"}) as slack:
        slack.faults.randomly(
            seed=7,
            rate=0.3,
            faults=[
                Fault.ratelimited(2),
                Fault.server_error(500),
                Fault.server_error(503),
                Fault.drop(),
                Fault.delay(HELD),
            ],
            after_store_rate=0.15,
            after_store_faults=[Fault.drop(), Fault.server_error(500), Fault.delay(HELD)],
        )
        config = SlackConfig(api_base_url=slack.base_url, request_timeout=REQUEST_TIMEOUT)
        async with slack_poster(config, slack.bot_token, rate_limit_retries=0) as poster:
            worker = Worker(
                store, {"slack": poster}, FakeClock(), policy=RetryPolicy(max_attempts=50),
                rng=random.Random(1),
            )  # fmt: skip
            papers = await plan(worker, store, path, "C1", "C2")
            report = await worker.run_until_idle()
        fired = Counter(
            f"{f.method} {f.fault.kind.value}{' after storing' if f.after_store else ''}"
            for f in slack.faults.fired
        )
        print(f"slack storm, seed 7: {dict(sorted(fired.items()))}; worker {report}")
        assert fired["chat.postMessage delay"], f"no timeout before storing: {fired}"
        assert fired["chat.postMessage delay after storing"], f"nor after storing: {fired}"
        for channel in ("C1", "C2"):
            assert delivered(slack, channel) == ["header", *papers]
        assert report.failed == 0 and report.sent + report.reconciled == 2 * (len(papers) + 1)


async def test_a_channel_error_pauses_only_that_channel(store: Store) -> None:
    async with FakeSlackAPI(channels={"C1", "C2"}) as slack:
        slack.fail_channel("C2", "not_in_channel")
        config = SlackConfig(api_base_url=slack.base_url)
        async with slack_poster(config, slack.bot_token, rate_limit_retries=0) as poster:
            worker = Worker(store, {"slack": poster}, FakeClock())
            papers = await plan(worker, store, EXAMPLE, "C1", "C2")
            report = await worker.run_until_idle()
            assert report.paused == ["slack:C2"]
            assert delivered(slack, "C1") == ["header", *papers]
            assert delivered(slack, "C2") == []
            (_, c2) = await worker.outbox.status()
            assert c2.paused and "not_in_channel" in c2.paused and c2.pending == len(papers) + 1
            slack.fail_channel("C2", None)  # someone invited the bot
            (resumed,) = await worker.outbox.requeue("slack", "C2")  # nothing failed, resumed
            assert resumed.requeued == 0 and resumed.resumed and "not_in_channel" in resumed.resumed
            await worker.run_until_idle()
        assert delivered(slack, "C2") == ["header", *papers]


async def test_a_rejected_card_fails_alone(store: Store) -> None:
    async with FakeSlackAPI(channels={"C1"}) as slack:
        slack.faults.inject("chat.postMessage", Fault.api_error("invalid_blocks"))
        config = SlackConfig(api_base_url=slack.base_url)
        async with slack_poster(config, slack.bot_token, rate_limit_retries=0) as poster:
            worker = Worker(store, {"slack": poster}, FakeClock())
            papers = await plan(worker, store, EXAMPLE, "C1")
            report = await worker.run_until_idle()
            (status,) = await worker.outbox.status()
        assert report.failed == 1
        assert delivered(slack, "C1") == papers  # the cards still went, in order
        assert status.failed[0][1] == "header" and "invalid_blocks" in status.failed[0][2]


async def test_an_interrupted_send_is_reconciled_not_repeated(store: Store) -> None:
    clock = FakeClock()
    async with FakeSlackAPI(channels={"C1"}, wall_clock=clock.now) as slack:
        config = SlackConfig(api_base_url=slack.base_url)
        async with slack_poster(config, slack.bot_token, rate_limit_retries=0) as poster:
            worker = Worker(store, {"slack": poster}, clock)
            papers = await plan(worker, store, EXAMPLE, "C1")
            # The process "dies" after Slack stored the header but before we recorded it.
            row = await worker.outbox.head("slack", "C1")
            assert row is not None and await worker.outbox.claim(row)
            header = DigestHeaderCard(dt.date(2026, 1, 5), 3)
            key = PostKey("C1", "2026-01-05", "header")
            first = await poster.post_header("C1", header, key=key)
            restarted = Worker(store, {"slack": poster}, clock)
            report = await restarted.run_until_idle()
            states = await restarted.outbox.states("slack", "C1", dt.date(2026, 1, 5))
        assert report.reconciled == 1 and first.message_id
        assert delivered(slack, "C1") == ["header", *papers]
        assert set(states.values()) == {RowState.SENT}


async def test_a_deadline_leaves_retries_for_later(store: Store) -> None:
    clock = FakeClock()
    async with FakeSlackAPI(channels={"C1"}) as slack:
        slack.faults.inject("chat.postMessage", *[Fault.server_error(503)] * 6)
        config = SlackConfig(api_base_url=slack.base_url)
        async with slack_poster(config, slack.bot_token, rate_limit_retries=0) as poster:
            worker = Worker(store, {"slack": poster}, clock, rng=random.Random(3))
            papers = await plan(worker, store, EXAMPLE, "C1")
            report = await worker.run_until_idle(deadline=clock.now() + 10)
            assert report.waiting == ["slack:C1"] and delivered(slack, "C1") == []
            later = await worker.run_until_idle()  # the next run picks them up
        assert later.sent == len(papers) + 1
        assert delivered(slack, "C1") == ["header", *papers]


async def test_a_failing_history_check_defers_reconciliation_without_crashing(
    store: Store,
) -> None:
    clock = FakeClock()
    async with FakeSlackAPI(channels={"C1", "C2"}, wall_clock=clock.now) as slack:
        config = SlackConfig(api_base_url=slack.base_url)
        async with slack_poster(config, slack.bot_token, rate_limit_retries=0) as poster:
            worker = Worker(store, {"slack": poster}, clock, rng=random.Random(5))
            papers = await plan(worker, store, EXAMPLE, "C1", "C2")
            row = await worker.outbox.head("slack", "C1")
            assert row is not None and await worker.outbox.claim(row)
            header = DigestHeaderCard(dt.date(2026, 1, 5), 3)
            await poster.post_header("C1", header, key=PostKey("C1", "2026-01-05", "header"))
            slack.faults.inject(
                "conversations.history", Fault.server_error(500), Fault.ratelimited(3)
            )
            report = await Worker(store, {"slack": poster}, clock).run_until_idle()
        assert report.reconciled == 1 and report.retried >= 2
        assert delivered(slack, "C1") == ["header", *papers]  # checked again, never resent
        assert delivered(slack, "C2") == ["header", *papers]  # the other channel was not held up
