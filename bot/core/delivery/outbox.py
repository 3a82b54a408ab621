"""The delivery outbox: what every channel must receive, and whether it has.

A delivery is *planned* before anything is sent: one row per (platform, channel, digest date,
paper) under a unique key, in one transaction, so planning twice plans nothing new and a crash
after planning loses nothing. A row moves ``pending → sending → sent`` and is marked sent only
with the platform's message id in hand; a row found ``sending`` at start was interrupted and is
reconciled (did the platform get it?) before anything is resent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Final

from bot.core.delivery.repositories import DeliveryStore, FilteredDay, PlannedRow

if TYPE_CHECKING:
    from bot.core.clock import Clock
    from bot.core.delivery.poster import Posted

__all__ = [
    "HEADER",
    "LISTING",
    "RATE_LIMITED",
    "WEEKLY_LISTING",
    "ChannelStatus",
    "Outbox",
    "OutboxRow",
    "Requeued",
    "RowState",
]

HEADER: Final = "header"
#: How the ``paper`` key of a listing page starts: ``listing-1``, ``listing-2``…
LISTING: Final = "listing-"
#: How a weekly listing page's key starts: ``listing-week-1``… A week's rows are keyed by its
#: newest digest, the date a ``digest``-mode day's listing of that digest is keyed by too, so
#: a channel that switches from one mode to the other still gets both (never one in place of
#: the other). It is a listing key all the same: it starts with :data:`LISTING`.
WEEKLY_LISTING: Final = f"{LISTING}week-"
#: How a row's ``last_error`` starts when it waits out a 429, not an error of its own.
RATE_LIMITED: Final = "rate limited"


class RowState(StrEnum):
    """Where a planned message stands."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class OutboxRow:
    """One planned message."""

    id: int
    platform: str
    channel: str
    digest_date: str
    paper: str
    position: int
    sections: str
    in_thread: bool
    state: RowState
    attempts: int
    not_before: float
    attempted_at: float | None
    last_error: str | None
    message_id: str | None
    thread_id: str | None
    content: str = ""  # a listing page's ListingPage JSON; "" for a header or a card

    @property
    def is_header(self) -> bool:
        """The digest header card rather than a paper card."""
        return self.paper == HEADER

    @property
    def is_listing(self) -> bool:
        """A page of a digest listing (``digest`` or ``weekly`` mode)."""
        return self.paper.startswith(LISTING)


@dataclass(frozen=True, slots=True)
class ChannelStatus:
    """What ``paperbot status`` shows for one channel."""

    platform: str
    channel: str
    last_delivered: str | None
    pending: int
    sending: int
    failed: tuple[tuple[str, str, str], ...]  # (digest date, paper, reason)
    paused: str | None
    filtered: int = 0  # papers of its newest filtered digest that its filters left out
    filtered_date: str | None = None  # that digest


@dataclass(frozen=True, slots=True)
class Requeued:
    """What ``paperbot retry`` did to one channel."""

    platform: str
    channel: str
    requeued: int  # failed messages back in the queue
    resumed: str | None  # the reason the channel was paused, if it was


