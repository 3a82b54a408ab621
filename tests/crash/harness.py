"""Kill a real ``paperbot post`` with SIGKILL at chosen moments, restart it, count what arrived.

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

A SIGKILLed process cannot release its delivery lease, and the next ``post`` would wait for it
(``bot.core.lease.DEFAULT_TTL``, 30 s) longer than it is willing to (``LEASE_PATIENCE``, 10 s).
After each kill the harness therefore expires the dead process's lease in the database, standing
in for the 30 s a user would wait; it does nothing else to the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import re
import signal
import sqlite3
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import IO, Any, Final, Protocol, Self

from tests.fakes.discord_api import FakeDiscord  # isort: skip  (imports discord.py quietly)

from bot.config import DeliveryConfig
from digest_parser import parse_digest_file
from tests.fakes.discord_faults import Fault as DiscordFault
from tests.fakes.discord_faults import FaultPlan as DiscordFaultPlan
from tests.fakes.discord_faults import route_matches
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_faults import Fault as SlackFault
from tests.fakes.slack_faults import FaultPlan
from tests.fakes.slack_ratelimit import RetryAfterStyle, SlackRateLimit

__all__ = [
    "CrashHarness",
    "CrashReport",
    "CrashTarget",
    "DiscordCrashTarget",
    "DiscordTripwire",
    "KillPoint",
    "SlackCrashTarget",
    "Tripwire",
    "discord_cards",
    "slack_cards",
]

ROOT: Final = Path(__file__).resolve().parents[2]
#: Real seconds a held Slack response waits; the fake's close() wakes it long before.
HOLD: Final = 3600.0
#: Real seconds a held Discord response waits (nothing can wake it early).
DISCORD_HOLD: Final = 1.5
#: Real seconds one run may take before the harness calls it hung (post gives up at 60).
RUN_TIMEOUT: Final = 90.0
OURS_SLACK: Final = frozenset({"paperbot_card", "paperbot_digest"})

Key = tuple[str, str]  # (digest date, paper id or "header")


class KillPoint(StrEnum):
    """Where a SIGKILL lands."""

    STORED_UNANSWERED = "stored, answer held back"
    BEFORE_STORE = "received, not yet stored"
    ANSWERED = "answered, maybe not recorded"
    RECONCILING = "reconciling after a restart"
    RANDOM = "random moment"


#: After these the outbox holds a ``sending`` row, so the next run must reconcile.
LEAVES_SENDING: Final = frozenset({KillPoint.STORED_UNANSWERED, KillPoint.BEFORE_STORE})


@dataclass
class CrashReport:
    """What the harness did and found; ``ok`` when nothing was lost, doubled or misordered."""

    platform: str
    seed: int
    trials: int = 0
    runs: int = 0
    kills: int = 0
    expected: int = 0
    duplicates: int = 0
    losses: int = 0
    misordered: int = 0
    unrecorded: int = 0
    points: Counter[KillPoint] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Every card once, in order, recorded, and no run misbehaved."""
        bad = self.duplicates + self.losses + self.misordered + self.unrecorded
        return bad == 0 and not self.problems

    def summary(self) -> str:
        """One paragraph for a failing assertion or a benchmark line; names the seed."""
        points = ", ".join(f"{p.value}: {n}" for p, n in sorted(self.points.items()))
        lines = [
            f"{self.platform} crash harness (seed {self.seed}): {self.trials} trials, "
            f"{self.runs} runs, {self.kills} kills ({points}); {self.expected} messages "
            f"expected, {self.duplicates} duplicates, {self.losses} lost, "
            f"{self.misordered} trials out of order, {self.unrecorded} not recorded as sent",
            *self.problems,
        ]
        return "\n".join(lines)


class CrashTarget(Protocol):
    """A platform fake the harness can point ``paperbot post`` at and trip at kill points."""

    platform: str
    #: Real seconds from starting ``paperbot post`` to its first post (measured here).
    startup_seconds: float
    #: Real seconds the child spends per message in one channel (its scaled pacing).
    seconds_per_message: float

    def config_toml(self) -> str:
        """``config.toml`` text pointing paperbot at the fake, pacing included."""
        ...

    def environment(self) -> dict[str, str]:
        """Environment variables for the child (the token)."""
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


