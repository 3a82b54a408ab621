"""The Slack side of the crash harness: the Slack fake with a tripwire in its fault plan."""

from __future__ import annotations

import asyncio
import socket
import time
from typing import Final, Self

from tests.crash.kill_points import KillPoint
from tests.crash.target import Arm, child_config
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_faults import Fault as SlackFault
from tests.fakes.slack_faults import FaultPlan
from tests.fakes.slack_ratelimit import RetryAfterStyle, SlackRateLimit
from tests.received import slack_cards

__all__ = ["HOLD", "SlackCrashTarget", "Tripwire"]

#: What a ``serve`` child checks Slack's requests against (none come in the harness).
SIGNING_SECRET: Final = "crash-harness-signing-secret"
#: Real seconds a held Slack response waits; the fake's close() wakes it long before.
HOLD: Final = 3600.0


class Tripwire(FaultPlan):
    """A Slack fault plan that signals one chosen request, and holds its response when asked.

    The Slack fake consults its plan when a request arrives and again right after it stored a
    message; those are the kill points, so the signal comes from the fake itself. A held
    request waits until the fake closes, which drops it: held before storing, it never stores.
    """

    def __init__(self) -> None:
        super().__init__()
        self.armed: Arm | None = None

    def take(self, method: str, channel: str | None, *, after_store: bool) -> SlackFault | None:
        """The fake's question; trips the armed request, else asks the ordinary plan."""
        arm = self.armed
        if arm and arm.is_for(method, channel, after_store) and arm.fires():
            self.armed = None
            arm.tripped.set()
            return SlackFault.delay(HOLD) if arm.hold else None
        return super().take(method, channel, after_store=after_store)


#: Method, after storing?, hold the answer? per kill point.
_SLACK_TRIPS: Final = {
    KillPoint.STORED_UNANSWERED: ("chat.postMessage", True, True),
    KillPoint.BEFORE_STORE: ("chat.postMessage", False, True),
    KillPoint.ANSWERED: ("chat.postMessage", True, False),
    KillPoint.RECONCILING: ("conversations.history", False, True),
}


class SlackCrashTarget:
    """The Slack fake with its default limits enforced, windows scaled by ``scale``.

    ``ts`` values are real epoch times (``wall_clock``), as Slack's are: reconciliation asks
    ``conversations.history`` for messages since the attempt, on the child's real clock. The
    child waits ``Retry-After`` on that clock too, so the fake states it in real seconds.
    """

    platform = "slack"
    startup_seconds = 0.5

    def __init__(self, *, scale: float = 0.01) -> None:
        self.scale = self.seconds_per_message = scale
        limits = SlackRateLimit(retry_after=RetryAfterStyle.SCALED)
        self.fake = FakeSlackAPI(rate_limit=limits, time_scale=scale, wall_clock=time.time)
        self.tripwire = Tripwire()
        self.fake.faults = self.tripwire

    async def __aenter__(self) -> Self:
        await self.fake.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.fake.close()

    def config_toml(self, *, serving: bool = False, delivery: str = "") -> str:
        """``[slack] api_base_url`` and scaled ``[delivery.slack]``; serve listens over HTTP."""
        table = f'[slack]\napi_base_url = "{self.fake.base_url}"\n'
        if serving:
            table += f'mode = "http"\nport = {free_port()}\n'
        return child_config(table, "slack", self.scale, delivery)

    def environment(self) -> dict[str, str]:
        """``SLACK_BOT_TOKEN`` (the token the fake accepts), and serve's signing secret."""
        return {"SLACK_BOT_TOKEN": self.fake.bot_token, "SLACK_SIGNING_SECRET": SIGNING_SECRET}

    async def channel(self, trial: int) -> str:
        """``C`` and a number: Slack's channel id shape (the fake accepts any)."""
        return f"C{trial:08d}"

    def arm(self, point: KillPoint, channel: str, skip: int) -> asyncio.Event:
        """Trip on the chosen request of ``channel`` (see :data:`_SLACK_TRIPS`)."""
        method, after_store, hold = _SLACK_TRIPS[point]
        self.tripwire.armed = Arm(method, channel, after_store, skip, hold)
        return self.tripwire.armed.tripped

    def disarm(self) -> None:
        """Forget the armed request."""
        self.tripwire.armed = None

    async def settle(self) -> None:
        """Nothing to wait for: held Slack requests never store (see :class:`Tripwire`)."""

    def received(self, channel: str) -> list[tuple[str, str, str]]:
        """Cards as the channel holds them (:func:`slack_cards`)."""
        return slack_cards(self.fake, channel)


def free_port() -> int:
    """A loopback port free now, for a ``serve`` child's HTTP listener."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
