"""What the harness needs from a platform fake, and the pieces both platforms' targets share.

A target serves one platform's fake on 127.0.0.1, writes the child's config pointing at it,
and *arms* a kill point: its fault plan (a tripwire) signals when the chosen request arrives or
is stored, and holds the response back when the point says so. :class:`Arm` is that armed
request; :func:`child_config` the config the child ``paperbot post`` runs with.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Protocol

from bot.config import DeliveryConfig
from tests.crash.kill_points import KillPoint

__all__ = ["Arm", "CrashTarget", "child_config"]


class CrashTarget(Protocol):
    """A platform fake the harness can point ``paperbot post`` at and trip at kill points."""

    platform: str
    #: Real seconds from starting ``paperbot post`` to its first post (measured here).
    startup_seconds: float
    #: Real seconds the child spends per message in one channel (its scaled pacing).
    seconds_per_message: float

    def config_toml(self, *, serving: bool = False, delivery: str = "") -> str:
        """``config.toml`` text pointing paperbot at the fake, pacing included.

        Args:
            serving: For ``paperbot serve``: also how it listens (a port of its own each call).
            delivery: More ``[delivery]`` lines (the lease's length).
        """
        ...

    def environment(self) -> dict[str, str]:
        """Environment variables for the child (the tokens)."""
        ...

    async def channel(self, trial: int) -> str:
        """A fresh channel id for one trial."""
        ...

    def arm(self, point: KillPoint, channel: str, skip: int) -> asyncio.Event:
        """An event set when the kill point is reached (after ``skip`` earlier matches)."""
        ...

    def disarm(self) -> None:
        """Forget an armed kill point that never tripped."""
        ...

    async def settle(self) -> None:
        """Wait until no held request can still change a channel."""
        ...

    def received(self, channel: str) -> list[tuple[str, str, str]]:
        """(digest date, paper, message id) of every card in the channel, oldest first."""
        ...


def child_config(endpoints: str, platform: str, scale: float, delivery: str = "") -> str:
    """The child's config: the fake's address, and the default pacing in scaled time.

    Pacing divides ``bot.config``'s defaults by ``scale``, as the fakes multiply their windows
    by it; back-off is short because the kills, not the retries, are under test. ``delivery``
    adds lines to ``[delivery]``.
    """
    pacing = getattr(DeliveryConfig(), platform)
    lines = [
        endpoints,
        f"[delivery]\nmax_attempts = 20\nbase_delay = 0.05\nmax_delay = 1.0\n{delivery}",
        f"[delivery.{platform}]",
        f"per_channel_per_second = {pacing.per_channel_per_second / scale}",
        f"channel_burst = {pacing.channel_burst}",
        f"overall_burst = {pacing.overall_burst}",
    ]
    if pacing.overall_per_second is not None:
        lines.append(f"overall_per_second = {pacing.overall_per_second / scale}")
    return "\n".join(lines) + "\n"


@dataclass
class Arm:
    """One armed kill point: the request to trip on, and what to do when it comes.

    ``skip`` matching requests pass first, so a kill can land anywhere in a channel's run.
    """

    request: str  # a Slack method, or a Discord route pattern
    channel: str
    after_store: bool
    skip: int
    hold: bool
    tripped: asyncio.Event = field(default_factory=asyncio.Event)

    def is_for(self, method: str, channel: str | None, after_store: bool) -> bool:
        """A Slack request of the armed method and channel, in the armed phase."""
        return (method, channel, after_store) == (self.request, self.channel, self.after_store)

    def fires(self) -> bool:
        """Count one matching request; True when it is the chosen one."""
        if self.skip > 0:
            self.skip -= 1
            return False
        return True
