"""The scheduler's record in PostgreSQL.

Implements :class:`~bot.core.daily.repositories.ScheduleRunRepository` as SQLite does
(:mod:`bot.storage.sqlite.schedule_runs`): :meth:`PostgresScheduleRuns.advance` is one upsert
whose ``WHERE`` only lets a slot move forward. Of two writers racing for one slot (in this
process or another), the second waits for the first's row and checks the guard against it, so
they cannot both win: the ``rowcount`` says who did. There is no process-wide write lock to
read under, so :meth:`PostgresScheduleRuns.plan_slots` learns whether each slot moved from its
own upsert (the row it returns), and writes the slots (and their rows) in key order, so two
processes planning overlapping slots never deadlock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.core.daily.schedule_runs import ScheduleRun
from bot.storage.daily_records import run_key, run_values, schedule_run
from bot.storage.postgres.outbox import add_planned
from bot.storage.postgres.subscriptions_sql import (
    ADVANCE_RUN_SQL,
    RECENT_RUNS_SQL,
    SCHEDULE_RUN_SQL,
)

if TYPE_CHECKING:
    from bot.core.daily.schedule_runs import PlannedSlot
    from bot.core.delivery.repositories import FilteredDay, PlannedRow
    from bot.storage.postgres.tables import Database

__all__ = ["PostgresScheduleRuns"]


class PostgresScheduleRuns:
    """The ``schedule_runs`` table."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, platform: str, channel: str, local_date: dt.date) -> ScheduleRun | None:
        rows = await self._db.query(SCHEDULE_RUN_SQL, platform, channel, local_date.isoformat())
        return schedule_run(rows[0]) if rows else None

    async def recent(self, platform: str, channel: str, *, limit: int) -> list[ScheduleRun]:
        rows = await self._db.query(RECENT_RUNS_SQL, platform, channel, limit)
        return [schedule_run(row) for row in rows]

    async def advance(self, run: ScheduleRun) -> bool:
        async with self._db.transaction() as conn:
            cursor = await conn.execute(ADVANCE_RUN_SQL, run_values(run))
            return cursor.rowcount == 1

    async def plan_slots(self, slots: Sequence[PlannedSlot], *, now: float) -> list[bool]:
        if any(not slot.run.state.final for slot in slots):
            raise ValueError("plan_slots records final states only")
        order = sorted(range(len(slots)), key=lambda n: run_key(slots[n].run))
        moved = [False] * len(slots)
        rows: list[PlannedRow] = []
        filtered: list[FilteredDay] = []
        async with self._db.transaction() as conn:
            if order:
                # A final state moves any slot not final yet: each upsert returns a row if
                # its slot moved, none if it was final already (perhaps just now, by another
                # process, whose transaction this one waited for).
                cursor = conn.cursor()
                values = [run_values(slots[n].run) for n in order]
                await cursor.executemany(ADVANCE_RUN_SQL, values, returning=True)
                returned = [bool(await result.fetchall()) async for result in cursor.results()]
                for n, slot_moved in zip(order, returned, strict=True):
                    moved[n] = slot_moved
            for slot in (slots[n] for n in order if moved[n]):  # the rows in key order too
                rows.extend(slot.rows)
                if slot.filtered is not None:
                    filtered.append(slot.filtered)
            await add_planned(conn, rows, filtered, now=now)
        return moved