def _child_config(endpoints: str, platform: str, scale: float) -> str:
    """The child's config: the fake's address, and the default pacing in scaled time.

    Pacing divides ``bot.config``'s defaults by ``scale``, as the fakes multiply their windows
    by it; back-off is short because the kills, not the retries, are under test.
    """
    pacing = getattr(DeliveryConfig(), platform)
    lines = [
        endpoints,
        "[delivery]\nmax_attempts = 20\nbase_delay = 0.05\nmax_delay = 1.0\n",
        f"[delivery.{platform}]",
        f"per_channel_per_second = {pacing.per_channel_per_second / scale}",
        f"channel_burst = {pacing.channel_burst}",
        f"overall_burst = {pacing.overall_burst}",
    ]
    if pacing.overall_per_second is not None:
        lines.append(f"overall_per_second = {pacing.overall_per_second / scale}")
    return "\n".join(lines) + "\n"


@dataclass
class _Arm:
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


class Tripwire(FaultPlan):
    """A Slack fault plan that signals one chosen request, and holds its response when asked.

    The Slack fake consults its plan when a request arrives and again right after it stored a
    message; those are the kill points, so the signal comes from the fake itself. A held
    request waits until the fake closes, which drops it: held before storing, it never stores.
    """

    def __init__(self) -> None:
        super().__init__()
        self.armed: _Arm | None = None

    def take(self, method: str, channel: str | None, *, after_store: bool) -> SlackFault | None:
        """The fake's question; trips the armed request, else asks the ordinary plan."""
        arm = self.armed
        if arm and arm.is_for(method, channel, after_store) and arm.fires():
            self.armed = None
            arm.tripped.set()
            return SlackFault.delay(HOLD) if arm.hold else None
        return super().take(method, channel, after_store=after_store)


#: Method, after storing?, hold the answer? per kill point.
_SLACK_TRIPS: Final = {
    KillPoint.STORED_UNANSWERED: ("chat.postMessage", True, True),
    KillPoint.BEFORE_STORE: ("chat.postMessage", False, True),
    KillPoint.ANSWERED: ("chat.postMessage", True, False),
    KillPoint.RECONCILING: ("conversations.history", False, True),
}


class SlackCrashTarget:
    """The Slack fake with its default limits enforced, windows scaled by ``scale``.

    ``ts`` values are real epoch times (``wall_clock``), as Slack's are: reconciliation asks
    ``conversations.history`` for messages since the attempt, on the child's real clock. The
    child waits ``Retry-After`` on that clock too, so the fake states it in real seconds.
    """

    platform = "slack"
    startup_seconds = 0.5

    def __init__(self, *, scale: float = 0.01) -> None:
        self.scale = self.seconds_per_message = scale
        limits = SlackRateLimit(retry_after=RetryAfterStyle.SCALED)
        self.fake = FakeSlackAPI(rate_limit=limits, time_scale=scale, wall_clock=time.time)
        self.tripwire = Tripwire()
        self.fake.faults = self.tripwire

    async def __aenter__(self) -> Self:
        await self.fake.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.fake.close()

    def config_toml(self) -> str:
        """``[slack] api_base_url`` and scaled ``[delivery.slack]``."""
        return _child_config(
            f'[slack]\napi_base_url = "{self.fake.base_url}"\n', "slack", self.scale
        )

    def environment(self) -> dict[str, str]:
        """``SLACK_BOT_TOKEN``: the token the fake accepts."""
        return {"SLACK_BOT_TOKEN": self.fake.bot_token}

    async def channel(self, trial: int) -> str:
        """``C`` and a number: Slack's channel id shape (the fake accepts any)."""
        return f"C{trial:08d}"

    def arm(self, point: KillPoint, channel: str, skip: int) -> asyncio.Event:
        """Trip on the chosen request of ``channel`` (see :data:`_SLACK_TRIPS`)."""
        method, after_store, hold = _SLACK_TRIPS[point]
        self.tripwire.armed = _Arm(method, channel, after_store, skip, hold)
        return self.tripwire.armed.tripped

    def disarm(self) -> None:
        """Forget the armed request."""
        self.tripwire.armed = None

    async def settle(self) -> None:
        """Nothing to wait for: held Slack requests never store (see :class:`Tripwire`)."""

    def received(self, channel: str) -> list[tuple[str, str, str]]:
        """Cards as the channel holds them (:func:`slack_cards`)."""
        return slack_cards(self.fake, channel)


