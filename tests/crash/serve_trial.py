"""One crash trial with ``paperbot serve`` children: kill the deliverer, await the takeover.

Issue #17: "killing the delivering process hands delivery to the other". One or two serve
processes run on the trial's database, each with a config of its own (a Slack serve listens on
a port of its own). At each kill point the victim is the process holding the platform's
delivery lease, read from the leases table (its owner names the pid); now and then, at a random
moment, it is the standby instead. The lease is never touched by hand: with two processes the
harness waits for the survivor to take the lease over, no longer than the lease's length plus a
retry interval once the survivor is up, and counts that takeover; only then does it restart the
killed one, which comes back as the standby. The next kill point is armed before the wait, so a
takeover's reconciliation can be the next kill. With one process, the restarted one takes over
itself.

The trial ends when every card is in the channel and recorded as sent; the serve processes are
then stopped with SIGTERM and must exit 0.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from bot.core.delivery.lease import DEFAULT_TTL, delivery_lease
from tests.crash.database import CrashDatabase, owner_pid
from tests.crash.harness import RUN_TIMEOUT, reap
from tests.crash.kill_points import KillPoint

if TYPE_CHECKING:
    from tests.crash.harness import CrashHarness

__all__ = ["ServeTrial"]

#: How often a random-moment kill takes the standby rather than the deliverer.
STANDBY_SHARE: Final = 0.5
#: Real seconds a stopped serve may take to exit.
STOP_TIMEOUT: Final = 30.0
#: In a serve child's log once its signal handlers are in place (serve's first log lines).
STARTED: Final = b"bot.app"
#: Slack for a loaded machine on top of the lease's length and one retry interval.
TAKEOVER_MARGIN: Final = 2.0


@dataclass
class _Slot:
    """One serve process's place: its config, and the process running there now."""

    name: str
    config: Path
    process: asyncio.subprocess.Process | None = None
    log: Path | None = None

    @property
    def pid(self) -> int:
        return self.process.pid if self.process is not None else -1

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.returncode is None


