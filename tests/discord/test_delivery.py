"""The outbox worker delivering to the Discord fake through a storm: every card once, in order.

Real parts throughout: the archive, the outbox, the worker with the production pacing
(``make_worker``), the Discord poster and discord.py's ``HTTPClient`` over REST only, against the
loopback fake. Faults hit every request on a channel (sends and the history reads that check
for a lost post) at random, from a menu of what Discord and its edge do on a bad day:

- 429s: per-route with ``retry_after`` and global, which discord.py waits out itself; one over
  its 30 s limit and one without ``Via`` (Cloudflare's), which reach the worker as
  ``RateLimited``;
- 503s, before and after the message is stored;
- dropped connections (FIN) and real resets (RST), before and after the message is stored;
- timeouts: the fake holds the response past ``[discord] request_timeout``, before or after
  storing. One held before storing is stored late, after the client gave up, when the worker
  may already have sent it again: Discord would do the same, and the nonce keeps it single.

"After storing" is the nasty case: Discord has the card, the bot never heard. The poster must
find it in the channel's history, or its retry must carry the same nonce, or a card doubles.

How it stays fast and repeatable (seconds for all seeds):

- The worker and its pacing run on a :class:`FakeClock`: back-off and long 429s cost nothing.
- discord.py's own waits are real, so they are kept short or out of the storm. It sleeps a
  429's ``retry_after``, which the fake states in scaled seconds (``SCALE``: 2 s is 20 ms). It
  sleeps ``1 + 2 * tries`` real seconds before retrying a 500, 502, 504 or 524, or a reset with
  errno 54 or 10054 (``HTTPClient.request`` in ``discord/http.py``). So the storm's 5xx is 503,
  Cloudflare's "overloaded", which discord.py raises at once and our ``RetryPolicy`` retries on
  the fake clock; its in-place 500 retry with the same nonce is tested once, with its real
  second, in ``test_fake_discord_api.py``. A reset here is ECONNRESET on Linux, errno 104,
  which discord.py also raises at once (on macOS it would cost real seconds).
- A timeout costs ``REQUEST_TIMEOUT`` of real time; the fake holds the response ``HOLD``.
- Each channel draws its faults from its own seeded stream per method, so what a channel
  suffers does not depend on how the channels' requests interleave, and the fake's own rate
  limiter is off (its 429s would depend on real timing): the counts below repeat per seed.
"""

from __future__ import annotations

import logging
import random
from collections import Counter
from collections.abc import AsyncIterator, Mapping, Sequence
from pathlib import Path

import pytest

from tests.discord.conftest import EXAMPLE, config_for, write_digest
from tests.fakes.clock import FakeClock
from tests.fakes.discord_api import FakeDiscord, Fault, RateLimits
from tests.fakes.discord_faults import FaultKind, FaultPlan
from tests.received import discord_cards

from bot.app import make_worker  # isort: skip  (after the fakes import discord.py)
from bot.config import Config, DeliveryConfig
from bot.core.archive.ingest import ingest_file
from bot.core.delivery.outbox import Outbox
from bot.discord.poster import discord_poster
from bot.storage.sqlite.store import Store

SCALE = 0.01  # real seconds per Discord second in the fake (429 windows, holds, nonce window)
REQUEST_TIMEOUT = 0.25  # real seconds: 50 times a loopback request on a busy 2-core machine
HOLD = 3 * REQUEST_TIMEOUT / SCALE  # Discord seconds a held response waits (0.75 s real)
CHANNELS = ("papers", "storm-1", "storm-2", "storm-3")  # the fake's own channel, then new ones
PROBABILITY = 0.3
#: The storm's menu, by the name the counts are reported under.
STORM: dict[str, Fault] = {
    "429 per route": Fault.rate_limit(2.0),
    "429 global": Fault.rate_limit(1.0, is_global=True),
    "429 over 30 s": Fault.rate_limit(4000.0),
    "429 without Via": Fault.rate_limit(5.0, via=False),
    "503": Fault.server_error(503),
    "503 after storing": Fault.server_error(503, after_commit=True),
    "drop": Fault.drop(),
    "drop after storing": Fault.drop(after_commit=True),
    "reset": Fault.reset(),
    "reset after storing": Fault.reset(after_commit=True),
    "timeout": Fault.delay(HOLD),
    "timeout after storing": Fault.delay(HOLD, after_commit=True),
}
SEEDS = (1, 2, 3, 4, 5)


class ChannelStorm(FaultPlan):
    """Random faults on channel requests, from one seeded stream per (channel, method).

    Channels are named rather than numbered because the fake's ids are time-based snowflakes:
    the seed, the name and the method make a stream that is the same on every run.
    """

    def __init__(self, seed: int, names: Mapping[int, str], menu: Mapping[str, Fault]) -> None:
        super().__init__()
        self._seed = seed
        self._names = names
        self._menu = list(menu.items())
        self._streams: dict[tuple[str, str], random.Random] = {}
        self.fired: Counter[str] = Counter()

    def take(self, method: str, path: str) -> Fault | None:
        """A fault for requests under ``/channels/{id}`` of a named channel, with PROBABILITY."""
        parts = path.split("/")
        if len(parts) < 3 or parts[1] != "channels" or int(parts[2]) not in self._names:
            return None
        key = (self._names[int(parts[2])], method)
        stream = self._streams.get(key)
        if stream is None:
            stream = self._streams[key] = random.Random(f"{self._seed}/{key[0]}/{method}")
        if stream.random() >= PROBABILITY:
            return None
        name, fault = stream.choice(self._menu)
        self.fired[f"{method} {name}"] += 1
        return fault


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with Store.open(tmp_path / "d.db") as opened:
        yield opened