class DiscordTripwire(DiscordFaultPlan):
    """The Discord fault plan with a tripwire; see :class:`Tripwire`.

    The Discord fake asks its plan once, before the request takes effect; a fault marked
    ``after_commit`` then applies after the message is stored. So for a kill point after
    storing, the tripwire watches the channel for the request's nonce and signals once the
    message is there. Holds are short (:data:`DISCORD_HOLD`) because a held handler cannot be
    woken early: one held before storing then stores the message late, as Discord would after
    a client died mid-request, and the resend's identical nonce must keep it single.
    """

    def __init__(self, fake: FakeDiscord) -> None:
        super().__init__()
        self.fake = fake
        self.armed: _Arm | None = None
        self.quiet_at = 0.0
        self.watchers: set[asyncio.Task[None]] = set()

    def take(self, method: str, path: str) -> DiscordFault | None:
        """The fake's question; trips the armed request, else asks the ordinary plan."""
        arm = self.armed
        if arm and route_matches(arm.request, method, path) and arm.fires():
            self.armed = None
            if arm.after_store:
                self._signal_when_stored(path, arm.tripped)
            else:
                arm.tripped.set()
            if arm.hold:
                self.quiet_at = time.monotonic() + DISCORD_HOLD
                seconds = DISCORD_HOLD / self.fake.clock.scale
                return DiscordFault.delay(seconds, after_commit=arm.after_store)
            return None
        return super().take(method, path)

    def _signal_when_stored(self, path: str, tripped: asyncio.Event) -> None:
        nonce = (self.fake.requests[-1].json or {}).get("nonce")  # the request being served
        channel = int(path.split("/")[2])

        async def watch() -> None:
            with contextlib.suppress(TimeoutError):  # refused (429): no kill this run
                await self.fake.wait_until(
                    lambda: any(m.nonce == nonce for m in self.fake.messages(channel))
                )
                tripped.set()

        task = asyncio.ensure_future(watch())
        self.watchers.add(task)
        task.add_done_callback(self.watchers.discard)


_DISCORD_POST: Final = "POST /channels/*/messages"
_DISCORD_TRIPS: Final = {
    KillPoint.STORED_UNANSWERED: (_DISCORD_POST, True, True),
    KillPoint.BEFORE_STORE: (_DISCORD_POST, False, True),
    KillPoint.ANSWERED: (_DISCORD_POST, True, False),
    KillPoint.RECONCILING: ("GET /channels/*/messages", False, True),
}
_DISCORD_HEADER: Final = re.compile(r"^Hugging Face Daily Papers – (\d{4}-\d\d-\d\d) · ")
_DISCORD_FOOTER: Final = re.compile(r"^(\S+) · (\d{4}-\d\d-\d\d) · ")


class DiscordCrashTarget:
    """The Discord fake with its default limits (per-channel buckets, global 50/s), scaled.

    Its nonce window (300 Discord seconds) is scaled too, to 3 s at ``scale=0.01``. A restarted
    ``post`` looks for an interrupted card in the channel's history before resending; the nonce
    is what keeps a card single when a request held before storing lands late (see
    :class:`DiscordTripwire`).
    """

    platform = "discord"
    startup_seconds = 0.7  # discord.py's import and the REST login

    def __init__(self, *, scale: float = 0.01) -> None:
        self.scale = scale
        self.seconds_per_message = scale / DeliveryConfig().discord.per_channel_per_second
        self.fake = FakeDiscord(time_scale=scale, patch_discord=False, wait_timeout=10.0)
        self.tripwire = DiscordTripwire(self.fake)
        self.fake.faults = self.fake.pipeline.faults = self.tripwire

    async def __aenter__(self) -> Self:
        await self.fake.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        try:
            await self.settle()
            for task in list(self.tripwire.watchers):
                task.cancel()
            await asyncio.gather(*self.tripwire.watchers, return_exceptions=True)
        finally:
            await self.fake.close()

    def config_toml(self) -> str:
        """``[discord] api_base_url`` and scaled ``[delivery.discord]``."""
        endpoint = f'[discord]\napi_base_url = "{self.fake.base_url}"\n'
        return _child_config(endpoint, "discord", self.scale)

    def environment(self) -> dict[str, str]:
        """``DISCORD_TOKEN``: the token the fake accepts."""
        return {"DISCORD_TOKEN": self.fake.token}

    async def channel(self, trial: int) -> str:
        """A new text channel in the fake's guild."""
        return str(await self.fake.create_channel(f"crash-{trial}"))

    def arm(self, point: KillPoint, channel: str, skip: int) -> asyncio.Event:
        """Trip on the chosen request of ``channel`` (see :data:`_DISCORD_TRIPS`)."""
        pattern, after_store, hold = _DISCORD_TRIPS[point]
        route = pattern.replace("*", channel, 1)
        self.tripwire.armed = _Arm(route, channel, after_store, skip, hold)
        return self.tripwire.armed.tripped

    def disarm(self) -> None:
        """Forget the armed request."""
        self.tripwire.armed = None

    async def settle(self) -> None:
        """Wait out the holds: a request held before storing may still store its message."""
        await asyncio.sleep(max(0.0, self.tripwire.quiet_at - time.monotonic()) + 0.05)

    def received(self, channel: str) -> list[tuple[str, str, str]]:
        """Cards as the channel holds them (:func:`discord_cards`)."""
        return discord_cards(self.fake, channel)


