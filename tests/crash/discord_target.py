"""The Discord side of the crash harness: the Discord fake with a tripwire in its fault plan."""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Final, Self

from tests.fakes.discord_api import FakeDiscord  # isort: skip  (imports discord.py quietly)

from bot.config import DeliveryConfig
from tests.crash.kill_points import KillPoint
from tests.crash.target import Arm, child_config
from tests.fakes.discord_faults import Fault as DiscordFault
from tests.fakes.discord_faults import FaultPlan as DiscordFaultPlan
from tests.fakes.discord_faults import route_matches
from tests.received import discord_cards

__all__ = ["DISCORD_HOLD", "DiscordCrashTarget", "DiscordTripwire"]

#: Real seconds a held Discord response waits (nothing can wake it early).
DISCORD_HOLD: Final = 1.5


class DiscordTripwire(DiscordFaultPlan):
    """The Discord fault plan with a tripwire; see :class:`tests.crash.slack_target.Tripwire`.

    The Discord fake asks its plan once, before the request takes effect; a fault marked
    ``after_commit`` then applies after the message is stored. So for a kill point after
    storing, the tripwire watches the channel for the request's nonce and signals once the
    message is there. Holds are short (:data:`DISCORD_HOLD`) because a held handler cannot be
    woken early: one held before storing then stores the message late, as Discord would after
    a client died mid-request, and the resend's identical nonce must keep it single.
    """

    def __init__(self, fake: FakeDiscord) -> None:
        super().__init__()
        self.fake = fake
        self.armed: Arm | None = None
        self.quiet_at = 0.0
        self.watchers: set[asyncio.Task[None]] = set()

    def take(self, method: str, path: str) -> DiscordFault | None:
        """The fake's question; trips the armed request, else asks the ordinary plan."""
        arm = self.armed
        if arm and route_matches(arm.request, method, path) and arm.fires():
            self.armed = None
            if arm.after_store:
                self._signal_when_stored(path, arm.tripped)
            else:
                arm.tripped.set()
            if arm.hold:
                self.quiet_at = time.monotonic() + DISCORD_HOLD
                seconds = DISCORD_HOLD / self.fake.clock.scale
                return DiscordFault.delay(seconds, after_commit=arm.after_store)
            return None
        return super().take(method, path)

    def _signal_when_stored(self, path: str, tripped: asyncio.Event) -> None:
        nonce = (self.fake.requests[-1].json or {}).get("nonce")  # the request being served
        channel = int(path.split("/")[2])

        async def watch() -> None:
            with contextlib.suppress(TimeoutError):  # refused (429): no kill this run
                await self.fake.wait_until(
                    lambda: any(m.nonce == nonce for m in self.fake.messages(channel))
                )
                tripped.set()

        task = asyncio.ensure_future(watch())
        self.watchers.add(task)
        task.add_done_callback(self.watchers.discard)


_DISCORD_POST: Final = "POST /channels/*/messages"
_DISCORD_TRIPS: Final = {
    KillPoint.STORED_UNANSWERED: (_DISCORD_POST, True, True),
    KillPoint.BEFORE_STORE: (_DISCORD_POST, False, True),
    KillPoint.ANSWERED: (_DISCORD_POST, True, False),
    KillPoint.RECONCILING: ("GET /channels/*/messages", False, True),
}


class DiscordCrashTarget:
    """The Discord fake with its default limits (per-channel buckets, global 50/s), scaled.

    Its nonce window (300 Discord seconds) is scaled too, to 3 s at ``scale=0.01``. A restarted
    ``post`` looks for an interrupted card in the channel's history before resending; the nonce
    is what keeps a card single when a request held before storing lands late (see
    :class:`DiscordTripwire`).
    """

    platform = "discord"
    startup_seconds = 0.7  # discord.py's import and the REST login

    def __init__(self, *, scale: float = 0.01) -> None:
        self.scale = scale
        pacing = DeliveryConfig().pacing("discord")
        assert pacing is not None  # Discord is registered with a default pacing
        self.seconds_per_message = scale / pacing.per_channel_per_second
        self.fake = FakeDiscord(time_scale=scale, patch_discord=False, wait_timeout=10.0)
        self.tripwire = DiscordTripwire(self.fake)
        self.fake.faults = self.fake.pipeline.faults = self.tripwire

    async def __aenter__(self) -> Self:
        await self.fake.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        try:
            await self.settle()
            for task in list(self.tripwire.watchers):
                task.cancel()
            await asyncio.gather(*self.tripwire.watchers, return_exceptions=True)
        finally:
            await self.fake.close()

    def config_toml(self, *, serving: bool = False, delivery: str = "") -> str:
        """``[discord] api_base_url`` and scaled ``[delivery.discord]`` (serve finds the
        gateway through the fake's ``GET /gateway/bot``)."""
        endpoint = f'[discord]\napi_base_url = "{self.fake.base_url}"\n'
        return child_config(endpoint, "discord", self.scale, delivery)

    def environment(self) -> dict[str, str]:
        """``DISCORD_TOKEN``: the token the fake accepts."""
        return {"DISCORD_TOKEN": self.fake.token}

    async def channel(self, trial: int) -> str:
        """A new text channel in the fake's guild."""
        return str(await self.fake.create_channel(f"crash-{trial}"))

    def arm(self, point: KillPoint, channel: str, skip: int) -> asyncio.Event:
        """Trip on the chosen request of ``channel`` (see :data:`_DISCORD_TRIPS`)."""
        pattern, after_store, hold = _DISCORD_TRIPS[point]
        route = pattern.replace("*", channel, 1)
        self.tripwire.armed = Arm(route, channel, after_store, skip, hold)
        return self.tripwire.armed.tripped

    def disarm(self) -> None:
        """Forget the armed request."""
        self.tripwire.armed = None

    async def settle(self) -> None:
        """Wait out the holds: a request held before storing may still store its message."""
        await asyncio.sleep(max(0.0, self.tripwire.quiet_at - time.monotonic()) + 0.05)

    def received(self, channel: str) -> list[tuple[str, str, str]]:
        """Cards as the channel holds them (:func:`discord_cards`)."""
        return discord_cards(self.fake, channel)
