"""SIGKILL the delivering ``paperbot serve`` of two on one database: the other takes over.

Issue #17 on both backends: two serve processes share a SQLite file or a PostgreSQL database;
the harness kills the one holding the delivery lease at the kill points (now and then the
standby), waits for the survivor to take delivery over within the lease's length, restarts the
killed one, and in the end every card has arrived once, in order, recorded as sent. A few
kills per platform keep the suite fast; ``benchmarks/crash_serve.py`` runs 50 or more. The seed
comes from ``PAPERBOT_CRASH_SEED`` as in :mod:`tests.crash.test_crash`.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Final

import pytest

from tests.crash.children import ServeChild
from tests.crash.discord_target import DiscordCrashTarget
from tests.crash.harness import CrashHarness
from tests.crash.slack_target import SlackCrashTarget
from tests.crash.target import CrashTarget
from tests.crash.test_crash import SCALE, crash_seed, digest

KILLS: Final = 3
#: Real seconds of a delivery lease: a takeover waits at most this and a retry interval.
LEASE_SECONDS: Final = 1.5
TARGETS: Final[dict[str, type[SlackCrashTarget] | type[DiscordCrashTarget]]] = {
    "slack": SlackCrashTarget,
    "discord": DiscordCrashTarget,
}


async def kill_serve_and_count(target: CrashTarget, workdir: Path, postgres: str | None) -> None:
    watch = workdir / "digests"
    watch.mkdir()
    shutil.copy(digest(), watch / digest().name)
    seed = crash_seed()
    print(f"{target.platform} serve crash seed {seed} (PAPERBOT_CRASH_SEED={seed} replays it)")
    child = ServeChild(watch, count=2, lease_seconds=LEASE_SECONDS)
    harness = CrashHarness(target, digest(), workdir, seed=seed, child=child, postgres=postgres)
    report = await harness.run(kills=KILLS)
    assert report.ok, report.summary()
    assert report.kills == KILLS, report.summary()
    assert report.takeovers >= 1, report.summary()
    assert report.takeovers == report.holder_kills, report.summary()


@pytest.mark.parametrize("platform", TARGETS)
async def test_two_serves_on_sqlite_killed_hand_delivery_over(
    platform: str, tmp_path: Path
) -> None:
    async with TARGETS[platform](scale=SCALE) as target:
        await kill_serve_and_count(target, tmp_path, None)


@pytest.mark.parametrize("platform", TARGETS)
async def test_two_serves_on_postgresql_killed_hand_delivery_over(
    platform: str, tmp_path: Path, postgres_url: str
) -> None:
    async with TARGETS[platform](scale=SCALE) as target:
        await kill_serve_and_count(target, tmp_path, postgres_url)