def slack_cards(fake: FakeSlackAPI, channel: str) -> list[tuple[str, str, str]]:
    """(digest date, paper, ts) of each message in a Slack channel, from its metadata."""
    found = []
    for message in fake.posted(channel):
        meta = message.metadata or {}
        payload = meta.get("event_payload") or {}
        if meta.get("event_type") in OURS_SLACK:
            key = (str(payload.get("digest_date")), str(payload.get("paper")))
        else:
            key = ("?", f"unrecognised message {message.ts}")
        found.append((*key, message.ts))
    return found


def discord_cards(fake: FakeDiscord, channel: str) -> list[tuple[str, str, str]]:
    """(digest date, paper, id) of each message in a Discord channel, from its embeds.

    The header's title and a card's footer name the digest and paper, as readers see them.
    """
    found = []
    for message in fake.messages(int(channel)):
        embeds = message.embeds or [{}]
        header = _DISCORD_HEADER.match(str(embeds[0].get("title") or ""))
        footer = _DISCORD_FOOTER.match(str((embeds[-1].get("footer") or {}).get("text") or ""))
        if header:
            key = (header.group(1), "header")
        elif footer:
            key = (footer.group(2), footer.group(1))
        else:
            key = ("?", f"unrecognised message {message.id}")
        found.append((*key, str(message.id)))
    return found


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
        digest: The digest file ``paperbot post`` delivers.
        workdir: Databases, the config and one log per run go here.
        seed: Chooses kill points, which request trips them and random delays.
        per_trial: Kills before a trial's last run may finish the delivery.
    """

    def __init__(
        self,
        target: CrashTarget,
        digest: Path,
        workdir: Path,
        *,
        seed: int,
        per_trial: int = 10,
    ) -> None:
        parsed = parse_digest_file(digest)
        day = str(parsed.date)
        self.expected: list[Key] = [(day, "header"), *((day, p.arxiv_id) for p in parsed.papers)]
        self.target = target
        self.digest = digest
        self.workdir = workdir
        self.per_trial = per_trial
        self.rng = random.Random(seed)
        self.report = CrashReport(target.platform, seed)
        self.config = workdir / f"{target.platform}-crash.toml"

    async def run(self, kills: int) -> CrashReport:
        """Kill ``kills`` times in all, over as many trials as that takes; check each trial."""
        self.config.write_text(self.target.config_toml(), encoding="utf-8")
        while self.report.kills < kills and self.report.trials < kills + 5:
            await self._trial(min(self.per_trial, kills - self.report.kills))
        return self.report

    async def _trial(self, kills: int) -> None:
        self.report.trials += 1
        channel = await self.target.channel(self.report.trials)
        db = self.workdir / f"{self.target.platform}-{self.report.trials}.db"
        previous: KillPoint | None = None
        end: _RunEnd | None = None
        for left in range(kills, 0, -1):
            point = self._choose(previous, channel)
            end = await self._run(channel, db, point, left)
            if not end.killed:
                break  # delivered everything before the kill point came
            previous = point
            self.report.kills += 1
            self.report.points[point] += 1
            _expire_lease(db, end.pid)
        if end is None or end.killed:
            end = await self._run(channel, db, None, 1)
        if end.returncode != 0:
            self._problem(f"the last run exited with {end.returncode}", end.log)
        await self.target.settle()
        self._check(channel, db)

    def _choose(self, previous: KillPoint | None, channel: str) -> KillPoint:
        """The first kill of a harness holds a stored card's answer; the second reconciles."""
        unsent = self._remaining(channel)
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

    def _remaining(self, channel: str) -> int:
        arrived = {(day, paper) for day, paper, _ in self.target.received(channel)}
        return len(self.expected) - len(arrived)

    async def _run(self, channel: str, db: Path, point: KillPoint | None, left: int) -> _RunEnd:
        self.report.runs += 1
        log = self.workdir / f"{self.target.platform}-{self.report.trials}-{self.report.runs}.log"
        trigger = self._trigger(point, channel, left)
        env = {**os.environ, **self.target.environment()}
        env.pop("PAPERBOT_CONFIG", None)
        with _open_log(log) as out:
            process = await asyncio.create_subprocess_exec(
                *self._command(channel, db),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=out,
                stderr=asyncio.subprocess.STDOUT,
                env=env,
                cwd=ROOT,
            )
            try:
                killed = await self._watch(process, trigger, log)
            finally:
                self.target.disarm()
                await _reap(process)
        return _RunEnd(killed, process.returncode, process.pid, log)

    def _command(self, channel: str, db: Path) -> list[str]:
        target = f"{self.target.platform}:{channel}"
        files = ["--db", str(db), "--config", str(self.config)]
        return [sys.executable, "-m", "bot", "-v", "post", str(self.digest), "--to", target, *files]

    def _trigger(
        self, point: KillPoint | None, channel: str, left: int
    ) -> asyncio.Future[object] | None:
        """What the kill waits for: the fake's signal, or a random delay.

        Either lands, on average, about halfway through this run's share of what is still
        unsent (``left`` kills to go), so a trial's kills spread over its whole delivery.
        """
        if point is None:
            return None
        share = max(1, self._remaining(channel) // left)
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
                    self._problem(f"a run hung for {RUN_TIMEOUT:.0f} s", log)
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await exited
            return process.returncode == -signal.SIGKILL
        finally:
            for task in waiting:
                task.cancel()
            await asyncio.gather(*waiting, return_exceptions=True)

    def _check(self, channel: str, db: Path) -> None:
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
            self._problem(f"{channel} received messages that are not cards: {strays[:3]}", None)
        if list(first_ids) != [key for key in self.expected if key in counts]:
            report.misordered += 1
            self._problem(f"{channel} order: {[paper for _, paper in first_ids]}", None)
        rows = _outbox_rows(db, self.target.platform, channel)
        for key in self.expected:
            if rows.get(key) != ("sent", first_ids.get(key)):
                report.unrecorded += 1
                found = f"outbox {rows.get(key)}, channel {first_ids.get(key)}"
                self._problem(f"{channel} {key}: {found}", None)

    def _problem(self, what: str, log: Path | None) -> None:
        where = f" (log: {log})" if log is not None else ""
        self.report.problems.append(f"trial {self.report.trials}: {what}{where}")


def _open_log(path: Path) -> IO[bytes]:
    """A run's log file (a plain helper: opening a local file does not block the loop)."""
    return path.open("wb")


async def _reap(process: asyncio.subprocess.Process) -> None:
    """Make sure the child is gone and waited for: no orphans, no zombie, no warning."""
    if process.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()


def _expire_lease(db: Path, pid: int) -> bool:
    """Expire the delivery lease a killed process held, as 30 s of waiting would."""
    if not db.exists():
        return False
    with contextlib.closing(sqlite3.connect(db)) as conn, conn:
        try:
            cursor = conn.execute(
                "UPDATE leases SET expires_at = 0 WHERE owner LIKE ?", (f"%:{pid}:%",)
            )
        except sqlite3.OperationalError:  # killed before the schema existed
            return False
        return cursor.rowcount > 0


def _outbox_rows(db: Path, platform: str, channel: str) -> dict[Key, tuple[str, str | None]]:
    """(digest date, paper) → (state, message id) as the outbox recorded them."""
    with contextlib.closing(sqlite3.connect(db)) as conn:
        rows = conn.execute(
            "SELECT digest_date, paper, state, message_id FROM outbox"
            " WHERE platform = ? AND channel = ?",
            (platform, channel),
        ).fetchall()
    return {(str(d), str(p)): (str(s), None if m is None else str(m)) for d, p, s, m in rows}
