"""SIGKILL a real ``paperbot post`` at chosen moments: every card still arrives once, in order.

On SQLite and on PostgreSQL (issue #17: the crash tests run on both backends). A handful of
kills per platform keeps the suite fast; ``benchmarks/fanout.py`` runs the same harness with 50
or more, and ``tests/crash/test_crash_serve.py`` kills ``paperbot serve`` processes instead.
The seed comes from ``PAPERBOT_CRASH_SEED`` when set (to replay a failure), else it is random,
and every failure message names it.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

from tests.conftest import EXAMPLES, SHARED_DIGESTS
from tests.crash.discord_target import DiscordCrashTarget
from tests.crash.harness import CrashHarness
from tests.crash.kill_points import KillPoint
from tests.crash.slack_target import SlackCrashTarget
from tests.crash.target import CrashTarget

KILLS = 4  # the first two land where they must (harness.choose), the rest at random
#: The fakes' windows (a Slack channel's 1 s, Discord's 5 s bucket) pass this much faster,
#: and the child's pacing is scaled to match.
SCALE = 0.01
REAL_DIGEST = SHARED_DIGESTS / "hf-daily-papers-2025-05-27.md"


def crash_seed() -> int:
    """``PAPERBOT_CRASH_SEED``, or a fresh random seed."""
    chosen = os.environ.get("PAPERBOT_CRASH_SEED")
    return int(chosen) if chosen else random.SystemRandom().randrange(2**32)


def digest() -> Path:
    """The 26-paper real digest when the shared folder has it, else the 3-paper example."""
    return REAL_DIGEST if REAL_DIGEST.is_file() else EXAMPLES / "hf-daily-papers-2026-01-05.md"


async def kill_and_count(target: CrashTarget, workdir: Path, postgres: str | None = None) -> None:
    seed = crash_seed()
    print(f"{target.platform} crash seed {seed} (PAPERBOT_CRASH_SEED={seed} replays it)")
    harness = CrashHarness(target, digest(), workdir, seed=seed, postgres=postgres)
    report = await harness.run(kills=KILLS)
    assert report.ok, report.summary()
    assert report.kills == KILLS, report.summary()
    assert report.points[KillPoint.STORED_UNANSWERED] >= 1, report.summary()


async def test_slack_post_killed_and_restarted_delivers_every_card_once(tmp_path: Path) -> None:
    async with SlackCrashTarget(scale=SCALE) as target:
        await kill_and_count(target, tmp_path)
        ratelimited = target.fake.stats.ratelimited
    assert ratelimited == 0, f"paced to the fake's limits, yet {ratelimited} 429s"


async def test_discord_post_killed_and_restarted_delivers_every_card_once(tmp_path: Path) -> None:
    async with DiscordCrashTarget(scale=SCALE) as target:
        await kill_and_count(target, tmp_path)


async def test_slack_post_on_postgresql_killed_and_restarted_delivers_every_card_once(
    tmp_path: Path, postgres_url: str
) -> None:
    async with SlackCrashTarget(scale=SCALE) as target:
        await kill_and_count(target, tmp_path, postgres_url)


async def test_discord_post_on_postgresql_killed_and_restarted_delivers_every_card_once(
    tmp_path: Path, postgres_url: str
) -> None:
    async with DiscordCrashTarget(scale=SCALE) as target:
        await kill_and_count(target, tmp_path, postgres_url)