class ServeTrial:
    """Serve children on one database and channel, killed ``kills`` times, then stopped."""

    def __init__(self, harness: CrashHarness, channel: str, db: CrashDatabase) -> None:
        self.harness = harness
        self.channel = channel
        self.db = db
        self.lease = delivery_lease(harness.target.platform)
        ttl = getattr(harness.child, "lease_seconds", None) or DEFAULT_TTL
        self.takeover_limit = ttl + ttl / 3 + TAKEOVER_MARGIN
        trial = f"{harness.target.platform}-{harness.report.trials}"
        self.slots = [
            _Slot(name, harness.workdir / f"{trial}-serve-{name}.toml")
            for name in "ab"[: harness.child.processes]
        ]

    async def run(self, kills: int) -> None:
        """Start the children, kill ``kills`` times (fewer if delivery ends first), stop them."""
        harness, target = self.harness, self.harness.target
        trigger: asyncio.Future[object] | None = None
        try:
            for slot in self.slots:
                toml = harness.child.config_toml(target, self.channel)
                slot.config.write_text(toml, encoding="utf-8")
                await self._start(slot)
            point = harness.choose(None, self.channel)
            trigger = harness.trigger(point, self.channel, kills)
            for left in range(kills, 0, -1):
                if await self._wait(trigger) != "tripped":
                    break  # delivered before the kill point came, or a child misbehaved
                victim, was_holder = await self._kill(point)
                harness.report.kills += 1
                harness.report.points[point] += 1
                target.disarm()
                previous, trigger = point, None
                if left > 1:  # armed now: the takeover's reconciliation may be the next point
                    point = harness.choose(previous, self.channel)
                    trigger = harness.trigger(point, self.channel, left - 1)
                survivors = [s for s in self.slots if s is not victim and s.running]
                if was_holder and survivors:
                    await self._await_takeover(survivors)
                await self._start(victim)
            else:
                target.disarm()
                if (outcome := await self._wait(None)) not in ("done", "exited"):
                    harness.problem(f"delivery did not finish ({outcome})", None)
        finally:
            target.disarm()
            if trigger is not None:
                trigger.cancel()
                await asyncio.gather(trigger, return_exceptions=True)
            await self._stop_all()

    async def _start(self, slot: _Slot) -> None:
        slot.log = self.harness.log(f"serve-{slot.name}")
        argv = self.harness.child.argv(self.harness.target.platform, self.channel, slot.config,
                                       self.db)  # fmt: skip
        slot.process = await self.harness.spawn(argv, self.db, slot.log)

    async def _wait(self, trigger: asyncio.Future[object] | None) -> str:
        """Until the kill point trips ("tripped") or every card is delivered ("done").

        A child that exits on its own ("exited") is a problem that ends the trial.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + RUN_TIMEOUT
        while loop.time() < deadline:
            if trigger is not None and trigger.done():
                return "tripped"
            for slot in self.slots:
                if not slot.running:
                    code = slot.process.returncode if slot.process else None
                    self.harness.problem(f"serve {slot.name} exited by itself ({code})", slot.log)
                    return "exited"
            if self.harness.delivered(self.channel, self.db):
                return "done"
            if trigger is None:
                await asyncio.sleep(0.05)
            else:  # wakes at once when it trips: an unheld answer leaves no time to lose
                await asyncio.wait({trigger}, timeout=0.05)
        self.harness.problem(f"hung for {RUN_TIMEOUT:.0f} s", None)
        return "hung"

    def _holder(self) -> int | None:
        """The pid of the live holder of the platform's delivery lease, if any."""
        now = time.time()
        live = [owner_pid(o) for o, expires in self.db.lease_owners(self.lease) if expires > now]
        return live[0] if live else None

    async def _kill(self, point: KillPoint) -> tuple[_Slot, bool]:
        """SIGKILL the deliverer (or, at a random moment, sometimes the standby)."""
        harness = self.harness
        holder = self._holder()
        by_pid = {slot.pid: slot for slot in self.slots if slot.running}
        victim = by_pid.get(holder) if holder is not None else None
        others = [slot for slot in by_pid.values() if slot is not victim]
        if others and point is KillPoint.RANDOM and harness.rng.random() < STANDBY_SHARE:
            victim = harness.rng.choice(others)
        if victim is None:
            victim = harness.rng.choice(list(by_pid.values()) or self.slots)
        was_holder = victim.pid == holder
        if victim.process is not None:
            with contextlib.suppress(ProcessLookupError):
                victim.process.kill()
            await reap(victim.process)
        if was_holder:
            harness.report.holder_kills += 1
        else:
            harness.report.standby_kills += 1
        return victim, was_holder

    async def _started(self, slot: _Slot) -> None:
        """Until the child logs from ``bot.app``: serve handles SIGTERM by then.

        A restarted child may still be importing when delivery ends; SIGTERM would then find
        Python's default action, not serve's clean stop.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + STOP_TIMEOUT
        while slot.running and slot.log is not None and loop.time() < deadline:
            if STARTED in slot.log.read_bytes():
                return
            await asyncio.sleep(0.05)

    async def _await_takeover(self, survivors: list[_Slot]) -> None:
        """Until a survivor holds the delivery lease; counted as a takeover.

        The clock starts once the survivors are up: one restarted just before this kill may
        still be importing, and no process can take a lease before it runs.
        """
        for slot in survivors:
            await self._started(slot)
        loop = asyncio.get_running_loop()
        started = loop.time()
        pids = {slot.pid for slot in survivors}
        while (waited := loop.time() - started) < self.takeover_limit:
            if self._holder() in pids:
                report = self.harness.report
                report.takeovers += 1
                report.longest_takeover = max(report.longest_takeover, waited)
                return
            await asyncio.sleep(0.02)
        logs = ", ".join(str(slot.log) for slot in survivors)
        self.harness.problem(
            f"no survivor took delivery over within {self.takeover_limit:.1f} s ({logs})", None
        )

    async def _stop_all(self) -> None:
        """SIGTERM every child once it has started; each must exit 0 in time."""
        for slot in self.slots:
            await self._started(slot)
            if slot.running and slot.process is not None:
                slot.process.terminate()
        for slot in self.slots:
            if slot.process is None:
                continue
            try:
                code = await asyncio.wait_for(slot.process.wait(), STOP_TIMEOUT)
            except TimeoutError:
                code = None
            if code != 0:
                self.harness.problem(f"serve {slot.name} stopped with {code}", slot.log)
            await reap(slot.process)
