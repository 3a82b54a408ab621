"""The daily scheduler: at each channel's local time, the newest digest it has not received.

The pattern of RoboDanny's reminders, with time from an injected clock: all state lives in the
database (subscriptions, ``schedule_runs``, the outbox), and the loop only sleeps until the
next due instant, waking early when told (a subscription changed, a digest landed). So a
restart at any moment re-derives what is due from the tables and neither skips nor doubles a
post.

The rules, per channel and slot (one slot per local date, :mod:`bot.core.daily.slots`):

* At the slot, the channel gets the newest archived digest that is newer than anything its
  outbox holds. Never an older one: once the 2026-01-06 digest is planned, a 01-05 file
  ingested late is not sent. The digest date is the file's, never the clock's.
* No new digest yet: wait for one, re-checking every ``recheck`` seconds and at every
  :meth:`Scheduler.notify`, until ``wait`` after the slot; then record the day as skipped.
* After downtime the latest slot is caught up if its window is still open; older slots are
  never replayed, so a long outage ends with one post per channel, not a flood.
* Slots before a subscription existed are not owed.
* A weekly slot is owed only a week or more (in local dates) after the channel's last weekly
  listing: a weekday changed after this week's listing moves the next one to the new weekday
  of the week after (:func:`~bot.core.daily.slots.weekly_owed`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from bot.core.clock import Clock, sleep_unless
from bot.core.daily.follows import FollowPlanner
from bot.core.daily.planner import DayPlan, Planner, Routing
from bot.core.daily.schedule_runs import PlannedSlot, RunState, ScheduleRun, ScheduleRuns
from bot.core.daily.slots import WEEK, Slot, latest_slot, next_slot, weekly_owed
from bot.core.daily.subscriptions import Subscription, Subscriptions
from bot.core.delivery.outbox import Outbox
from bot.core.errors import StorageError

if TYPE_CHECKING:
    from bot.core.cards.listing import Fits
    from bot.core.daily.repositories import SchedulerStore

__all__ = ["DEFAULT_RECHECK", "DEFAULT_WAIT", "OnPlanned", "ScheduleStatus", "Scheduler"]

_log = logging.getLogger(__name__)

#: How long after its slot a channel waits for a late digest before the day is skipped. The
#: digest is usually out by the morning slot; six hours covers a late generator run without
#: posting "this morning's" papers in the evening.
DEFAULT_WAIT: Final = 6 * 3600.0
#: While waiting, how often the archive is re-read: catches a ``paperbot ingest`` run by
#: another process, which cannot call :meth:`Scheduler.notify`.
DEFAULT_RECHECK: Final = 60.0

#: Called after a channel's cards are planned. It should return quickly (wake the delivery
#: worker); the scheduler awaits it, and logs rather than raises its errors.
OnPlanned = Callable[[Subscription, dt.date], Awaitable[object]]


@dataclass(frozen=True, slots=True)
class _Due:
    """A slot planned in this pass, waiting for the pass's one write."""

    sub: Subscription
    slot: Slot
    day: dt.date  # the digest (weekly: the week's newest)
    plan: DayPlan | None  # None: the digest left the archive; the slot is recorded anyway


@dataclass(frozen=True, slots=True)
class ScheduleStatus:
    """What ``paperbot status`` shows for one subscription."""

    subscription: Subscription
    next_run: dt.datetime | None  # on the channel's wall clock; None while paused
    last: ScheduleRun | None  # the latest slot the scheduler acted on


