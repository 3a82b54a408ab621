"""Token buckets pace at their rate on any clock, including a fake one far from zero."""

from __future__ import annotations

from bot.core.delivery.pacing import Pacer, Pacing, TokenBucket
from tests.fakes.clock import FakeClock


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
