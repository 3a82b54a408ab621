"""Posting a digest over REST only: in order, once, with nonces and no mentions.

``discord_poster`` logs in without opening the gateway, which is how ``paperbot post`` runs;
the fake proves it by having no gateway session at all.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from types import SimpleNamespace

import aiohttp
import pytest

from tests.discord.conftest import EXAMPLE, config_for, make_bot, write_digest
from tests.discord.limits_check import PING, assert_sendable, texts_of
from tests.fakes.discord_api import MESSAGE_CREATE, FakeDiscord, Fault

import discord  # isort: skip  (after the fakes: see tests/fakes/discord_client.py)

from bot.core.archive.lookup import Lookup
from bot.core.cards.card import Card, DigestHeaderCard, card_from_paper
from bot.core.delivery.poster import (
    ChannelUnavailable,
    MessageRejected,
    Posted,
    PostKey,
    RateLimited,
    TransientError,
)
from bot.core.delivery.reconcile import find_posted
from bot.discord.config import DiscordConfig
from bot.discord.errors import DiscordSetupError, delivery_error, is_ambiguous
from bot.discord.poster import DiscordPoster, discord_poster
from digest_parser import parse_digest_file


def day_of(path: Path) -> tuple[DigestHeaderCard, list[Card]]:
    digest = parse_digest_file(path)
    total = len(digest.papers)
    cards = [
        card_from_paper(p, date=digest.date, position=i, total=total)
        for i, p in enumerate(digest.papers, 1)
    ]
    return DigestHeaderCard(digest.date, total), cards


async def post_day(
    poster: DiscordPoster, channel: str, path: Path, *, thread_cards: bool = False
) -> list[Posted]:
    """What the CLI does for ``paperbot post FILE --to discord:CHANNEL``."""
    header, cards = day_of(path)
    day = str(header.date)
    top = await poster.post_header(channel, header, key=PostKey(channel, day, "header"))
    posted = [top]
    for card in cards:
        key = PostKey(channel, day, card.arxiv_id)
        thread = top.thread_id if thread_cards else None
        posted.append(await poster.post_card(channel, card, key=key, thread=thread))
    return posted


async def test_a_day_is_posted_in_order_without_the_gateway(fake: FakeDiscord) -> None:
    channel = str(fake.channel_id)
    async with discord_poster(config_for(fake), fake.token) as poster:
        assert poster.platform == "discord" and poster.application_id == fake.application_id
        posted = await post_day(poster, channel, EXAMPLE)
    assert fake.gateway.sessions == []
    messages = fake.messages()
    assert [str(m.id) for m in messages] == [p.message_id for p in posted]
    header, cards = day_of(EXAMPLE)
    assert messages[0].embeds[0]["title"] == header.title
    assert [m.embeds[0]["url"] for m in messages[1:]] == [c.hf_url for c in cards]
    day = str(header.date)
    keys = [PostKey(channel, day, "header")] + [PostKey(channel, day, c.arxiv_id) for c in cards]
    assert [m.nonce for m in messages] == [k.token for k in keys]
    for message in messages:
        assert message.enforce_nonce and message.allowed_mentions == {"parse": []}
        assert_sendable(message.sent, f"message {message.id}")


async def test_posting_again_returns_the_same_messages(fake: FakeDiscord) -> None:
    channel = str(fake.channel_id)
    async with discord_poster(config_for(fake), fake.token) as poster:
        first = await post_day(poster, channel, EXAMPLE)
        again = await post_day(poster, channel, EXAMPLE)
    assert first == again
    assert len(fake.messages()) == 4


async def test_a_lost_reply_is_recognised_as_the_post_it_was(fake: FakeDiscord) -> None:
    channel = str(fake.channel_id)
    _, cards = day_of(EXAMPLE)
    key = PostKey(channel, "2026-01-05", cards[0].arxiv_id)
    fake.inject(Fault.drop(after_commit=True, match=MESSAGE_CREATE))
    async with discord_poster(config_for(fake), fake.token) as poster:
        posted = await poster.post_card(channel, cards[0], key=key)
    assert [str(m.id) for m in fake.messages()] == [posted.message_id]


async def test_a_lost_request_is_transient_and_the_retry_posts_once(fake: FakeDiscord) -> None:
    channel = str(fake.channel_id)
    _, cards = day_of(EXAMPLE)
    key = PostKey(channel, "2026-01-05", cards[0].arxiv_id)
    fake.inject(Fault.drop(after_commit=False, match=MESSAGE_CREATE))
    async with discord_poster(config_for(fake), fake.token) as poster:
        with pytest.raises(TransientError):
            await poster.post_card(channel, cards[0], key=key)
        assert fake.messages() == []
        retried = await poster.post_card(channel, cards[0], key=key)
    assert [str(m.id) for m in fake.messages()] == [retried.message_id]


async def test_find_posted_reconciles_a_day_in_the_channel_and_its_thread(
    fake: FakeDiscord,
) -> None:
    channel = str(fake.channel_id)
    header, cards = day_of(EXAMPLE)
    day = str(header.date)
    keys = [PostKey(channel, day, "header")] + [PostKey(channel, day, c.arxiv_id) for c in cards]
    async with discord_poster(config_for(fake), fake.token, threads=True) as poster:
        before = time.time() - 5
        posted = await post_day(poster, channel, EXAMPLE, thread_cards=True)
        found = [await find_posted(poster, channel, key, before) for key in keys]
        later = await find_posted(poster, channel, keys[1], time.time() + 3600)
        other_day = await find_posted(poster, channel, PostKey(channel, "2026-01-04", "header"), 0)
        unknown = await find_posted(poster, channel, PostKey(channel, day, "2601.99999"), before)
    assert found == posted
    assert found[1] is not None and found[1].thread_id == posted[0].message_id
    assert later is None and other_day is None and unknown is None


async def test_find_posted_without_threads(fake: FakeDiscord) -> None:
    channel = str(fake.channel_id)
    header, cards = day_of(EXAMPLE)
    async with discord_poster(config_for(fake), fake.token) as poster:
        posted = await post_day(poster, channel, EXAMPLE)
        key = PostKey(channel, str(header.date), cards[-1].arxiv_id)
        found = await find_posted(poster, channel, key, 0)
    assert found == posted[-1] and found.thread_id is None


async def test_a_429_is_retried_and_the_card_posted_once(fake: FakeDiscord) -> None:
    channel = str(fake.channel_id)
    _, cards = day_of(EXAMPLE)
    fake.inject(Fault.rate_limit(retry_after=0.5, match=MESSAGE_CREATE))
    async with discord_poster(config_for(fake), fake.token) as poster:
        await poster.post_card(channel, cards[0], key=PostKey(channel, "d", cards[0].arxiv_id))
    assert [r.status for r in fake.requests_matching(MESSAGE_CREATE)] == [429, 200]
    assert len(fake.messages()) == 1


async def test_a_request_past_the_timeout_is_a_lost_reply(fake: FakeDiscord) -> None:
    channel = str(fake.channel_id)
    _, cards = day_of(EXAMPLE)
    key = PostKey(channel, "2026-01-05", cards[0].arxiv_id)
    config = config_for(fake, request_timeout=0.1)
    held = 50.0  # Discord seconds: 0.5 s at the fake's time_scale, past the 0.1 s timeout
    async with discord_poster(config, fake.token) as poster:
        fake.inject(Fault.delay(held, after_commit=True, match=MESSAGE_CREATE))
        found = await poster.post_card(channel, cards[0], key=key)  # stored: found in history
        fake.inject(Fault.delay(held, match=MESSAGE_CREATE))
        with pytest.raises(TransientError, match="TimeoutError"):
            await poster.post_card(channel, cards[1], key=PostKey(channel, "d", "p"))
        assert len(fake.messages()) == 1  # still held: Discord has not stored it yet
        await fake.wait_for_messages(2)  # ... and stores it once the hold ends
        again = await poster.post_card(channel, cards[1], key=PostKey(channel, "d", "p"))
    assert [str(m.id) for m in fake.messages()] == [found.message_id, again.message_id]


async def test_the_timeout_limits_requests_not_discord_py_s_waits_between_them(
    fake: FakeDiscord,
) -> None:
    channel = str(fake.channel_id)
    _, cards = day_of(EXAMPLE)
    fake.inject(Fault.rate_limit(retry_after=30.0, match=MESSAGE_CREATE))  # 0.3 s, waited out
    async with discord_poster(config_for(fake, request_timeout=0.1), fake.token) as poster:
        await poster.post_card(channel, cards[0], key=PostKey(channel, "d", cards[0].arxiv_id))
    assert [r.status for r in fake.requests_matching(MESSAGE_CREATE)] == [429, 200]


async def test_threads_hold_the_days_cards_and_survive_a_retried_header(
    fake: FakeDiscord,
) -> None:
    channel = str(fake.channel_id)
    async with discord_poster(config_for(fake), fake.token, threads=True) as poster:
        posted = await post_day(poster, channel, EXAMPLE, thread_cards=True)
        header, _ = day_of(EXAMPLE)
        retried = await poster.post_header(
            channel, header, key=PostKey(channel, str(header.date), "header")
        )
    thread = posted[0].thread_id
    assert thread is not None and retried == posted[0]
    assert len(fake.messages()) == 1  # only the header in the channel
    assert len(fake.messages(int(thread))) == 3
    assert fake.state.channels[int(thread)]["name"] == header.title


async def test_mentions_in_a_digest_ping_no_one(fake: FakeDiscord, tmp_path: Path) -> None:
    channel = str(fake.channel_id)
    async with discord_poster(config_for(fake), fake.token) as poster:
        await post_day(poster, channel, write_digest(tmp_path / "digest.md"))
    for message in fake.messages():
        assert message.allowed_mentions == {"parse": []}
        assert not any(PING.search(t) for e in message.embeds for t in texts_of(e))


async def test_failures_are_sorted_for_the_delivery_worker(fake: FakeDiscord) -> None:
    _, cards = day_of(EXAMPLE)
    channel = str(fake.channel_id)
    key = PostKey(channel, "2026-01-05", cards[0].arxiv_id)
    async with discord_poster(config_for(fake), fake.token) as poster:
        fake.forbid(fake.channel_id)
        with pytest.raises(ChannelUnavailable, match="403 Missing Permissions"):
            await poster.post_card(channel, cards[0], key=key)
        fake.allow(fake.channel_id)
        with pytest.raises(ChannelUnavailable, match="404 Unknown Channel"):
            await poster.post_card("12345", cards[0], key=PostKey("12345", "d", "p"))
        fake.inject(Fault.rate_limit(retry_after=7.0, via=False, match=MESSAGE_CREATE))
        with pytest.raises(RateLimited) as limited:  # no Via: discord.py does not retry it
            await poster.post_card(channel, cards[0], key=key)
    assert limited.value.retry_after == pytest.approx(7.0 * 0.01)  # the fake's time_scale
    assert fake.messages() == []


def test_discord_errors_map_onto_the_ports_tree() -> None:
    def http(status: int, code: int, text: str = "") -> discord.HTTPException:
        response = SimpleNamespace(status=status, reason="", headers={"Retry-After": "2.5"})
        return discord.HTTPException(response, {"code": code, "message": text})

    cases = [
        (http(400, 50035, "Invalid Form Body"), MessageRejected),
        (http(400, 50083, "Thread is archived"), ChannelUnavailable),
        (http(401, 0, "401: Unauthorized"), ChannelUnavailable),
        (http(429, 0), RateLimited),
        (http(502, 0), TransientError),
        (discord.RateLimited(12.0), RateLimited),
        (aiohttp.ServerDisconnectedError(), TransientError),
        (TimeoutError(), TransientError),
        (ValueError("embeds has a maximum of 10 elements"), MessageRejected),  # never buildable
    ]
    for error, kind in cases:
        mapped = delivery_error(error, "posting x")
        assert type(mapped) is kind, (error, mapped)
        assert str(mapped).startswith("posting x")
    assert delivery_error(http(429, 0), "x").retry_after == 2.5  # type: ignore[attr-defined]
    assert is_ambiguous(http(503, 0)) and not is_ambiguous(http(403, 50013))


async def test_a_missing_or_wrong_token_is_a_setup_error(fake: FakeDiscord) -> None:
    with pytest.raises(DiscordSetupError, match="DISCORD_TOKEN is not set"):
        async with discord_poster(config_for(fake), None):
            pass
    with pytest.raises(DiscordSetupError, match="refused DISCORD_TOKEN") as refused:
        async with discord_poster(config_for(fake), "not-the-token"):
            pass
    assert "not-the-token" not in str(refused.value)


async def test_discord_out_of_reach_is_a_one_line_setup_error(
    closed_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)  # restored after
    base = f"http://127.0.0.1:{closed_port}/api/v10"
    with pytest.raises(DiscordSetupError) as raised:
        async with discord_poster(DiscordConfig(api_base_url=base), "a-token"):
            pass
    message = str(raised.value)
    assert message.startswith(f"cannot reach Discord at {base} (Cannot connect to host")
    assert message.endswith("check the network connection, and [discord] api_base_url if it is set")
    assert "\n" not in message and "a-token" not in message


async def test_an_id_that_is_no_number_pauses_its_channel_with_the_reason(
    fake: FakeDiscord,
) -> None:
    """A row planned for ``abc`` (before ids were checked) can never be sent: no retrying."""
    _, cards = day_of(EXAMPLE)
    async with discord_poster(config_for(fake), fake.token) as poster:
        with pytest.raises(ChannelUnavailable, match="'abc' is not a Discord channel id"):
            await poster.post_card("abc", cards[0], key=PostKey("abc", "2026-01-05", "p"))
        with pytest.raises(ChannelUnavailable, match="'abc' is not a Discord channel id"):
            await find_posted(poster, "abc", PostKey("abc", "2026-01-05", "p"), 0.0)
    assert fake.requests_matching("POST /channels/*/messages") == []


async def test_no_voice_warnings_from_a_bot_that_never_joins_voice(
    fake: FakeDiscord,
    lookup: Lookup,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """discord.py warns once per process that PyNaCl and davey (voice) are missing: not us."""
    caplog.set_level(logging.WARNING)
    for flag in ("warn_nacl", "warn_dave"):  # as in a new process
        monkeypatch.setattr(discord.VoiceClient, flag, True)
    async with discord_poster(config_for(fake), fake.token):
        pass
    for flag in ("warn_nacl", "warn_dave"):
        monkeypatch.setattr(discord.VoiceClient, flag, True)
    make_bot(fake, lookup)  # the client of ``paperbot serve``
    assert [r.getMessage() for r in caplog.records if "voice" in r.getMessage()] == []
    logging.getLogger("discord.client").warning("other warnings still show")
    assert "other warnings still show" in caplog.text


class Heard:
    """A pacing stand-in that records what the poster told it (a GlobalLimitListener)."""

    def __init__(self) -> None:
        self.said: list[str] = []

    def pause(self) -> None:
        self.said.append("pause")

    def resume(self) -> None:
        self.said.append("resume")


async def test_a_global_429_pauses_the_pacing_until_a_later_request_is_accepted(
    fake: FakeDiscord,
) -> None:
    """discord.py sleeps a global 429 out by itself; the poster tells the pacing meanwhile."""
    channel = str(fake.channel_id)
    _, cards = day_of(EXAMPLE)
    async with discord_poster(config_for(fake), fake.token) as poster:
        heard = Heard()
        poster.watch_global_limit(heard)
        await poster.post_card(channel, cards[0], key=PostKey(channel, "d", cards[0].arxiv_id))
        assert heard.said == []  # a success with no pause says nothing
        fake.inject(Fault.rate_limit(retry_after=0.5, is_global=True, match=MESSAGE_CREATE))
        await poster.post_card(channel, cards[1], key=PostKey(channel, "d", cards[1].arxiv_id))
        fake.inject(Fault.rate_limit(retry_after=0.5, match=MESSAGE_CREATE))  # one route's
        await poster.post_card(channel, cards[2], key=PostKey(channel, "d", cards[2].arxiv_id))
    assert heard.said == ["pause", "resume"]  # the route's 429 is discord.py's bucket's alone
    assert [r.status for r in fake.requests_matching(MESSAGE_CREATE)] == [200, 429, 200, 429, 200]
    assert len(fake.messages()) == 3
