"""``paperbot post FILE --to slack:CHANNEL``: a day's header and cards, once, in order, inert.

The poster runs against the fake Web API through the real slack_sdk client, so retries,
metadata and every argument sent are what Slack would receive.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from types import SimpleNamespace

import pytest
from slack_sdk.http_retry import builtin_async_handlers

from bot.core.archive.ingest import ingest_file
from bot.core.cards.card import Card, DigestHeaderCard, card_from_paper
from bot.core.delivery.poster import (
    ChannelUnavailable,
    MessageRejected,
    Posted,
    Poster,
    PostKey,
    RateLimited,
    TransientError,
)
from bot.core.delivery.reconcile import find_posted
from bot.core.delivery.worker import Worker
from bot.slack.client import SlackSetupError
from bot.slack.config import SlackConfig
from bot.slack.marker import CARD_EVENT, HEADER_EVENT
from bot.slack.poster import SlackPoster, slack_poster
from bot.storage.sqlite.store import Store
from digest_parser import parse_digest_file
from tests.fakes.clock import FakeClock
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_faults import Fault
from tests.slack.conftest import CHANNEL, EXAMPLE, write_pinging_digest
from tests.slack.limits_check import assert_blocks_ok, pings, strings


def day_of(path: Path) -> tuple[DigestHeaderCard, list[Card]]:
    digest = parse_digest_file(path)
    total = len(digest.papers)
    cards = [
        card_from_paper(p, date=digest.date, position=n, total=total)
        for n, p in enumerate(digest.papers, 1)
    ]
    return DigestHeaderCard(digest.date, total), cards


async def post_day(poster: Poster, channel: str, path: Path) -> list[Posted]:
    """What the CLI does: the header, then each card (in the header's thread if it has one)."""
    header, cards = day_of(path)
    day = str(header.date)
    top = await poster.post_header(channel, header, key=PostKey(channel, day, "header"))
    posted = [top]
    for card in cards:
        key = PostKey(channel, day, card.arxiv_id)
        posted.append(await poster.post_card(channel, card, key=key, thread=top.thread_id))
    return posted


def config_for(slack: FakeSlackAPI) -> SlackConfig:
    return SlackConfig(api_base_url=slack.base_url)


@pytest.fixture
def no_jitter(monkeypatch: pytest.MonkeyPatch) -> None:
    """slack_sdk sleeps ``Retry-After`` plus ``random.random()``: make that random zero."""
    monkeypatch.setattr(builtin_async_handlers, "random", SimpleNamespace(random=lambda: 0.0))


async def test_a_day_is_posted_once_in_order_with_metadata(slack: FakeSlackAPI) -> None:
    async with slack_poster(config_for(slack), slack.bot_token) as poster:
        assert isinstance(poster, SlackPoster) and poster.platform == "slack"
        posted = await post_day(poster, CHANNEL, EXAMPLE)
    messages = slack.posted(CHANNEL)
    assert [m.ts for m in messages] == [p.message_id for p in posted]
    assert all(p.thread_id is None for p in posted) and all(m.thread_ts is None for m in messages)
    header, cards = day_of(EXAMPLE)
    assert messages[0].blocks is not None and messages[0].blocks[0]["text"]["text"] == header.title
    keys = [PostKey(CHANNEL, "2026-01-05", p) for p in ["header", *(c.arxiv_id for c in cards)]]
    for message, key in zip(messages, keys, strict=True):
        assert message.metadata == {
            "event_type": HEADER_EVENT if key.paper == "header" else CARD_EVENT,
            "event_payload": {"digest_date": "2026-01-05", "paper": key.paper, "key": key.token},
        }
        assert message.blocks is not None
        assert_blocks_ok(message.blocks, key.paper)
        assert message.args["unfurl_links"] is False
        assert "link_names" not in message.args and "parse" not in message.args
    assert len(slack.calls("chat.postMessage")) == 4


async def test_threads_put_the_cards_under_the_header(slack: FakeSlackAPI) -> None:
    async with slack_poster(config_for(slack), slack.bot_token, threads=True) as poster:
        top, *cards = await post_day(poster, CHANNEL, EXAMPLE)
    assert top.thread_id == top.message_id
    assert [m.thread_ts for m in slack.posted(CHANNEL)[1:]] == [top.message_id] * 3
    assert all(c.thread_id == top.message_id for c in cards)
    assert slack.posted(CHANNEL)[0].replies == [c.message_id for c in cards]


async def test_a_429_is_retried_after_retry_after_and_stored_once(
    slack: FakeSlackAPI, no_jitter: None
) -> None:
    slack.faults.inject("chat.postMessage", Fault.ratelimited(retry_after=0))
    async with slack_poster(config_for(slack), slack.bot_token) as poster:
        posted = await post_day(poster, CHANNEL, EXAMPLE)
    first, second, *_ = slack.calls("chat.postMessage")
    assert (first.status, first.error, first.ts) == (429, "ratelimited", None)
    assert second.ok and second.args == first.args
    assert [m.ts for m in slack.posted(CHANNEL)] == [p.message_id for p in posted]
    assert slack.stats.ratelimited == 1


async def test_429s_beyond_the_retries_are_rate_limited(
    slack: FakeSlackAPI, no_jitter: None
) -> None:
    header, _ = day_of(EXAMPLE)
    key = PostKey(CHANNEL, "d", "header")
    for _ in range(3):
        slack.faults.inject("chat.postMessage", Fault.ratelimited(retry_after=0))
    async with slack_poster(config_for(slack), slack.bot_token, rate_limit_retries=2) as poster:
        with pytest.raises(RateLimited, match="ratelimited"):
            await poster.post_header(CHANNEL, header, key=key)
    assert slack.posted(CHANNEL) == [] and len(slack.calls("chat.postMessage")) == 3

    # With no retries left, the worker gets Slack's Retry-After to wait for itself.
    slack.faults.inject("chat.postMessage", Fault.ratelimited(retry_after=7))
    async with slack_poster(config_for(slack), slack.bot_token, rate_limit_retries=0) as poster:
        with pytest.raises(RateLimited) as raised:
            await poster.post_header(CHANNEL, header, key=key)
    assert raised.value.retry_after == 7.0 and slack.posted(CHANNEL) == []


async def test_a_lost_answer_is_found_in_history_not_posted_twice(slack: FakeSlackAPI) -> None:
    """Slack stored the card but the connection dropped: the poster finds it instead."""
    slack.faults.inject("chat.postMessage", Fault.drop(), after_store=True)
    header, _ = day_of(EXAMPLE)
    async with slack_poster(config_for(slack), slack.bot_token) as poster:
        posted = await poster.post_header(CHANNEL, header, key=PostKey(CHANNEL, "d", "header"))
    (stored,) = slack.posted(CHANNEL)
    assert posted.message_id == stored.ts
    assert len(slack.calls("chat.postMessage")) == 1  # never resent
    assert len(slack.calls("conversations.history")) == 1


async def test_a_lost_answer_in_a_thread_is_found_in_the_thread(slack: FakeSlackAPI) -> None:
    header, cards = day_of(EXAMPLE)
    async with slack_poster(config_for(slack), slack.bot_token, threads=True) as poster:
        top = await poster.post_header(CHANNEL, header, key=PostKey(CHANNEL, "d", "header"))
        slack.faults.inject("chat.postMessage", Fault.drop(), after_store=True)
        key = PostKey(CHANNEL, "d", cards[0].arxiv_id)
        posted = await poster.post_card(CHANNEL, cards[0], key=key, thread=top.thread_id)
    assert posted == Posted(slack.posted(CHANNEL)[1].ts, top.message_id)
    assert len(slack.calls("chat.postMessage")) == 2 and slack.calls("conversations.replies")


async def test_a_failure_before_storing_is_transient(slack: FakeSlackAPI) -> None:
    header, _ = day_of(EXAMPLE)
    key = PostKey(CHANNEL, "d", "header")
    async with slack_poster(config_for(slack), slack.bot_token) as poster:
        for fault in (Fault.drop(), Fault.server_error(503), Fault.api_error("fatal_error")):
            slack.faults.inject("chat.postMessage", fault)
            with pytest.raises(TransientError):
                await poster.post_header(CHANNEL, header, key=key)
    assert slack.posted(CHANNEL) == []


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        ("not a member", ChannelUnavailable),
        ("archived", ChannelUnavailable),
        ("unknown channel", ChannelUnavailable),
        ("revoked token", ChannelUnavailable),
        ("invalid_blocks", MessageRejected),
    ],
)
async def test_refusals_map_to_the_delivery_error_tree(
    slack: FakeSlackAPI, setup: str, expected: type[Exception]
) -> None:
    channel, token = CHANNEL, slack.bot_token
    if setup == "not a member":
        channel = "C0PRIVATE"
    elif setup == "archived":
        slack.add_channel("C0OLD", archived=True)
        channel = "C0OLD"
    elif setup == "unknown channel":
        channel = "C0NOWHERE"
    elif setup == "revoked token":
        token = "xoxb-revoked"
    else:
        slack.faults.inject("chat.postMessage", Fault.api_error(setup))
    header, _ = day_of(EXAMPLE)
    async with slack_poster(config_for(slack), token) as poster:
        with pytest.raises(expected):
            await poster.post_header(channel, header, key=PostKey(channel, "d", "header"))
    assert not any(c.ok for c in slack.calls("chat.postMessage"))


