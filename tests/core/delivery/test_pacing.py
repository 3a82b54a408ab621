"""Token buckets pace at their rate on any clock, including a fake one far from zero; a pause
holds them, and a second overall bucket spreads out turns a stall held back."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from bot.core.delivery.pacing import MAX_PAUSE, Pacer, Pacing, TokenBucket
from tests.fakes.clock import FakeClock, SteppedClock


async def test_bucket_paces_at_its_rate_without_spinning() -> None:
    clock = FakeClock()  # epoch ~1.77e9: tiny float steps would be lost
    bucket, start = TokenBucket(clock, rate=48.0, burst=2), clock.now()
    for _ in range(98):
        await bucket.take()
    assert abs((clock.now() - start) - 96 / 48) < 0.01  # two from the burst, then 48/s


async def test_pacer_limits_each_channel_and_the_whole_platform() -> None:
    clock = FakeClock()
    pacer, start = Pacer(clock, Pacing(per_channel=1.0, overall=5.0, overall_burst=1)), clock.now()
    for n in range(10):
        await pacer.wait(f"C{n % 10}")  # ten channels: the overall 5/s binds
    assert 1.7 < clock.now() - start < 1.9


async def test_a_paused_bucket_gives_no_turn_until_resumed_and_saves_no_burst() -> None:
    clock = SteppedClock(FakeClock().now())
    bucket, start = TokenBucket(clock, rate=10.0, burst=5), clock.now()
    bucket.pause()
    first = asyncio.create_task(bucket.take())
    await clock.advance_to(start + 2.0)  # two seconds would have saved up the whole burst
    assert not first.done()
    bucket.resume()
    await clock.advance_to(start + 2.1)  # resumed empty: the next turn after 1/rate
    assert first.done()
    second = asyncio.create_task(bucket.take())
    await clock.advance_to(start + 2.15)
    assert not second.done()  # no burst: one turn per 0.1 s
    await clock.advance_to(start + 2.2)
    assert second.done()


async def test_a_pause_nothing_ends_lifts_itself(caplog: pytest.LogCaptureFixture) -> None:
    clock = SteppedClock(FakeClock().now())
    bucket, start = TokenBucket(clock, rate=10.0), clock.now()
    bucket.pause()
    taking = asyncio.create_task(bucket.take())
    await clock.advance_to(start + MAX_PAUSE - 0.01)
    assert not taking.done()
    await clock.advance_to(start + MAX_PAUSE + 0.2)
    assert taking.done() and not bucket.paused
    assert "nothing resumed the paused pacing" in caplog.text


async def test_turns_taken_before_a_stall_reach_the_wire_spread_out() -> None:
    """Claiming and rendering sit between the two overall buckets: a database stall there
    must not turn the turns already given into a burst on the wire."""
    clock = FakeClock()
    pacer = Pacer(clock, Pacing(per_channel=None, overall=10.0, overall_burst=1))
    for n in range(5):
        await pacer.wait(f"C{n}")  # five rows claimed at the rate ...
    clock.advance(3.0)  # ... then the database stalls for 3 s
    sent = []
    for _ in range(5):
        await pacer.send()
        sent.append(clock.now())
    gaps = [later - earlier for earlier, later in itertools.pairwise(sent)]
    assert all(gap >= 0.1 - 1e-6 for gap in gaps)  # one burst token, then the rate


async def test_a_pacer_pause_holds_both_overall_buckets() -> None:
    clock = SteppedClock(FakeClock().now())
    pacer, start = Pacer(clock, Pacing(per_channel=None, overall=10.0)), clock.now()
    pacer.pause()
    admitted, sent = asyncio.create_task(pacer.wait("C1")), asyncio.create_task(pacer.send())
    await clock.advance_to(start + 1.0)
    assert not admitted.done() and not sent.done()
    pacer.resume()
    await clock.advance_to(start + 1.1)
    assert admitted.done() and sent.done()
