"""The scheduler's memory: what became of each channel's slot on each local date.

It is what lets the scheduler restart at any moment without skipping or doubling a day: a
slot with a final row (``planned`` or ``skipped``) is done; a ``planning`` row names the digest
already chosen, so a restart plans that same digest again (the outbox ignores the repeat)
instead of choosing anew. ``paperbot status`` reads the skipped rows and their reasons.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from bot.core.cards.listing import WEEK_KINDS, ListingPage
from bot.core.daily.slots import WEEK

if TYPE_CHECKING:
    from collections.abc import Sequence

    from bot.core.clock import Clock
    from bot.core.daily.repositories import DailyStore
    from bot.core.daily.slots import Slot
    from bot.core.delivery.repositories import FilteredDay, PlannedRow

__all__ = ["PlannedSlot", "RunState", "ScheduleRun", "ScheduleRuns"]


class RunState(StrEnum):
    """Where one day's slot stands."""

    WAITING = "waiting"  # the slot came, no new digest yet: waiting within the window
    PLANNING = "planning"  # a digest was chosen; the outbox may or may not hold it yet
    PLANNED = "planned"  # the outbox holds the day's cards: the worker delivers them
    SKIPPED = "skipped"  # nothing was sent for this slot; ``reason`` says why

    @property
    def final(self) -> bool:
        """Nothing more will happen for this slot."""
        return self in (RunState.PLANNED, RunState.SKIPPED)


@dataclass(frozen=True, slots=True)
class ScheduleRun:
    """One channel's slot on one local date."""

    platform: str
    channel: str
    local_date: dt.date
    slot_at: float
    state: RunState
    digest_date: dt.date | None
    reason: str | None
    updated_at: float


@dataclass(frozen=True, slots=True)
class PlannedSlot:
    """A slot's final record and what it planned: written together, or not at all."""

    run: ScheduleRun
    rows: Sequence[PlannedRow]
    filtered: FilteredDay | None


class ScheduleRuns:
    """Reads and writes ``schedule_runs``; every write is one small transaction."""

    def __init__(self, store: DailyStore, clock: Clock) -> None:
        self._rows = store.schedule_runs
        self._outbox = store.outbox
        self._clock = clock

    async def get(self, platform: str, channel: str, local_date: dt.date) -> ScheduleRun | None:
        """The record of one slot, or ``None`` if the scheduler has not acted on it."""
        return await self._rows.get(platform, channel, local_date)

    async def recent(self, platform: str, channel: str, *, limit: int = 7) -> list[ScheduleRun]:
        """The channel's latest slots, newest first (for ``paperbot status``)."""
        return await self._rows.recent(platform, channel, limit=limit)

    async def record(
        self,
        platform: str,
        channel: str,
        slot: Slot,
        state: RunState,
        *,
        digest_date: dt.date | None = None,
        reason: str | None = None,
    ) -> bool:
        """Move a slot to ``state``; False (and no change) if that would go backwards.

        A final slot stays final and a chosen digest stays chosen. The guard is in the
        database, not in Python, so two writers racing for one slot cannot both win.
        """
        run = ScheduleRun(
            platform, channel, slot.local_date, slot.at, state, digest_date, reason,
            self._clock.now(),
        )  # fmt: skip
        return await self._rows.advance(run)

    async def plan_slots(self, slots: Sequence[PlannedSlot]) -> list[bool]:
        """Record each slot as planned with its outbox rows, in one transaction.

        Returns:
            Per slot, whether it moved (False: another writer had finished it; its rows were
            not added).
        """
        return await self._rows.plan_slots(slots, now=self._clock.now())

    async def weekly_listed(self, platform: str, channel: str, day: dt.date) -> dt.date | None:
        """The local date of the channel's latest weekly listing near ``day`` (None: none).

        Read from the outbox's listing pages (a week's page says the date its week ends on,
        the slot's), so it holds across restarts and mode switches, and a week planned before
        weekly pages had keys of their own (``listing-1``) counts too. A week is keyed by its
        newest digest, at most six days before its end: reading two weeks back finds every
        listing fewer than :data:`~bot.core.daily.slots.WEEK` days before ``day``.
        """
        since = day - dt.timedelta(days=2 * WEEK)
        pages = [
            ListingPage.model_validate_json(row.content)
            for row in await self._outbox.listings(platform, channel, since)
        ]
        return max((page.last for page in pages if page.kind in WEEK_KINDS), default=None)

    async def received(self, platform: str, channel: str) -> dt.date | None:
        """The newest digest date planned for the channel, by the scheduler or by hand.

        The outbox is the truth of what a channel has (or will have) received, so a digest
        posted with ``paperbot post`` counts too, and nothing older is ever planned after it.
        """
        return await self._outbox.newest_date(platform, channel)