async def test_find_posted_recognises_every_message_of_a_day(slack: FakeSlackAPI) -> None:
    async with slack_poster(config_for(slack), slack.bot_token, threads=True) as poster:
        posted = await post_day(poster, CHANNEL, EXAMPLE)
        _, cards = day_of(EXAMPLE)
        keys = [PostKey(CHANNEL, "2026-01-05", p) for p in ["header", *(c.arxiv_id for c in cards)]]
        found = [await find_posted(poster, CHANNEL, key, since=0.0) for key in keys]
        assert found == posted
        assert await find_posted(poster, CHANNEL, PostKey(CHANNEL, "2026-01-05", "x"), 0.0) is None
        later = float(slack.posted(CHANNEL)[-1].ts) + 1
        assert await find_posted(poster, CHANNEL, keys[0], since=later) is None


async def test_the_outbox_worker_delivers_a_day_through_the_poster(
    slack: FakeSlackAPI, tmp_path: Path
) -> None:
    async with Store.open(tmp_path / "archive.db") as store:
        assert (await ingest_file(store, EXAMPLE)).error is None
        async with slack_poster(config_for(slack), slack.bot_token, threads=True) as poster:
            worker = Worker(store, {"slack": poster}, FakeClock())
            day = dt.date(2026, 1, 5)
            _, cards = day_of(EXAMPLE)
            await worker.outbox.plan(
                "slack", CHANNEL, day, [c.arxiv_id for c in cards], in_thread=True
            )
            report = await worker.run_until_idle()
            again = await worker.run_until_idle()
    assert (report.sent, report.failed, again.sent) == (4, 0, 0)
    top, *replies = slack.posted(CHANNEL)
    assert [m.metadata["event_payload"]["paper"] for m in slack.posted(CHANNEL)] == [  # type: ignore[index]
        "header",
        *(c.arxiv_id for c in cards),
    ]
    assert all(m.thread_ts == top.ts for m in replies)


