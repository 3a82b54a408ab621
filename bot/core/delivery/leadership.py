"""Leadership: which of several ``serve`` processes on one database does what must run once.

Every ``serve`` answers slash commands and buttons. Exactly one at a time holds the delivery
leases (:mod:`bot.core.delivery.lease`) and runs the duties: the scheduler, the delivery
worker, the count editor, background enrichment, follow planning, the digest sources. The
others stand by and try to take the leases every third of their TTL, so when the holder dies
without letting go (SIGKILL, a lost machine) another takes over within the TTL plus one
retry. The holder renews on the same beat; when a renewal fails (the lease expired during a
long stall and another process took it, or the database cannot say) it stops its duties and
stands by again: the lease is checked, never assumed.

A term's duties are built afresh when it starts (:data:`Duties`): the core's components keep a
stop flag, so once stopped they are spent. What a term opens joins the term's exit stack and
is closed when the term ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from bot.core.clock import sleep_unless
from bot.core.delivery.lease import describe_owner
from bot.core.errors import StorageError

if TYPE_CHECKING:
    from bot.core.clock import Clock
    from bot.core.delivery.lease import Lease

__all__ = ["Duties", "Duty", "DutyEnded", "Leadership"]

_log = logging.getLogger(__name__)

#: Seconds a stopping duty may take to finish what is in flight (a send) before it is cancelled.
STOP_GRACE: Final = 5.0


class DutyEnded(Exception):
    """A duty returned while its term went on: a bug, or a part that gave up."""


@dataclass(frozen=True, slots=True)
class Duty:
    """One long-running part of a term.

    Args:
        stop: Asks it to finish what is in flight and return; None cancels it outright (it
            leaves nothing half done: the count editor's cut-off edit stays due).
    """

    name: str
    run: Callable[[], Coroutine[Any, Any, None]]
    stop: Callable[[], None] | None = None


#: Builds a term's duties; whatever they open is entered into the term's stack.
Duties = Callable[[AsyncExitStack], Awaitable[Sequence[Duty]]]


class Leadership:
    """Stand by and lead in turn until :meth:`stop`; run it as a task.

    Args:
        lease: The delivery leases of every platform this process posts to.
        duties: Builds the duties each time this process takes the lease.
    """

    def __init__(self, lease: Lease, clock: Clock, duties: Duties) -> None:
        self._lease = lease
        self._clock = clock
        self._duties = duties
        self._stopping = asyncio.Event()
        self._leading = False
        self._seen: str | None = None  # the holder last logged while standing by
        #: Terms begun so far (a test or a status line may read it).
        self.terms = 0

    @property
    def interval(self) -> float:
        """Seconds between two renewals, or two attempts to take the lease: a third of it."""
        return self._lease.ttl / 3

    @property
    def leading(self) -> bool:
        """This process holds the lease and its duties run."""
        return self._leading

    def stop(self) -> None:
        """End the term (duties finish what is in flight), let the lease go, return."""
        self._stopping.set()

    async def run(self) -> None:
        """Until :meth:`stop`.

        Raises:
            DutyEnded: A duty returned during its term; a duty's own error is raised as is.
        """
        while not self._stopping.is_set():
            if await self._take():
                await self._lead()
            else:
                await self._stand_by()

    async def _take(self) -> bool:
        try:
            return await self._lease.try_acquire()
        except StorageError:
            _log.warning("delivery lease: the database failed; trying again", exc_info=True)
            return False

    async def _stand_by(self) -> None:
        try:
            held = await self._lease.holder()
        except StorageError:
            held = None
        who = describe_owner(held[0]) if held else "another process"
        if who != self._seen:
            self._seen = who
            _log.info(
                "standby: %s delivers (%s); answering commands here, and trying to take "
                "over every %.0f s",
                who,
                self._lease.name,
                self.interval,
            )
        await sleep_unless(self._clock, self.interval, self._stopping)

    async def _lead(self) -> None:
        self._seen = None
        self.terms += 1
        lost = False
        _log.info("delivering: this process holds the delivery lease (%s)", self._lease.name)
        try:
            async with AsyncExitStack() as term:
                tasks = []
                for duty in await self._duties(term):
                    task = asyncio.create_task(duty.run(), name=duty.name)
                    term.push_async_callback(_halt, task, duty.stop)
                    tasks.append(task)
                    _log.info("%s: started", duty.name)
                self._leading = True
                lost = await self._hold(tasks)
        finally:
            self._leading = False
            if not lost:
                with contextlib.suppress(StorageError):  # it expires anyway
                    await self._lease.release()
        if lost:
            _log.warning(
                "lost the delivery lease (%s): delivery stopped here; standing by",
                self._lease.name,
            )

    async def _hold(self, tasks: Sequence[asyncio.Task[None]]) -> bool:
        """Renew while the duties run; True when the lease was lost, False on :meth:`stop`."""
        while True:
            stopping = asyncio.create_task(self._stopping.wait())
            beat = asyncio.create_task(self._clock.sleep(self.interval))
            try:
                await asyncio.wait([stopping, beat, *tasks], return_when=asyncio.FIRST_COMPLETED)
            finally:
                stopping.cancel()
                beat.cancel()
            for task in tasks:
                if task.done():
                    error = task.exception()
                    raise error or DutyEnded(f"{task.get_name()}: stopped unexpectedly")
            if self._stopping.is_set():
                return False
            try:
                if not await self._lease.renew():
                    return True
            except StorageError:
                _log.warning("delivery lease: cannot renew", exc_info=True)
                return True


async def _halt(task: asyncio.Task[None], stop: Callable[[], None] | None) -> None:
    """Ask a duty to stop, give it :data:`STOP_GRACE` to finish, then cancel it."""
    if stop is not None:
        stop()
        with contextlib.suppress(asyncio.CancelledError, TimeoutError):
            await asyncio.wait_for(asyncio.shield(task), STOP_GRACE)
    task.cancel()
    # A duty's error was raised by the term already (or comes while stopping: nobody waits).
    await asyncio.gather(task, return_exceptions=True)
