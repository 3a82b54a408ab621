"""How far one digest's delivery to one channel has got, read from the outbox.

``paperbot post`` shows this while it sends, and while another process (``paperbot serve``)
sends for it: the outbox is the one place both can see. It also says why the next message
waits, from what the worker recorded on that row: a 429's ``Retry-After``, a back-off after an
error, a check for a post lost in a crash, or a paused channel.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.core.delivery.outbox import RATE_LIMITED, OutboxRow, RowState

if TYPE_CHECKING:
    from bot.core.clock import Clock
    from bot.core.delivery.repositories import DeliveryStore

__all__ = ["DeliveryProgress", "read_progress"]


@dataclass(frozen=True, slots=True)
class DeliveryProgress:
    """One channel, one digest: how many messages are confirmed, and what holds up the rest."""

    platform: str
    channel: str
    digest_date: str
    total: int
    sent: int
    failed: int
    pending: int  # planned and not yet confirmed (including one being sent now)
    paused: str | None
    failures: tuple[tuple[str, str], ...]  # (paper, reason)
    head: OutboxRow | None  # the channel's next message, possibly of an earlier digest
    wait: float  # seconds before the head may be tried; 0 when it is due

    @property
    def finished(self) -> bool:
        """Nothing of this digest is left to send (each message sent or failed)."""
        return self.pending == 0

    @property
    def stuck(self) -> bool:
        """Messages are left, and none will go before someone runs ``paperbot retry``."""
        return self.pending > 0 and self.paused is not None

    def why(self) -> str | None:
        """Why the next message is not on its way right now, for people; None if it is."""
        if self.finished:
            return None
        if self.paused is not None:
            return f"channel paused: {self.paused}; fix it, then `paperbot retry`"
        head = self.head
        if head is None:
            return None
        behind = (
            f" (behind the {head.digest_date} digest)"
            if head.digest_date != self.digest_date
            else ""
        )
        reason = head.last_error or ""
        if self.wait <= 0:
            return (
                f"checking whether the platform got {head.paper}"
                if (head.state is RowState.SENDING and reason)
                else None
            )
        seconds = f"{self.wait:.0f} s"
        if reason.startswith(RATE_LIMITED):
            return f"rate limited by the platform: waiting {seconds} (Retry-After){behind}"
        if head.state is RowState.SENDING:
            return f"{reason}; asking again in {seconds}{behind}"
        if reason:
            return f"retry {head.attempts + 1} in {seconds} after an error: {reason}{behind}"
        return f"next message in {seconds}{behind}"


async def read_progress(
    store: DeliveryStore, clock: Clock, platform: str, channel: str, day: dt.date
) -> DeliveryProgress:
    """Read one channel's delivery of the digest of ``day``, as it stands now."""
    rows = await store.outbox.of_day(platform, channel, day)
    states = [row.state for row in rows]
    head = await store.outbox.head(platform, channel)
    return DeliveryProgress(
        platform=platform,
        channel=channel,
        digest_date=day.isoformat(),
        total=len(rows),
        sent=states.count(RowState.SENT),
        failed=states.count(RowState.FAILED),
        pending=states.count(RowState.PENDING) + states.count(RowState.SENDING),
        paused=await store.outbox.pause_reason(platform, channel),
        failures=tuple(
            (row.paper, row.last_error or "") for row in rows if row.state is RowState.FAILED
        ),
        head=head,
        wait=max(0.0, head.not_before - clock.now()) if head is not None else 0.0,
    )
