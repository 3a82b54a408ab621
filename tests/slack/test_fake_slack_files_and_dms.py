"""File uploads and direct messages on the fake Slack API, driven by the real slack_sdk client.

``files_upload_v2`` is three HTTP exchanges (get an upload URL, POST the bytes there, complete
the upload) and a DM is a conversation the bot opens with a user; if the fake got any of them
wrong, an adapter test could pass against the fake and fail against Slack.
"""

from __future__ import annotations

import pytest

from tests.fakes.slack_ratelimit import ManualClock, RateLimiter, SlackRateLimit


def test_tiered_methods_share_one_bucket_per_method_at_the_tier_rate() -> None:
    # Tier 3 is 50 calls a minute: after the burst, the next call waits 60/50 = 1.2 s.
    clock = ManualClock()
    limiter = RateLimiter(SlackRateLimit(tier_burst=2), time_scale=1.0, clock=clock)
    assert limiter.admit("conversations.open", "") is None
    assert limiter.admit("conversations.open", "") is None
    wait = limiter.admit("conversations.open", "")
    assert wait == pytest.approx(1.2)
    assert limiter.retry_after(wait) == "2"
    assert limiter.admit("files.getUploadURLExternal", "") is None  # its own bucket
    clock.advance(1.2)
    assert limiter.admit("conversations.open", "") is None
