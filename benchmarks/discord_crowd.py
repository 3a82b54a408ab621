"""The crowd for ``discord_bench.py``: the real bot in its own process, 50 commands at once.

Kept apart from the benchmark script so that each stays readable. The bot runs in a spawned
process (so the fake's work is not counted against it) and is controlled over a pipe: empty
its caches, or report the CPU it has used (whole process, and its event loop's thread).
Each command is timed from the moment the fake dispatches INTERACTION_CREATE to the moment it
has stored the callback, and for a deferred command also to its answer (the followup).

Three scenarios (:data:`SCENARIOS`), each over rounds of its own commands:

* **cold** -- nothing rendered, nothing kept: the bot's render cache and its kept replies are
  emptied before every round (a restart, then fifty cards nobody has asked for);
* **rendered** -- every round sent once unmeasured, then the kept replies forgotten: each
  section body is rendered already (today's cards were rendered when they were posted) but
  every reply is looked up and built again (as after any write to the archive);
* **warm** -- every round sent once unmeasured: the same fifty requests again, answered from
  the kept replies.

Both processes freeze their start-up objects out of the garbage collector's sight, as
``paperbot serve`` does (:func:`bot.heap.settled_heap`): the harness's own collections of
its 10,000 prepared commands otherwise showed as 30-100 ms stalls in the timings.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import sys
import time
import warnings
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Final, Literal

from _common import percentile

ROOT: Final = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests.fakes: the loopback Discord (never bot/ itself)

with warnings.catch_warnings():  # discord.py imports the deprecated stdlib audioop
    warnings.simplefilter("ignore", DeprecationWarning)
    from tests.fakes import discord_interaction_payloads as payloads
    from tests.fakes.discord_api import FakeDiscord, InteractionRecord, RateLimits

from bot.core.archive.lookup import Lookup  # noqa: E402
from bot.discord.client import PaperBot  # noqa: E402
from bot.discord.config import DiscordConfig  # noqa: E402  (after the fakes import discord.py)
from bot.discord.render import clear_render_cache  # noqa: E402
from bot.heap import settled_heap  # noqa: E402
from bot.storage.sqlite.store import Store  # noqa: E402

__all__ = ["SCENARIOS", "BotProcess", "Command", "Crowd", "Scenario", "crowd_rounds", "scenarios"]

Command = tuple[str, tuple[str, dict[str, Any]], str]
"""(kind as reported, (command name, options), focused option for autocomplete or "")."""

TARGET_P99_MS: Final = 100.0
TOKEN: Final = "bench-token"  # the fake's, not a secret
DEFERRED: Final = 5  # interaction callback type of a defer


Scenario = Literal["cold", "rendered", "warm"]
SCENARIOS: Final[tuple[Scenario, ...]] = ("cold", "rendered", "warm")


async def timed_interaction(
    fake: FakeDiscord, name: str, options: dict[str, Any], focused: str
) -> tuple[float, float | None, InteractionRecord]:
    """Milliseconds to the callback and, for a deferred command, to its answer (followup)."""
    base = fake.interaction_base()
    command = fake.state.find_command(name, base["guild_id"])
    assert command is not None, f"/{name} was not synced"
    payload = payloads.command_interaction(
        name,
        options,
        command_id=int(command["id"]),
        command_guild_id=base["guild_id"],
        focused=focused or None,
        **base,
    )
    start = time.perf_counter_ns()
    record = await fake.interact(payload)
    callback = (time.perf_counter_ns() - start) / 1e6
    if record.response_type != DEFERRED:
        return callback, None, record
    await fake.wait_for_followups(record)
    return callback, (time.perf_counter_ns() - start) / 1e6, record


@dataclass
class Crowd:
    """What a scenario measured."""

    times: dict[str, list[float]] = field(default_factory=dict)
    answers: dict[str, list[float]] = field(default_factory=dict)  # deferred: to the followup
    deferred: int = 0
    cpu_s: float = 0.0  # the bot process's CPU during the measured rounds
    loop_s: float = 0.0  # of which its event loop's thread (the rest: SQLite reader threads)
    fake_s: float = 0.0  # this process's CPU: the fake Discord and the timing

    def report(self, title: str) -> None:
        every = [t for values in self.times.values() for t in values]
        verdict = "PASS" if percentile(every, 99) < TARGET_P99_MS else "FAIL"
        print(f"\n{title}")
        print(f"{'command':<24} {'n':>6} {'p50':>8} {'p99':>8} {'max':>8}")
        for kind, values in sorted(self.times.items()):
            print(
                f"{kind:<24} {len(values):>6} {percentile(values, 50):>8.1f} "
                f"{percentile(values, 99):>8.1f} {max(values):>8.1f}"
            )
        for kind, values in sorted(self.answers.items()):
            print(
                f"{'  its answer (followup)':<24} {len(values):>6} "
                f"{percentile(values, 50):>8.1f} {percentile(values, 99):>8.1f} "
                f"{max(values):>8.1f}   ({kind} defers first)"
            )
        print(
            f"{'all':<24} {len(every):>6} {percentile(every, 50):>8.1f} "
            f"{percentile(every, 99):>8.1f} {max(every):>8.1f}   target p99 < "
            f"{TARGET_P99_MS:g} ms {verdict}"
        )
        print(
            f"bot process CPU {self.cpu_s * 1e3 / len(every):.2f} ms per command "
            f"({self.loop_s * 1e3 / len(every):.2f} in the event loop's thread); "
            f"the fake Discord {self.fake_s * 1e3 / len(every):.2f} ms; "
            f"deferred: {self.deferred} of {len(every)}"
        )


class BotProcess:
    """The bot in its own process, and the pipe that controls it."""

    def __init__(self, db: Path, fake: FakeDiscord, defer_after: float) -> None:
        spawn = multiprocessing.get_context("spawn")
        self._pipe, theirs = spawn.Pipe()
        urls = (fake.base_url, fake.gateway_url)
        args = (str(db), urls, fake.guild_id, defer_after, theirs)
        self._process = spawn.Process(target=serve_bot, args=args)
        self._process.start()

    def order(self, what: str) -> tuple[float, float]:
        """``clear`` (renderings and replies), ``forget`` (replies) or ``cpu``.

        Returns:
            The bot's CPU seconds so far: its process's, and its event loop thread's.
        """
        self._pipe.send(what)
        cpu: tuple[float, float] = self._pipe.recv()
        return cpu

    async def stop(self) -> None:
        self._pipe.send("stop")
        await asyncio.to_thread(self._process.join, 30)


async def crowd_rounds(
    fake: FakeDiscord, bot: BotProcess, mix: list[Command], crowd: int, scenario: Scenario
) -> Crowd:
    """Rounds of ``crowd`` commands sent at once; ``mix`` holds the rounds back to back.

    What the bot has rendered and kept before each round is set by ``scenario`` (see the
    module's docstring).
    """
    result = Crowd()
    for start in range(0, len(mix) - crowd + 1, crowd):
        chosen = mix[start : start + crowd]
        if scenario == "cold":
            bot.order("clear")
        else:
            await asyncio.gather(*(timed_interaction(fake, *m[1], m[2]) for m in chosen))
            if scenario == "rendered":
                bot.order("forget")
        before, ours = bot.order("cpu"), time.process_time()
        answers = await asyncio.gather(*(timed_interaction(fake, *m[1], m[2]) for m in chosen))
        after = bot.order("cpu")
        result.fake_s += time.process_time() - ours
        result.cpu_s += after[0] - before[0]
        result.loop_s += after[1] - before[1]
        for (kind, _, _), (ms, answered, record) in zip(chosen, answers, strict=True):
            result.times.setdefault(kind, []).append(ms)
            if answered is not None:
                result.answers.setdefault(kind, []).append(answered)
            result.deferred += record.response_type == DEFERRED
        # The fake keeps every request and interaction for tests to inspect; over thousands of
        # commands that makes its garbage collections long enough to show in the timings.
        fake.state.interactions.clear()
        fake.pipeline.requests.clear()
    return result


def serve_bot(
    db: str, fake_urls: tuple[str, str], guild_id: int, defer_after: float, control: Connection
) -> None:
    """The bot's process: the real PaperBot over the archive, until told to stop."""
    asyncio.run(_serve_bot(db, fake_urls, guild_id, defer_after, control))


async def _serve_bot(
    db: str, fake_urls: tuple[str, str], guild_id: int, defer_after: float, control: Connection
) -> None:
    base_url, gateway_url = fake_urls
    config = DiscordConfig(api_base_url=base_url, gateway_url=gateway_url, dev_guild_id=guild_id)
    async with Store.open(db) as store:
        bot = PaperBot(
            lookup=Lookup(store), config=config, defer_after=defer_after, guild_ready_timeout=0.1
        )
        async with bot:
            running = asyncio.create_task(bot.start(TOKEN, reconnect=False))
            ready = asyncio.create_task(bot.wait_until_ready())
            await asyncio.wait({running, ready}, return_when=asyncio.FIRST_COMPLETED)
            if running.done():  # it failed to start: say why
                ready.cancel()
                await running
            with settled_heap():  # as `paperbot serve` does once started
                while (order := await asyncio.to_thread(control.recv)) != "stop":
                    if order == "clear":  # nothing rendered
                        clear_render_cache()
                    if order in ("clear", "forget"):  # nothing kept
                        bot.components.forget()
                    control.send((time.process_time(), time.thread_time()))  # CPU seconds
            await bot.close()
            await running


async def scenarios(
    db: Path, mix: list[Command], *, crowd: int, rounds: int, defer_after: float
) -> dict[Scenario, Crowd]:
    """Start the fake and the bot, then measure ``rounds`` rounds of each scenario.

    Each scenario takes its own slice of ``mix`` (the last one counted from the end).
    """
    limits = RateLimits.off()
    size = crowd * rounds
    slices = {"cold": mix[:size], "rendered": mix[size : 2 * size], "warm": mix[::-1][:size]}
    async with FakeDiscord(token=TOKEN, rate_limits=limits, wait_timeout=60.0) as fake:
        bot = BotProcess(db, fake, defer_after)
        try:
            await fake.wait_until(
                lambda: bool(fake.commands(fake.guild_id) and fake.gateway.live_sessions()),
                "the bot to connect and sync",
            )
            with settled_heap():  # the prepared commands, out of the garbage collector's way
                await crowd_rounds(fake, bot, mix[-crowd:], crowd, "warm")  # warm up the code
                return {s: await crowd_rounds(fake, bot, slices[s], crowd, s) for s in SCENARIOS}
        finally:
            await bot.stop()