async def plan_days(store: Store, channels: Sequence[str], *paths: Path) -> list[tuple[str, str]]:
    """Ingest the digests and plan each for every channel; what each channel must receive.

    That is (digest date, paper or "header"): each day's header, then its papers in order.
    """
    outbox, expected = Outbox(store, FakeClock()), []
    for path in paths:
        done = await ingest_file(store, path)
        assert done.digest is not None and done.digest.date is not None
        papers = [p.arxiv_id for p in done.digest.papers]
        for channel in channels:
            await outbox.plan("discord", channel, done.digest.date, papers)
        day = done.digest.date.isoformat()
        expected += [(day, paper) for paper in ("header", *papers)]
    return expected


async def recorded(store: Store) -> dict[tuple[str, str, str], tuple[str, str | None]]:
    """(channel, digest date, paper) → (state, message id), as the outbox has them."""
    rows = await store.query("SELECT channel, digest_date, paper, state, message_id FROM outbox")
    return {(str(c), str(d), str(p)): (str(s), m) for c, d, p, s, m in rows}


async def settle(fake: FakeDiscord) -> None:
    """Wait until every held request has been answered: one held before storing stores late."""
    held = [r for r in fake.requests if r.fault is not None and r.fault.kind is FaultKind.DELAY]
    await fake.wait_until(lambda: all(r.status is not None for r in held), "held requests")


@pytest.mark.parametrize("seed", SEEDS)
async def test_a_storm_of_faults_delivers_every_card_once_in_order(
    seed: int, store: Store, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.discord.poster")
    config = Config(delivery=DeliveryConfig(max_attempts=50))
    async with FakeDiscord(time_scale=SCALE, rate_limits=RateLimits.off()) as fake:
        ids = [fake.channel_id] + [await fake.create_channel(n) for n in CHANNELS[1:]]
        assert len(set(ids)) == len(CHANNELS), ids  # else fewer channels would pass for more
        storm = ChannelStorm(seed, dict(zip(ids, CHANNELS, strict=True)), STORM)
        fake.faults = fake.pipeline.faults = storm
        channels = [str(i) for i in ids]
        days = (EXAMPLE, write_digest(tmp_path / "hf-daily-papers-2026-01-06.md"))
        expected = await plan_days(store, channels, *days)
        discord = config_for(fake, request_timeout=REQUEST_TIMEOUT)
        async with discord_poster(discord, fake.token) as poster:
            worker = make_worker(store, {"discord": poster}, config, FakeClock())
            report = await worker.run_until_idle()
        await settle(fake)
        outbox = await recorded(store)
        received = {channel: discord_cards(fake, channel) for channel in channels}
        handled = len([r for r in fake.requests_matching("POST /channels/*/messages")
                       if r.fault is None or r.fault.after_commit
                       or r.fault.kind is FaultKind.DELAY])  # fmt: skip
    found_lost = sum("the reply was lost but Discord has" in r.getMessage() for r in caplog.records)
    messages = sum(len(cards) for cards in received.values())
    summary = (
        f"seed {seed}: {sum(storm.fired.values())} faults {dict(sorted(storm.fired.items()))}; "
        f"{found_lost} lost replies found in history, {handled - messages} sends answered "
        f"with the message their nonce had stored; worker {report}"
    )
    print(summary)
    for channel in channels:
        cards = received[channel]
        assert [(day, paper) for day, paper, _ in cards] == expected, (channel, summary)
        for day, paper, message_id in cards:
            assert outbox[(channel, day, paper)] == ("sent", message_id), summary
    assert report.failed == 0 and not report.paused, summary
    lost = sum(n for what, n in storm.fired.items() if what.startswith("POST") and "after" in what)
    assert lost > 0, f"no accepted-then-lost send in the storm: {summary}"


async def test_rows_for_an_id_that_is_no_number_pause_with_their_reason(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    """Rows planned for ``discord:abc`` before ids were checked: paused at once, with why.

    They used to be retried as "unexpected" ``ValueError`` tracebacks until the attempts ran
    out, leaving the channel pending with no reason shown.
    """
    caplog.set_level(logging.WARNING)
    async with FakeDiscord(time_scale=SCALE) as fake:
        good = str(fake.channel_id)
        expected = await plan_days(store, ["abc", good], EXAMPLE)
        async with discord_poster(config_for(fake), fake.token) as poster:
            worker = make_worker(store, {"discord": poster}, Config(), FakeClock())
            report = await worker.run_until_idle()
        received = discord_cards(fake, good)
    assert report.paused == ["discord:abc"] and report.failed == report.retried == 0
    reason = await Outbox(store, FakeClock()).is_paused("discord", "abc")
    assert reason is not None and reason.startswith("'abc' is not a Discord channel id (17 to")
    assert [(day, paper) for day, paper, _ in received] == expected  # the other channel: all
    assert [r.getMessage() for r in caplog.records if r.exc_info] == []  # no tracebacks
