"""The scheduler's record in SQLite: :class:`~bot.core.daily.repositories.ScheduleRunRepository`.

:meth:`SqliteScheduleRuns.advance` is one upsert whose ``WHERE`` only lets a slot move forward,
so two writers racing for one slot cannot both win: the ``rowcount`` says who did.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.core.daily.schedule_runs import ScheduleRun
from bot.storage.daily_records import run_key, run_values, schedule_run
from bot.storage.sqlite.outbox import add_planned
from bot.storage.sqlite.subscriptions_sql import (
    ADVANCE_RUN_SQL,
    FINAL_RUNS_SQL,
    RECENT_RUNS_SQL,
    RUN_STATES_BATCH,
    SCHEDULE_RUN_SQL,
)

if TYPE_CHECKING:
    from bot.core.daily.schedule_runs import PlannedSlot
    from bot.core.delivery.repositories import FilteredDay, PlannedRow
    from bot.storage.sqlite.tables import Database

__all__ = ["SqliteScheduleRuns"]


class SqliteScheduleRuns:
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
        moved: list[bool] = []
        rows: list[PlannedRow] = []
        filtered: list[FilteredDay] = []
        async with self._db.transaction() as conn:
            # Under the write lock nothing else moves a slot: read which are final already (a
            # planned run moves from anything else), then write the rest in bulk.
            final: set[tuple[str, str, str]] = set()
            for start in range(0, len(slots), RUN_STATES_BATCH):
                chunk = slots[start : start + RUN_STATES_BATCH]
                sql = FINAL_RUNS_SQL.format(rows=", ".join(["(?, ?, ?)"] * len(chunk)))
                keys = [v for s in chunk for v in run_key(s.run)]
                found = await conn.execute_fetchall(sql, keys)
                final.update((str(p), str(c), str(d)) for p, c, d in found)
            advancing = []
            for slot in slots:
                moved.append(run_key(slot.run) not in final)
                if moved[-1]:
                    advancing.append(run_values(slot.run))
                    rows.extend(slot.rows)
                    if slot.filtered is not None:
                        filtered.append(slot.filtered)
            await conn.executemany(ADVANCE_RUN_SQL, advancing)
            await add_planned(conn, rows, filtered, now=now)
        return moved
