"""Leadership: one process runs the duties, the others stand by and take over on expiry.

A holder that died is modelled by what it leaves behind: a lease row of an owner on another
host that is never renewed (a SIGKILLed process on this host is noticed at once by
:meth:`Lease.try_acquire`; one elsewhere only by expiry, which is what is tested here). Time is
a :class:`SteppedClock` shared by every party, moved by the test; each test runs on every
backend that keeps the leases.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import AsyncExitStack

import pytest

from bot.core.delivery.leadership import Duty, DutyEnded, Leadership
from bot.core.delivery.lease import Lease
from bot.core.delivery.repositories import DeliveryStore
from tests.fakes.clock import SteppedClock

NOW = 1_767_225_600.0
TTL = 30.0
NAMES = ["delivery:console", "delivery:slack"]


class Terms:
    """Duties that record when each term's work starts and stops."""

    def __init__(self) -> None:
        self.started = 0
        self.stopped = 0
        self.running = 0

    async def __call__(self, term: AsyncExitStack) -> list[Duty]:
        self.started += 1
        done = asyncio.Event()

        async def work() -> None:
            self.running += 1
            try:
                await done.wait()
            finally:
                self.running -= 1
                self.stopped += 1

        return [Duty("work", work, done.set)]


def gone(store: DeliveryStore, clock: SteppedClock, pid: int) -> Lease:
    """A lease of a ``serve`` on another host: once taken, never renewed (it died)."""
    lease = Lease(store, clock, NAMES, TTL, role="serve")
    lease.owner = f"elsewhere:{pid}:0badc0de:serve"
    return lease


def leadership(store: DeliveryStore, clock: SteppedClock, terms: Terms) -> Leadership:
    return Leadership(Lease(store, clock, NAMES, TTL, role="serve"), clock, terms)


async def test_stands_by_while_another_delivers_and_takes_over_within_the_ttl(
    backend_store: DeliveryStore, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot")
    clock = SteppedClock(NOW)
    assert await gone(backend_store, clock, 4242).acquire()  # and then it died
    terms = Terms()
    here = leadership(backend_store, clock, terms)
    running = asyncio.create_task(here.run())
    # Walked deadline by deadline, never jumping while a try is in flight: tries every third.
    await clock.advance_until(lambda: "standby:" in caplog.text, limit=NOW)
    assert not here.leading and terms.started == 0
    assert "standby: paperbot serve (pid 4242 on elsewhere) delivers" in caplog.text
    taken = await clock.advance_until(lambda: terms.running == 1, limit=NOW + 2 * TTL)
    assert NOW + TTL <= taken <= NOW + TTL + here.interval
    assert here.leading and caplog.text.count("standby:") == 1  # said once, not every retry
    here.stop()
    await asyncio.wait_for(running, 10)
    assert terms.stopped == 1
    assert await backend_store.leases.live(now=clock.now()) == []  # let go, not left to expire


async def test_a_holder_that_lost_its_lease_in_a_stall_stops_its_duties_and_stands_by(
    backend_store: DeliveryStore, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot")
    clock = SteppedClock(NOW)
    terms = Terms()
    here = leadership(backend_store, clock, terms)
    running = asyncio.create_task(here.run())
    await clock.advance_until(lambda: terms.running == 1, limit=NOW + 1)
    await clock.advance_to(NOW + 3 * TTL)  # renewed all along
    assert here.leading and terms.started == 1
    # A stall: time passes with none of this process's tasks running, and its lease expires;
    # another process takes it, and then dies in turn.
    clock.time += 2 * TTL
    assert await gone(backend_store, clock, 4343).acquire()
    stalled = clock.time
    # Noticed at the next renewal: due already, or one beat on if one was in flight.
    await clock.advance_until(lambda: not here.leading, limit=stalled + here.interval)
    assert terms.running == 0 and terms.stopped == 1
    assert "lost the delivery lease" in caplog.text
    await clock.advance_until(lambda: terms.running == 1, limit=stalled + TTL + here.interval)
    assert here.terms == 2 and terms.started == 2
    here.stop()
    await asyncio.wait_for(running, 10)


async def test_two_processes_one_delivers_and_a_clean_stop_hands_over_at_the_next_try(
    backend_store: DeliveryStore,
) -> None:
    clock = SteppedClock(NOW)
    first_terms, second_terms = Terms(), Terms()
    first = leadership(backend_store, clock, first_terms)
    second = leadership(backend_store, clock, second_terms)
    first_run = asyncio.create_task(first.run())
    await clock.advance_until(lambda: first.leading, limit=NOW + 1)
    second_run = asyncio.create_task(second.run())
    await clock.advance_to(NOW + 5 * TTL)
    assert first.leading and not second.leading and second_terms.started == 0
    first.stop()
    await asyncio.wait_for(first_run, 10)
    stopped = clock.time
    await clock.advance_until(lambda: second_terms.running == 1, limit=stopped + second.interval)
    assert second.leading and first_terms.running == 0
    second.stop()
    await asyncio.wait_for(second_run, 10)


async def test_a_duty_that_ends_during_its_term_is_an_error(backend_store: DeliveryStore) -> None:
    clock = SteppedClock(NOW)

    async def quits() -> None:
        return None

    async def duties(term: AsyncExitStack) -> list[Duty]:
        return [Duty("quitter", quits)]

    here = Leadership(Lease(backend_store, clock, NAMES, TTL), clock, duties)
    with pytest.raises(DutyEnded, match="quitter: stopped unexpectedly"):
        await asyncio.wait_for(here.run(), 10)
    assert await backend_store.leases.live(now=clock.now()) == []