class Scheduler:
    """Plans each subscription's daily digest at its time, through the outbox."""

    def __init__(
        self,
        store: SchedulerStore,
        subscriptions: Subscriptions,
        clock: Clock,
        on_planned: OnPlanned,
        *,
        wait: float = DEFAULT_WAIT,
        recheck: float = DEFAULT_RECHECK,
        fits: Callable[[str], Fits] | None = None,
        follows: Collection[str] = (),
        on_follows: Callable[[], object] | None = None,
    ) -> None:
        if not 0 <= wait < 24 * 3600 or recheck <= 0:
            raise ValueError("wait must be within [0, 24 h) and recheck positive")
        self._store = store
        self._subscriptions = subscriptions
        self._clock = clock
        self._on_planned = on_planned
        self._wait = wait
        self._recheck = recheck
        self._outbox = Outbox(store, clock)
        self._planner = Planner(store, self._outbox, fits, likes=store.reactions.counts)
        self._follows = FollowPlanner(store, self._planner, clock, follows)
        self._on_follows = on_follows
        self._runs = ScheduleRuns(store, clock)
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._lock = asyncio.Lock()  # run_due and plan_now never interleave
        self._newest: dt.date | None = None  # the archive's newest digest, read once a pass

    @property
    def runs(self) -> ScheduleRuns:
        """The record of every slot (for ``paperbot status``)."""
        return self._runs

    def notify(self) -> None:
        """Re-check now: a subscription changed or a digest landed."""
        self._wake.set()

    def stop(self) -> None:
        """End :meth:`run` after the pass in progress."""
        self._stopping.set()
        self._wake.set()

    async def run(self) -> None:
        """Run until :meth:`stop`: handle what is due, sleep until the next due instant."""
        _log.info("scheduler: started (waiting up to %.1f h for a late digest)", self._wait / 3600)
        while not self._stopping.is_set():
            self._wake.clear()  # before the pass: a notify during it wakes the next sleep
            try:
                wake_at = await self.run_due()
            except StorageError:
                _log.exception("scheduler: archive error; trying again in %.0f s", self._recheck)
                wake_at = self._clock.now() + self._recheck
            if not self._stopping.is_set():
                await self._sleep_until(wake_at)
        _log.info("scheduler: stopped")

    async def run_due(self) -> float | None:
        """One pass over every subscription; the clock time the next pass is due, if any."""
        now = self._clock.now()
        async with self._lock:
            self._planner.forget()  # read the archive anew, once for every channel due now
            self._newest = await self._store.latest_date()
            batch: list[_Due] = []

            async def check(sub: Subscription) -> float:
                try:
                    return await self._check(sub, now, batch)
                except StorageError:
                    raise
                except Exception:  # one bad row (a zone gone from tzdata) must not stop all
                    _log.exception("scheduler: %s:%s failed", sub.platform, sub.channel)
                    return now + self._recheck

            # Channels are independent until the one write: their reads overlap on the
            # store's reader pool (a thousand channels at one minute, benchmarks/routing.py).
            subs = [sub for sub in await self._subscriptions.list() if not sub.paused]
            dues = await asyncio.gather(*(check(sub) for sub in subs))
            wake = min(dues, default=None)
            await self._commit(batch)
            await self._plan_follows()
        return wake

    async def _plan_follows(self) -> None:
        """The newest digest's follow DMs, once per member (a failure waits for a pass)."""
        try:
            planned = await self._follows.plan(self._newest)
        except StorageError:
            raise
        except Exception:  # one member's odd row must not stop the channels' schedule
            _log.exception("scheduler: planning follow DMs failed")
            return
        if planned and self._on_follows is not None:
            self._on_follows()

    async def plan_now(self, platform: str, channel: str) -> dt.date | None:
        """Plan the newest digest the channel has not received, now, whatever the time.

        For ``post at start`` and for a fresh ``/subscribe`` that wants today's digest. It
        records no slot, so the day's slot still posts a digest newer than this one.
        """
        async with self._lock:
            sub = await self._subscriptions.get(platform, channel)
            if sub is None or sub.paused or sub.mode == "weekly":  # weekly: on its day only
                return None
            self._planner.forget()
            self._newest = await self._store.latest_date()
            day = await self._unreceived(sub)
            if day is None:
                return None
            await self._plan_and_hand_over(sub, day)
            return day

    async def status(self) -> tuple[ScheduleStatus, ...]:
        """Every subscription with its next run time and its latest slot."""
        now, result = self._clock.now(), []
        for sub in await self._subscriptions.list():
            upcoming = None if sub.paused else await self._next_owed(sub, now)
            recent = await self._runs.recent(sub.platform, sub.channel, limit=1)
            local = upcoming.local(sub.zone) if upcoming else None
            result.append(ScheduleStatus(sub, local, recent[0] if recent else None))
        return tuple(result)

    async def _next_owed(self, sub: Subscription, now: float) -> Slot:
        """The subscription's next slot that will post: a weekly one a week after the last."""
        upcoming = next_slot(now, sub.local_time, sub.zone, sub.slot_weekday)
        if sub.mode != "weekly":
            return upcoming
        listed = await self._runs.weekly_listed(sub.platform, sub.channel, upcoming.local_date)
        while not weekly_owed(upcoming.local_date, listed):
            upcoming = next_slot(upcoming.at, sub.local_time, sub.zone, sub.slot_weekday)
        return upcoming

    async def _check(self, sub: Subscription, now: float, batch: list[_Due]) -> float:
        """Act on the subscription's latest slot if it is open; when to look again."""
        upcoming = next_slot(now, sub.local_time, sub.zone, sub.slot_weekday).at
        slot = latest_slot(now, sub.local_time, sub.zone, sub.slot_weekday)
        if slot.at < sub.created_at:
            return upcoming
        run = await self._runs.get(sub.platform, sub.channel, slot.local_date)
        if run is not None and run.state.final:
            return upcoming
        closes = slot.at + self._wait
        if now >= closes:
            await self._skip(sub, slot, run, closes)
            return upcoming
        if sub.mode == "weekly" and await self._listed_lately(sub, slot):
            return upcoming
        if await self._attempt(sub, slot, run, batch):
            return upcoming
        return min(upcoming, closes, now + self._recheck)

    async def _listed_lately(self, sub: Subscription, slot: Slot) -> bool:
        """Whether the week is listed already: the channel's last weekly listing is less than
        a week before this slot (its weekday changed since). Then the slot is recorded as
        skipped, with the reason, so it is final and ``paperbot status`` says why."""
        listed = await self._runs.weekly_listed(sub.platform, sub.channel, slot.local_date)
        if weekly_owed(slot.local_date, listed):
            return False
        reason = f"the week was listed on {listed}, fewer than {WEEK} days before"
        if await self._runs.record(
            sub.platform, sub.channel, slot, RunState.SKIPPED, reason=reason
        ):
            _log.info("%s:%s: weekly listing skipped: %s", sub.platform, sub.channel, reason)
        return True

    async def _attempt(
        self, sub: Subscription, slot: Slot, run: ScheduleRun | None, batch: list[_Due]
    ) -> bool:
        """Add the slot's plan to ``batch``; False while there is no digest to plan."""
        where = f"{sub.platform}:{sub.channel}"
        if sub.mode == "weekly":  # the week ending on the slot's date, as the archive has it
            plan = await self._planner.week(
                sub.platform, sub.channel, slot.local_date, Routing.of(sub)
            )
            if plan is None:
                reason = f"no digest in the week to {slot.local_date}"
                await self._runs.record(
                    sub.platform, sub.channel, slot, RunState.SKIPPED, reason=reason
                )
                _log.info("%s: weekly listing skipped: %s", where, reason)
            else:
                batch.append(_Due(sub, slot, plan.digest_date, plan))
            return True
        day = run.digest_date if run is not None and run.state is RunState.PLANNING else None
        if day is None:  # not chosen before a restart: choose now
            day = await self._unreceived(sub)
            if day is None:
                if run is None:
                    await self._runs.record(sub.platform, sub.channel, slot, RunState.WAITING)
                    _log.info("%s: no new digest yet; waiting", where)
                return False
        plan = await self._planner.day(sub.platform, sub.channel, day, Routing.of(sub))
        if plan is None:  # removed from the archive since it was chosen
            _log.warning("%s: the %s digest is gone", where, day)
        batch.append(_Due(sub, slot, day, plan))
        return True

    async def _commit(self, batch: list[_Due]) -> None:
        """Write every slot planned in this pass in one transaction, then wake the worker.

        A slot's ``planned`` record and its outbox rows are written together, so a crash
        leaves either both or neither (and the slot is planned again after the restart); a
        slot another process finished meanwhile gets no rows. One transaction for a thousand
        channels due at one minute instead of three each.
        """
        if not batch:
            return
        batch.sort(key=lambda due: (due.sub.platform, due.sub.channel))
        now = self._clock.now()
        planned = [self._planned(due, now) for due in batch]
        for due, moved in zip(batch, await self._runs.plan_slots(planned), strict=True):
            if moved and due.plan is not None:
                self._log_plan(due.sub, due.plan, None)
                await self._wake_worker(due.sub, due.plan)

    async def _skip(
        self, sub: Subscription, slot: Slot, run: ScheduleRun | None, closes: float
    ) -> None:
        start = slot.local(sub.zone).strftime("%H:%M")
        end = dt.datetime.fromtimestamp(closes, sub.zone).strftime("%H:%M")
        if run is not None:
            reason = f"no new digest between {start} and {end} {sub.timezone}"
        elif sub.updated_at <= slot.at:
            reason = f"missed: paperbot was not running between {start} and {end} {sub.timezone}"
        else:  # settings changed after the window: this slot was never theirs to miss
            return
        if await self._runs.record(
            sub.platform, sub.channel, slot, RunState.SKIPPED, reason=reason
        ):
            _log.warning(
                "%s:%s: %s skipped: %s", sub.platform, sub.channel, slot.local_date, reason
            )

    async def _unreceived(self, sub: Subscription) -> dt.date | None:
        """The newest archived digest, if newer than anything planned for the channel."""
        newest = self._newest  # read under the lock, at the start of this pass
        received = await self._runs.received(sub.platform, sub.channel)
        if newest is None or (received is not None and newest <= received):
            return None
        return newest

    async def _plan_and_hand_over(self, sub: Subscription, day: dt.date) -> None:
        plan = await self._planner.day(sub.platform, sub.channel, day, Routing.of(sub))
        if plan is None:  # removed from the archive since it was chosen
            _log.warning("%s:%s: the %s digest is gone", sub.platform, sub.channel, day)
            return
        self._log_plan(sub, plan, await self._planner.write(plan))
        await self._wake_worker(sub, plan)

    @staticmethod
    def _planned(due: _Due, now: float) -> PlannedSlot:
        run = ScheduleRun(
            due.sub.platform, due.sub.channel, due.slot.local_date, due.slot.at,
            RunState.PLANNED, due.day, None, now,
        )  # fmt: skip
        plan = due.plan
        return PlannedSlot(run, plan.rows if plan else (), plan.filtered if plan else None)

    @staticmethod
    def _log_plan(sub: Subscription, plan: DayPlan, new: int | None) -> None:
        messages = f"{len(plan.rows) if new is None else new} new messages"
        _log.info(
            "%s:%s: the %s digest planned (%s, %d papers, %d left out by filters)",
            sub.platform, sub.channel, plan.digest_date, messages, plan.papers,
            plan.left_out,
        )  # fmt: skip

    async def _wake_worker(self, sub: Subscription, plan: DayPlan) -> None:
        if plan.nothing:
            return
        try:
            await self._on_planned(sub, plan.digest_date)
        except Exception:  # the rows are planned: the worker's next drain sends them anyway
            _log.exception(
                "%s:%s: handing the %s digest over failed",
                sub.platform, sub.channel, plan.digest_date,
            )  # fmt: skip

    async def _sleep_until(self, when: float | None) -> None:
        """Sleep on the injected clock until ``when`` (None: until notified), or a notify."""
        await sleep_unless(
            self._clock, None if when is None else when - self._clock.now(), self._wake
        )
