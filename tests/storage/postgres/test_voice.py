"""The group's voice in PostgreSQL with several processes: presses, unsaves and follow plans.

The repositories' behaviour is the contract tests' (``tests/core/voice/test_reactions.py`` and
``tests/core/daily/test_follow_plans.py`` run them on both backends); here, two stores on one
database stand for two ``serve`` processes, which SQLite's single writer never has to face.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from pathlib import Path

import pytest

from bot.core.cards.counts import Counts
from bot.core.delivery.repositories import PlannedRow
from bot.core.voice.members import ChannelRef, Member, dm_channel
from bot.core.voice.records import Press
from bot.storage.postgres.store import PostgresStore
from tests.core.digest_files import ingest_digest

NOW = 1_767_225_600.0
DAY = dt.date(2026, 1, 5)
PAPER = "2601.01234"
OTHER = "2601.02345"
HERE = ChannelRef("slack", "T1", "C1")
Day = tuple[Member, dt.date, list[str]]


@pytest.fixture
async def stores(
    postgres_url: str, tmp_path: Path
) -> AsyncIterator[tuple[PostgresStore, PostgresStore]]:
    """Two processes' stores on one database that holds the example digest."""
    async with AsyncExitStack() as stack:
        first = await stack.enter_async_context(PostgresStore.open(postgres_url, pool_size=3))
        second = await stack.enter_async_context(PostgresStore.open(postgres_url, pool_size=3))
        await ingest_digest(first, tmp_path, DAY)  # type: ignore[arg-type]
        yield first, second


def press(user: str, *, kind: str = "like", where: ChannelRef = HERE, paper: str = PAPER,
          message: str | None = "m1") -> Press:  # fmt: skip
    return Press(where, user, paper, kind, message, DAY)  # type: ignore[arg-type]


async def test_fifty_presses_from_two_processes_count_exactly_with_one_edit_row(
    stores: tuple[PostgresStore, PostgresStore],
) -> None:
    first, second = stores
    results = await asyncio.gather(
        *((first, second)[n % 2].reactions.press(press(f"U{n}"), now=NOW, window=3.0)
          for n in range(50))
    )  # fmt: skip
    assert all(r.on for r in results)
    # each press waits on the card's edit row for the one before: its counts include them all
    assert sorted(r.counts.likes for r in results) == list(range(1, 51))
    assert await second.reactions.counts("slack", "C1", [PAPER]) == {PAPER: Counts(50, 0)}
    (edit,) = await first.reactions.due_edits(NOW + 10, limit=10)
    assert (edit.message, edit.version) == ("m1", 50)


async def test_one_person_pressing_in_both_processes_at_once_toggles_twice(
    stores: tuple[PostgresStore, PostgresStore],
) -> None:
    first, second = stores
    for n in range(20):
        user = f"U{n}"
        results = await asyncio.gather(
            first.reactions.press(press(user), now=NOW, window=3.0),
            second.reactions.press(press(user), now=NOW, window=3.0),
        )
        assert sorted(r.on for r in results) == [False, True], user
    assert await first.reactions.counts("slack", "C1", [PAPER]) == {}


async def test_unsaves_forgets_and_presses_across_processes_never_deadlock(
    stores: tuple[PostgresStore, PostgresStore],
) -> None:
    """Members saving in several channels; both processes undo them in opposite orders."""
    first, second = stores
    channels = [ChannelRef("slack", "T1", f"C{n}") for n in range(4)]
    members = [Member("slack", "T1", f"U{n}") for n in range(6)]
    for where in channels:
        for member in members:
            for paper in (PAPER, OTHER):
                made = await first.reactions.press(
                    press(member.user, kind="save", where=where, paper=paper,
                          message=f"{where.channel}-{paper}"),
                    now=NOW, window=3.0,
                )  # fmt: skip
                assert made.on
    work = []
    for n, member in enumerate(members):
        a, b = (first, second) if n % 2 else (second, first)
        work.append(a.reactions.unsave(member, PAPER, now=NOW, window=3.0))
        work.append(b.reactions.forget(members[-1 - n], now=NOW, window=3.0))
        work.append(b.reactions.unsave(member, OTHER, now=NOW, window=3.0))
        if n < len(channels):  # and a like on each card meanwhile
            like = press("NEW", where=channels[n], message=f"C{n}-{PAPER}")
            work.append(a.reactions.press(like, now=NOW, window=3.0))
    await asyncio.gather(*work)  # a deadlock would raise StorageBusy here
    for where in channels:
        counts = await second.reactions.counts("slack", where.channel, [PAPER, OTHER])
        assert counts == {PAPER: Counts(1, 0)}, where.channel
    for member in members:
        assert await first.reactions.saved(member, offset=0, limit=10) == ([], 0)
    assert len(await first.reactions.due_edits(NOW + 10, limit=100)) == 2 * len(channels)


async def test_two_processes_planning_the_same_follow_dms_plan_each_member_once(
    postgres_url: str,
) -> None:
    """Each member's day goes to one planner, with that planner's DM and papers only."""
    members = [Member("slack", "T1", f"U{n:02}") for n in range(20)]

    def plan(owner: str, papers: list[str]) -> tuple[list[PlannedRow], list[Day]]:
        rows = [PlannedRow("slack", dm_channel(m.user), DAY.isoformat(), "listing-1", 1, "",
                           False, owner) for m in members]  # fmt: skip
        return rows, [(m, DAY, papers) for m in members]

    async with (
        PostgresStore.open(postgres_url, pool_size=2) as first,
        PostgresStore.open(postgres_url, pool_size=2) as second,
    ):
        rows_a, days_a = plan("first", ["a", "b"])
        rows_b, days_b = plan("second", ["a", "c"])
        await asyncio.gather(
            first.follows.plan(rows_a, days_a, now=NOW),
            second.follows.plan(rows_b[::-1], days_b[::-1], now=NOW),
        )
        assert await first.follows.planned_days("slack", DAY) == set(members)
        for member in members:
            (row,) = await first.outbox.of_day("slack", dm_channel(member.user), DAY)
            sent = await second.follows.sent_papers(member, ["a", "b", "c"])
            assert sent == ({"a", "b"} if row.content == "first" else {"a", "c"}), member.user
        # planning again (a later pass, a third process) adds nothing
        await second.follows.plan(rows_b, days_b, now=NOW)
        for member in members:
            assert len(await first.outbox.of_day("slack", dm_channel(member.user), DAY)) == 1