class Outbox:
    """Plans and tracks deliveries in the archive's database."""

    def __init__(self, store: DeliveryStore, clock: Clock) -> None:
        self._rows = store.outbox
        self._clock = clock

    async def plan(
        self,
        platform: str,
        channel: str,
        digest_date: dt.date,
        papers: Sequence[str],
        *,
        sections: Sequence[str] = (),
        in_thread: bool = False,
    ) -> int:
        """Plan the header and one row per paper; return how many rows were new.

        Rows that exist already (any state) are left alone: planning is idempotent, and a
        paper repeated on a later day is a new (date, paper) row, as it is a new summary.
        """
        day, shown = digest_date.isoformat(), ",".join(sections)
        rows = [
            PlannedRow(platform, channel, day, paper, n, shown, in_thread)
            for n, paper in enumerate([HEADER, *papers])
        ]
        return await self._rows.add(rows, now=self._clock.now())

    async def plan_rows(
        self, rows: Sequence[PlannedRow], filtered: FilteredDay | None = None
    ) -> int:
        """Plan rows a router built (and what it left out), in one transaction; how many new."""
        return await self._rows.add(
            rows, now=self._clock.now(), filtered=() if filtered is None else (filtered,)
        )

    async def filtered(
        self, platform: str, channel: str, digest_date: dt.date
    ) -> FilteredDay | None:
        """What the channel's filters left out of a digest (counted by reason), or None."""
        return await self._rows.filtered(platform, channel, digest_date)

    async def head(self, platform: str, channel: str) -> OutboxRow | None:
        """The channel's next row: the earliest unsent one, in digest order.

        ``sending`` comes back too (it must be reconciled before anything after it goes);
        ``failed`` rows are passed over so one bad card does not hold up the rest.
        """
        return await self._rows.head(platform, channel)

    async def claim(self, row: OutboxRow) -> bool:
        """``pending → sending`` for one attempt; False if someone else moved it first."""
        return await self._rows.claim(row.id, now=self._clock.now())

    async def mark_sent(self, row: OutboxRow, posted: Posted) -> None:
        """The platform confirmed: record its message id."""
        await self._rows.mark_sent(row.id, posted, now=self._clock.now())

    async def retry_later(
        self, row: OutboxRow, reason: str, delay: float, *, counts: bool = True
    ) -> None:
        """Back to ``pending``, not before ``delay`` seconds from now.

        Args:
            counts: Whether the attempt counts toward the row's limit. A 429 or an interrupted
                send was not the message's fault, so it does not.
        """
        due = self._clock.now() + max(0.0, delay)
        await self._rows.retry_later(row.id, reason, not_before=due, counts=counts)

    async def defer(self, row: OutboxRow, reason: str, delay: float) -> None:
        """Look at an interrupted row again later, keeping it ``sending``.

        For reconciliation that could not ask the platform: the row must stay ``sending`` so
        the next look checks the platform first instead of resending blindly.
        """
        await self._rows.defer(row.id, reason, not_before=self._clock.now() + max(0.0, delay))

    async def mark_failed(self, row: OutboxRow, reason: str) -> None:
        """Give up on this row (``paperbot retry`` requeues it)."""
        await self._rows.mark_failed(row.id, reason)

    async def states(
        self, platform: str, channel: str, digest_date: dt.date
    ) -> dict[str, RowState]:
        """What is planned for one channel and day: paper (or ``header``) → state."""
        rows = await self._rows.of_day(platform, channel, digest_date)
        return {row.paper: row.state for row in rows}

    async def forget(self, platform: str, channel: str, digest_date: dt.date) -> int:
        """Drop a channel's rows for a day, so it can be posted again on purpose."""
        return await self._rows.forget(platform, channel, digest_date)

    async def header_message(self, row: OutboxRow) -> str | None:
        """The message id of the header a card belongs under (for threads)."""
        return await self._rows.sent_message(row.platform, row.channel, row.digest_date, HEADER)

    async def heads(self) -> list[OutboxRow]:
        """The next row of every channel with work that is not paused (one read for all)."""
        return await self._rows.heads()

    async def pause(self, platform: str, channel: str, reason: str) -> None:
        """Stop sending to a channel until ``paperbot retry`` (a permission or target error)."""
        await self._rows.pause(platform, channel, reason, now=self._clock.now())

    async def is_paused(self, platform: str, channel: str) -> str | None:
        """The pause reason, or None."""
        return await self._rows.pause_reason(platform, channel)

    async def requeue(
        self, platform: str | None = None, channel: str | None = None
    ) -> list[Requeued]:
        """``paperbot retry``: failed rows back to pending, paused channels resumed.

        Returns:
            One entry per channel that had something to requeue or resume, none when there
            was nothing to do.
        """
        return await self._rows.requeue(platform or None, channel or None)

    async def channels(self) -> list[tuple[str, str]]:
        """Every channel the outbox knows: planned for at least once, or paused."""
        return await self._rows.channels()

    async def status(self) -> list[ChannelStatus]:
        """Per channel: last digest fully delivered, pending, failed with reasons, paused."""
        return await self._rows.status()
