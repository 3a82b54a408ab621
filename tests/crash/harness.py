"""Kill real ``paperbot post`` or ``serve`` children with SIGKILL, restart them, count what arrived.

The issue's promise is "every card exactly once, in order, across crashes", and the only honest
test of a crash is a real process dying: no ``finally`` runs, no transaction commits, the socket
just closes. So the harness runs ``python -m bot post FILE --to PLATFORM:CHANNEL`` as a child
process against a platform fake served by this (the parent) process on 127.0.0.1, kills it, starts
it again on the same database, and in the end lets one run finish. Then it counts what the fake
channel holds per (digest date, paper), read from the messages themselves (Slack metadata, the
Discord embed's title or footer), and checks the outbox recorded each with the platform's id.

Where a kill lands (:class:`KillPoint`) is chosen by a seeded generator. Most points are not
timing luck: the fakes ask their fault plan about every request, and the harness replaces that
plan with a tripwire (:class:`Tripwire`, :class:`DiscordTripwire`) which sets an event on the
chosen request, once it is stored if the point says so, and holds its response back when asked.
The harness awaits that event and kills while the response is held: exactly the window between
"the platform stored the card" and "the bot heard so". Random delays cover the rest (start-up,
ingest, planning, the gaps between requests).

A SIGKILLed process cannot release its delivery lease. The next ``post`` takes over a lease whose
holder is gone from this host at once; were the pid still taken, it would plan its messages and
wait for the lease to expire (``bot.core.delivery.lease.DEFAULT_TTL``, 30 s) before sending them
itself. After each kill the harness expires the dead process's lease in the database anyway,
standing in for those 30 s; it does nothing else to the database.

With ``serve`` children (:class:`ServeChild`, issue #17) one or two serve processes share the
database; the harness kills the one holding the delivery lease (or, sometimes, the standby),
never touches the lease, waits for the survivor to take delivery over within the lease's
length, and restarts the killed one; see :mod:`tests.crash.serve_trial`. The database is a
SQLite file per trial, or a PostgreSQL database per trial when given a server's URL.

The pieces::

    kill_points     KillPoint: where a kill lands, and which leave a row to reconcile
    children        PostChild, ServeChild: the command and config of what is killed
    serve_trial     a trial of serve children: kill the holder, await the takeover, restart
    target          CrashTarget (what a platform fake offers), Arm, the child's config
    slack_target    SlackCrashTarget and its Tripwire
    discord_target  DiscordCrashTarget and its DiscordTripwire
    database        lease holders, expire a killed process's lease, read the outbox it left
                    (SQLite; postgres_database is its PostgreSQL twin)
    report          CrashReport: kills, runs, duplicates, losses, misorders
    tests/received  the cards a fake channel holds, read back from its messages
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import signal
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Final

from digest_parser import parse_digest_file
from tests.crash.children import ChildCommand, PostChild
from tests.crash.database import CrashDatabase, SqliteDatabase
from tests.crash.kill_points import LEAVES_SENDING, KillPoint
from tests.crash.report import CrashReport, Key
from tests.crash.target import CrashTarget

__all__ = ["RUN_TIMEOUT", "CrashHarness"]

ROOT: Final = Path(__file__).resolve().parents[2]
#: Real seconds one run may take before the harness calls it hung (post gives up at 60).
RUN_TIMEOUT: Final = 90.0


@dataclass(frozen=True, slots=True)
class _RunEnd:
    killed: bool
    returncode: int | None
    pid: int
    log: Path


class CrashHarness:
    """Trials of one digest to a fresh channel and database each, killed ``per_trial`` times.

    Args:
        target: The platform fake, started.
        digest: The digest file the children deliver.
        workdir: Databases, the configs and one log per run go here.
        seed: Chooses kill points, which request trips them, victims and random delays.
        per_trial: Kills before a trial's last run may finish the delivery.
        child: What is started and killed (default: ``paperbot post``).
        postgres: A PostgreSQL URL: each trial gets a new database beside the one it names
            (default: a SQLite file per trial in ``workdir``).
    """

    def __init__(
        self,
        target: CrashTarget,
        digest: Path,
        workdir: Path,
        *,
        seed: int,
        per_trial: int = 10,
        child: ChildCommand | None = None,
        postgres: str | None = None,
    ) -> None:
        parsed = parse_digest_file(digest)
        day = str(parsed.date)
        self.expected: list[Key] = [(day, "header"), *((day, p.arxiv_id) for p in parsed.papers)]
        self.target = target
        self.digest = digest
        self.workdir = workdir
        self.per_trial = per_trial
        self.child = child or PostChild(digest)
        self.postgres = postgres
        self.rng = random.Random(seed)
        self.report = CrashReport(target.platform, seed)
        self.config = workdir / f"{target.platform}-crash.toml"

    async def run(self, kills: int) -> CrashReport:
        """Kill ``kills`` times in all, over as many trials as that takes; check each trial."""
        from tests.crash.serve_trial import ServeTrial  # it builds on this module

        started = asyncio.get_running_loop().time()
        while self.report.kills < kills and self.report.trials < kills + 5:
            self.report.trials += 1
            channel = await self.target.channel(self.report.trials)
            db = self.database()
            left = min(self.per_trial, kills - self.report.kills)
            if self.child.serving:
                await ServeTrial(self, channel, db).run(left)
            else:
                await self._post_trial(channel, db, left)
            await self.target.settle()
            self.check(channel, db)
            db.discard()
        self.report.seconds = asyncio.get_running_loop().time() - started
        return self.report

    def database(self) -> CrashDatabase:
        """The new trial's database: a SQLite file, or a new PostgreSQL database."""
        name = f"{self.target.platform}-{self.report.trials}"
        if self.postgres is None:
            return SqliteDatabase(self.workdir / f"{name}.db")
        from tests.crash.postgres_database import create_database  # psycopg: only then

        unique = f"crash_{os.getpid()}_{name}".replace("-", "_")  # reruns on one server
        return create_database(self.postgres, unique)

    def log(self, what: str) -> Path:
        """A new log file's path for one child run."""
        self.report.runs += 1
        return (
            self.workdir
            / f"{self.target.platform}-{self.report.trials}-{self.report.runs}-{what}.log"
        )

    async def spawn(
        self, argv: list[str], db: CrashDatabase, log: Path
    ) -> asyncio.subprocess.Process:
        """Start a child with the fake's tokens and the database's location; output to ``log``."""
        env = {**os.environ, **self.target.environment(), **db.child_env()}
        env.pop("PAPERBOT_CONFIG", None)
        if not db.child_env():
            env.pop("PAPERBOT_DATABASE_URL", None)
        with _open_log(log) as out:
            return await asyncio.create_subprocess_exec(
                *argv,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=out,
                stderr=asyncio.subprocess.STDOUT,
                env=env,
                cwd=ROOT,
            )

    async def _post_trial(self, channel: str, db: CrashDatabase, kills: int) -> None:
        self.config.write_text(self.child.config_toml(self.target, channel), encoding="utf-8")
        previous: KillPoint | None = None
        end: _RunEnd | None = None
        for left in range(kills, 0, -1):
            point = self.choose(previous, channel)
            end = await self._run(channel, db, point, left)
            if not end.killed:
                break  # delivered everything before the kill point came
            previous = point
            self.report.kills += 1
            self.report.points[point] += 1
            db.expire_lease(end.pid)
        if end is None or end.killed:
            end = await self._run(channel, db, None, 1)
        if end.returncode != 0:
            self.problem(f"the last run exited with {end.returncode}", end.log)

    def choose(self, previous: KillPoint | None, channel: str) -> KillPoint:
        """The first kill of a harness holds a stored card's answer; the second reconciles."""
        unsent = self.remaining(channel)
        if self.report.kills == 0 and unsent:
            return KillPoint.STORED_UNANSWERED
        can_reconcile = previous in LEAVES_SENDING
        if self.report.kills == 1 and can_reconcile:
            return KillPoint.RECONCILING
        options = [KillPoint.RANDOM, *([KillPoint.RECONCILING] * 2 * can_reconcile)]
        if unsent:
            options += [KillPoint.STORED_UNANSWERED] * 3 + [KillPoint.BEFORE_STORE] * 2
            options += [KillPoint.ANSWERED]
        return self.rng.choice(options)

    def remaining(self, channel: str) -> int:
        """Cards the channel still lacks."""
        arrived = {(day, paper) for day, paper, _ in self.target.received(channel)}
        return len(self.expected) - len(arrived)

    async def _run(
        self, channel: str, db: CrashDatabase, point: KillPoint | None, left: int
    ) -> _RunEnd:
        log = self.log("post")
        trigger = self.trigger(point, channel, left)
        argv = self.child.argv(self.target.platform, channel, self.config, db)
        process = await self.spawn(argv, db, log)
        try:
            killed = await self._watch(process, trigger, log)
        finally:
            self.target.disarm()
            await reap(process)
        return _RunEnd(killed, process.returncode, process.pid, log)

    def trigger(
        self, point: KillPoint | None, channel: str, left: int
    ) -> asyncio.Future[object] | None:
        """What the kill waits for: the fake's signal, or a random delay.

        Either lands, on average, about halfway through this run's share of what is still
        unsent (``left`` kills to go), so a trial's kills spread over its whole delivery.
        """
        if point is None:
            return None
        share = max(1, self.remaining(channel) // left)
        if point is KillPoint.RANDOM:
            span = self.target.startup_seconds + share * self.target.seconds_per_message
            return asyncio.ensure_future(asyncio.sleep(self.rng.uniform(0.0, span)))
        skip = 0 if point is KillPoint.RECONCILING else self.rng.randrange(share)
        return asyncio.ensure_future(self.target.arm(point, channel, skip).wait())

    async def _watch(
        self, process: asyncio.subprocess.Process, trigger: asyncio.Future[object] | None, log: Path
    ) -> bool:
        """Kill when ``trigger`` fires; True if the process died of our SIGKILL."""
        exited = asyncio.ensure_future(process.wait())
        waiting: set[asyncio.Future[Any]] = {exited} if trigger is None else {exited, trigger}
        try:
            done, _ = await asyncio.wait(
                waiting, timeout=RUN_TIMEOUT, return_when=asyncio.FIRST_COMPLETED
            )
            if exited not in done:
                if trigger not in done:
                    self.problem(f"a run hung for {RUN_TIMEOUT:.0f} s", log)
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await exited
            return process.returncode == -signal.SIGKILL
        finally:
            for task in waiting:
                task.cancel()
            await asyncio.gather(*waiting, return_exceptions=True)

    def delivered(self, channel: str, db: CrashDatabase) -> bool:
        """Every card is in the channel and the outbox recorded each as sent."""
        if self.remaining(channel):
            return False
        rows = db.outbox_rows(self.target.platform, channel)
        return all(rows.get(key, ("",))[0] == "sent" for key in self.expected)

    def check(self, channel: str, db: CrashDatabase) -> None:
        """Count the channel's cards per (digest, paper) against the digest and the outbox."""
        received = self.target.received(channel)
        counts = Counter((day, paper) for day, paper, _ in received)
        first_ids: dict[Key, str] = {}
        for day, paper, message_id in received:
            first_ids.setdefault((day, paper), message_id)
        report = self.report
        report.expected += len(self.expected)
        report.duplicates += sum(n - 1 for n in counts.values())
        report.losses += sum(1 for key in self.expected if key not in counts)
        strays = [key for key in counts if key not in set(self.expected)]
        if strays:
            self.problem(f"{channel} received messages that are not cards: {strays[:3]}", None)
        if list(first_ids) != [key for key in self.expected if key in counts]:
            report.misordered += 1
            self.problem(f"{channel} order: {[paper for _, paper in first_ids]}", None)
        rows = db.outbox_rows(self.target.platform, channel)
        for key in self.expected:
            if rows.get(key) != ("sent", first_ids.get(key)):
                report.unrecorded += 1
                found = f"outbox {rows.get(key)}, channel {first_ids.get(key)}"
                self.problem(f"{channel} {key}: {found}", None)

    def problem(self, what: str, log: Path | None) -> None:
        """Note what went wrong in this trial, and where its log is."""
        where = f" (log: {log})" if log is not None else ""
        self.report.problems.append(f"trial {self.report.trials}: {what}{where}")


def _open_log(path: Path) -> IO[bytes]:
    """A run's log file (a plain helper: opening a local file does not block the loop)."""
    return path.open("wb")


async def reap(process: asyncio.subprocess.Process) -> None:
    """Make sure the child is gone and waited for: no orphans, no zombie, no warning."""
    if process.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()