async def test_a_digest_full_of_mentions_pings_nobody(slack: FakeSlackAPI, tmp_path: Path) -> None:
    path = write_pinging_digest(tmp_path / "pinging.md")
    assert "<!channel>" in path.read_text(encoding="utf-8")
    async with slack_poster(config_for(slack), slack.bot_token) as poster:
        await post_day(poster, CHANNEL, path)
    requests = slack.calls("chat.postMessage")
    assert len(requests) == 8
    for request in requests:
        assert pings(request.args) == [], [s for s in strings(request.args) if "<" in s][:3]
        assert "link_names" not in request.args and request.args.get("parse") in (None, "none")
    sent = str([r.args for r in requests])
    for inert in ("&lt;!channel&gt;", "&lt;!here&gt;", "&lt;@U123&gt;", "@everyone"):
        assert inert in sent


async def test_every_real_card_is_accepted_by_the_fake_slack(
    slack: FakeSlackAPI, real_digests: list[Path]
) -> None:
    async with slack_poster(config_for(slack), slack.bot_token) as poster:
        for path in real_digests:
            await post_day(poster, CHANNEL, path)
    assert all(r.ok for r in slack.calls("chat.postMessage"))
    assert len(slack.posted(CHANNEL)) == sum(len(day_of(p)[1]) + 1 for p in real_digests)


async def test_a_missing_token_names_the_variable(slack: FakeSlackAPI) -> None:
    with pytest.raises(SlackSetupError, match="SLACK_BOT_TOKEN is not set"):
        async with slack_poster(config_for(slack), None):
            pass


async def test_a_refused_thumbnail_does_not_cost_the_card(slack: FakeSlackAPI) -> None:
    from bot.core.cards.paper_meta import PaperMeta

    _, cards = day_of(EXAMPLE)
    thumbnail = "https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/x.png"
    card = dataclasses.replace(cards[0], meta=PaperMeta(cards[0].arxiv_id, thumbnail=thumbnail))
    key = PostKey(CHANNEL, "2026-01-05", card.arxiv_id)
    slack.faults.inject("chat.postMessage", Fault.api_error("invalid_blocks"))
    async with slack_poster(config_for(slack), slack.bot_token) as poster:
        await poster.post_card(CHANNEL, card, key=key)
    (posted,) = slack.posted(CHANNEL)
    assert "accessory" not in str(posted.blocks)
