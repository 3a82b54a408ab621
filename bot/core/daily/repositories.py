"""What the daily run asks of the database: subscriptions and the record of slots, as Protocols.

:class:`~bot.core.daily.subscriptions.Subscriptions` validates settings and
:class:`~bot.core.daily.schedule.Scheduler` decides what a slot's states mean; a repository
only keeps the rows. The one rule kept in the database is the one two writers could race on:
a slot's state only moves forward (:meth:`ScheduleRunRepository.advance`). The storage package
implements them (``storage/subscription_table.py`` and each backend's ``schedule_runs.py``);
a store offers them, with the delivery tables, as a :class:`DailyStore`.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Protocol

from bot.core.archive.repositories import ArchiveRepository
from bot.core.delivery.repositories import DeliveryStore
from bot.core.voice.repositories import VoiceStore

if TYPE_CHECKING:
    from collections.abc import Sequence

    from bot.core.daily.schedule_runs import PlannedSlot, ScheduleRun
    from bot.core.daily.subscriptions import Subscription

__all__ = ["DailyStore", "ScheduleRunRepository", "SchedulerStore", "SubscriptionRepository"]


class SubscriptionRepository(Protocol):
    """The ``subscriptions`` rows: one per (platform, channel)."""

    async def get(self, platform: str, channel: str) -> Subscription | None:
        """The channel's subscription, or None."""
        ...

    async def all(self, platform: str | None = None) -> tuple[Subscription, ...]:
        """Every subscription (of one platform), by platform and channel."""
        ...

    async def put(self, subscription: Subscription) -> None:
        """Insert, or replace the settings of the channel's row; its ``created_at`` stays."""
        ...

    async def remove(self, platform: str, channel: str) -> bool:
        """Delete the channel's row; False if there was none."""
        ...


class ScheduleRunRepository(Protocol):
    """The ``schedule_runs`` rows: one per (platform, channel, local date)."""

    async def get(self, platform: str, channel: str, local_date: dt.date) -> ScheduleRun | None:
        """The record of one slot, or None."""
        ...

    async def recent(self, platform: str, channel: str, *, limit: int) -> list[ScheduleRun]:
        """The channel's latest slots, newest first."""
        ...

    async def advance(self, run: ScheduleRun) -> bool:
        """Write ``run`` over its slot's row, unless that would move it backwards.

        A ``waiting`` row may become anything, a ``planning`` row anything but ``waiting``,
        a final row nothing. Checked in the same statement as the write, so of two racing
        writers only one can win. False (and no change) when the row stays as it was.
        """
        ...

    async def plan_slots(self, slots: Sequence[PlannedSlot], *, now: float) -> list[bool]:
        """:meth:`advance` each slot's run to its final state and, when it moved, add its
        outbox rows and what its filters left out as
        :meth:`~bot.core.delivery.repositories.OutboxRepository.add` does; all in one
        transaction. Per slot, whether it moved (False: it was final already)."""
        ...


class DailyStore(DeliveryStore, Protocol):
    """A database that keeps the daily run's tables beside the delivery ones."""

    @property
    def subscriptions(self) -> SubscriptionRepository:
        """The subscriptions."""
        ...

    @property
    def schedule_runs(self) -> ScheduleRunRepository:
        """The record of each channel's slots."""
        ...


class SchedulerStore(DailyStore, ArchiveRepository, VoiceStore, Protocol):
    """A daily store that also reads the archive (what the scheduler plans from) and keeps
    the follows (whose DMs it plans) and reactions (a weekly ``rank:likes`` listing)."""
