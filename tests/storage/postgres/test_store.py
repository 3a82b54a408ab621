"""The PostgreSQL store: migrations under an advisory lock, errors, and claims across processes.

The repositories' behaviour is the contract tests' (``tests/core/delivery/test_repositories.py``
runs them on both backends); here is what only PostgreSQL has: several stores (standing for
several ``serve`` processes) on one database at once.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from contextlib import AsyncExitStack

import pytest

from bot.core.daily.schedule_runs import PlannedSlot, RunState, ScheduleRun
from bot.core.delivery.repositories import FilteredDay, PlannedRow
from bot.core.errors import SchemaError, StorageError
from bot.storage import is_postgres_url, open_delivery_store, open_store
from bot.storage.postgres.schema import MIGRATIONS
from bot.storage.postgres.store import PostgresStore

NOW = 1_767_225_600.0
DAY = dt.date(2026, 1, 5)
VERSIONS = "SELECT version FROM schema_version ORDER BY version"


async def test_concurrent_opens_migrate_once(postgres_url: str) -> None:
    async with AsyncExitStack() as stack:
        stores = await asyncio.gather(
            *(stack.enter_async_context(PostgresStore.open(postgres_url)) for _ in range(4))
        )
        versions = await stores[0].query(VERSIONS)
    assert versions == [(n,) for n in range(1, len(MIGRATIONS) + 1)]
    async with PostgresStore.open(postgres_url) as again:  # nothing left to do
        assert await again.query(VERSIONS) == versions


async def test_a_newer_schema_is_refused(postgres_url: str) -> None:
    async with PostgresStore.open(postgres_url, migrations=(*MIGRATIONS, "CREATE TABLE t (x int)")):
        pass
    with pytest.raises(SchemaError, match="newer than this paperbot"):
        async with PostgresStore.open(postgres_url):
            pass


async def test_a_failed_migration_leaves_the_previous_version(postgres_url: str) -> None:
    async with PostgresStore.open(postgres_url):
        pass
    broken = (*MIGRATIONS, "CREATE TABLE good (x int);", "CREATE TABLE bad (")
    with pytest.raises(SchemaError, match="schema migration failed"):
        async with PostgresStore.open(postgres_url, migrations=broken):
            pass
    async with PostgresStore.open(postgres_url) as store:
        assert await store.query(VERSIONS) == [(n,) for n in range(1, len(MIGRATIONS) + 1)]
        tables = "SELECT count(*) FROM pg_tables WHERE tablename = 'good'"
        assert await store.query(tables) == [(0,)]


async def test_errors_name_neither_the_url_nor_the_password(postgres_url: str) -> None:
    secret = "s3cret-pw"
    url = postgres_url.replace("postgres@/", f"postgres:{secret}@/").replace(
        "/test_", "/missing_test_"
    )
    assert secret in url
    with pytest.raises(StorageError) as caught:
        async with PostgresStore.open(url):
            pass
    message = str(caught.value)
    assert message.startswith("cannot open the PostgreSQL database: ")
    assert secret not in message and url not in message


async def test_a_failed_statement_is_a_storage_error(postgres_url: str) -> None:
    async with PostgresStore.open(postgres_url) as store:
        with pytest.raises(StorageError, match="database read failed"):
            await store.query("SELECT * FROM no_such_table")
        with pytest.raises(StorageError, match="database write failed"):
            async with store.transaction() as conn:
                await conn.execute("INSERT INTO leases VALUES ('a', 'one', 1)")
                await conn.execute("INSERT INTO leases VALUES ('a', 'two', 2)")  # duplicate
        assert await store.leases.live(now=0) == []  # the first insert rolled back too


async def test_two_processes_claiming_one_row_give_it_to_exactly_one(postgres_url: str) -> None:
    rows = [PlannedRow("slack", "C1", DAY.isoformat(), f"p{n}", n, "", False) for n in range(1, 31)]
    async with (
        PostgresStore.open(postgres_url, pool_size=2) as first,
        PostgresStore.open(postgres_url, pool_size=2) as second,
    ):
        assert await first.outbox.add(rows, now=NOW) == len(rows)
        planned = await first.outbox.of_day("slack", "C1", DAY)
        for row in planned:
            won = await asyncio.gather(
                first.outbox.claim(row.id, now=NOW), second.outbox.claim(row.id, now=NOW)
            )
            assert sorted(won) == [False, True], row.paper
        claimed = await second.outbox.of_day("slack", "C1", DAY)
    assert {(r.state.value, r.attempts) for r in claimed} == {("sending", 1)}


async def test_two_processes_advancing_one_slot_let_exactly_one_win(postgres_url: str) -> None:
    """Racing to finish a slot (waiting, planning, or not yet written): one moves it."""
    days = [DAY + dt.timedelta(days=n) for n in range(30)]

    def run(day: dt.date, state: RunState, owner: str) -> ScheduleRun:
        digest = day if state is not RunState.SKIPPED else None
        return ScheduleRun("slack", "C1", day, NOW, state, digest, owner, NOW)

    async with (
        PostgresStore.open(postgres_url, pool_size=2) as first,
        PostgresStore.open(postgres_url, pool_size=2) as second,
    ):
        for n, day in enumerate(days):
            if n % 3:  # the rest race to insert the slot's first row
                start = RunState.WAITING if n % 3 == 1 else RunState.PLANNING
                assert await first.schedule_runs.advance(run(day, start, "start"))
        for day in days:
            won = await asyncio.gather(
                first.schedule_runs.advance(run(day, RunState.PLANNED, "first")),
                second.schedule_runs.advance(run(day, RunState.SKIPPED, "second")),
            )
            assert sorted(won) == [False, True], day
            kept = await second.schedule_runs.get("slack", "C1", day)
            assert kept is not None
            winner = ("first", RunState.PLANNED) if won[0] else ("second", RunState.SKIPPED)
            assert (kept.reason, kept.state) == winner


async def test_two_processes_planning_the_same_slots_plan_each_once(postgres_url: str) -> None:
    """Each slot moves for one of them, and its rows and filtered day are written once."""

    def slot(channel: str, owner: str) -> PlannedSlot:
        run = ScheduleRun("slack", channel, DAY, NOW, RunState.PLANNED, DAY, owner, NOW)
        rows = [PlannedRow("slack", channel, DAY.isoformat(), p, n, "", False)
                for n, p in enumerate(["header", "a", "b"])]  # fmt: skip
        return PlannedSlot(run, rows, FilteredDay("slack", channel, DAY.isoformat(), 1, ()))

    channels = [f"C{n:02}" for n in range(20)]
    async with (
        PostgresStore.open(postgres_url, pool_size=2) as first,
        PostgresStore.open(postgres_url, pool_size=2) as second,
    ):
        moved = await asyncio.gather(
            first.schedule_runs.plan_slots([slot(c, "first") for c in channels], now=NOW),
            second.schedule_runs.plan_slots(
                [slot(c, "second") for c in reversed(channels)], now=NOW
            ),
        )
        by_first, by_second = moved[0], moved[1][::-1]
        assert [a != b for a, b in zip(by_first, by_second, strict=True)] == [True] * 20
        for channel, won in zip(channels, by_first, strict=True):
            kept = await first.schedule_runs.get("slack", channel, DAY)
            assert kept is not None and kept.reason == ("first" if won else "second")
            rows = await first.outbox.of_day("slack", channel, DAY)
            assert [r.paper for r in rows] == ["header", "a", "b"]
            assert await first.outbox.filtered("slack", channel, DAY) is not None


async def test_a_row_being_claimed_is_skipped_not_waited_for(postgres_url: str) -> None:
    async with PostgresStore.open(postgres_url) as store:
        await store.outbox.add(
            [PlannedRow("slack", "C1", DAY.isoformat(), "a", 1, "", False)], now=NOW
        )
        (row,) = await store.outbox.of_day("slack", "C1", DAY)
        async with store.transaction() as holder:  # another process, mid-claim
            await holder.execute("SELECT id FROM outbox WHERE id = %s FOR UPDATE", (row.id,))
            assert not await asyncio.wait_for(store.outbox.claim(row.id, now=NOW), 5)
        assert await store.outbox.claim(row.id, now=NOW)  # released: claimable again


async def test_the_store_is_opened_by_its_url(postgres_url: str) -> None:
    assert is_postgres_url(postgres_url)
    assert not is_postgres_url("paperbot.db")
    async with open_delivery_store(postgres_url) as store:
        assert isinstance(store, PostgresStore)
        assert await store.leases.take(["deliver"], "one", now=NOW, until=NOW + 30)
    async with open_store(postgres_url) as archive:  # the archive too
        assert isinstance(archive, PostgresStore)
        assert await archive.dates() == ()
