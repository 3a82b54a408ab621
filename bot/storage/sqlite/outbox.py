"""The outbox and paused channels in SQLite.

Implements :class:`~bot.core.delivery.repositories.OutboxRepository`. Each method is one
statement or one transaction, so what must be atomic is: planning counts the rows it inserted
from the connection's ``total_changes``, a claim is won only by the ``UPDATE`` that still
finds the row ``pending`` (its ``rowcount``), and ``paperbot retry`` reads what it requeues
and requeues it under one write lock.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from bot.core.delivery.outbox import ChannelStatus, OutboxRow, Requeued
from bot.core.delivery.repositories import FilteredDay
from bot.storage.outbox_records import channel_statuses, outbox_row, reasons_json, requeued
from bot.storage.sqlite.outbox_sql import (
    CHANNELS_SQL,
    CLAIM_SQL,
    DEFER_SQL,
    FORGET_SQL,
    HEAD_SQL,
    HEADS_SQL,
    LISTINGS_SQL,
    MARK_FAILED_SQL,
    MARK_SENT_SQL,
    NEWEST_DATE_SQL,
    OF_DAY_SQL,
    PAUSE_REASON_SQL,
    PAUSE_SQL,
    PAUSED_SQL,
    PLAN_SQL,
    REQUEUE_COUNTS_SQL,
    REQUEUE_PAUSED_SQL,
    REQUEUE_SQL,
    RESUME_SQL,
    RETRY_LATER_SQL,
    SENT_MESSAGE_SQL,
    STATUS_COUNTS_SQL,
    STATUS_FAILED_SQL,
)
from bot.storage.sqlite.routing_sql import (
    FILTERED_DAY_SQL,
    FORGET_FILTERED_SQL,
    PLAN_FILTERED_SQL,
    PLAN_WEEK_FILTERED_SQL,
    STATUS_FILTERED_SQL,
)

if TYPE_CHECKING:
    import aiosqlite

    from bot.core.delivery.poster import Posted
    from bot.core.delivery.repositories import PlannedRow
    from bot.storage.sqlite.tables import Database

__all__ = ["SqliteOutbox", "add_planned"]


class SqliteOutbox:
    """The ``outbox`` and ``paused_channels`` tables."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(
        self, rows: Sequence[PlannedRow], *, now: float, filtered: Sequence[FilteredDay] = ()
    ) -> int:
        async with self._db.transaction() as conn:
            return await add_planned(conn, rows, filtered, now=now)

    async def filtered(
        self, platform: str, channel: str, digest_date: dt.date
    ) -> FilteredDay | None:
        day = digest_date.isoformat()
        rows = await self._db.query(FILTERED_DAY_SQL, platform, channel, day)
        if not rows:
            return None
        ((left_out, reasons),) = rows
        counted = tuple((str(r), int(n)) for r, n in json.loads(reasons))
        return FilteredDay(platform, channel, day, int(left_out), counted)

    async def head(self, platform: str, channel: str) -> OutboxRow | None:
        rows = await self._db.query(HEAD_SQL, platform, channel)
        return outbox_row(rows[0]) if rows else None

    async def of_day(self, platform: str, channel: str, digest_date: dt.date) -> list[OutboxRow]:
        rows = await self._db.query(OF_DAY_SQL, platform, channel, digest_date.isoformat())
        return [outbox_row(row) for row in rows]

    async def listings(self, platform: str, channel: str, since: dt.date) -> list[OutboxRow]:
        rows = await self._db.query(LISTINGS_SQL, platform, channel, since.isoformat())
        return [outbox_row(row) for row in rows]

    async def sent_message(
        self, platform: str, channel: str, digest_date: str, paper: str
    ) -> str | None:
        found = await self._db.query(SENT_MESSAGE_SQL, platform, channel, digest_date, paper)
        return str(found[0][0]) if found and found[0][0] else None

    async def newest_date(self, platform: str, channel: str) -> dt.date | None:
        ((day,),) = await self._db.query(NEWEST_DATE_SQL, platform, channel)
        return dt.date.fromisoformat(day) if day else None

    async def claim(self, row_id: int, *, now: float) -> bool:
        async with self._db.transaction() as conn:
            cursor = await conn.execute(CLAIM_SQL, (now, row_id))
            return cursor.rowcount == 1

    async def mark_sent(self, row_id: int, posted: Posted, *, now: float) -> None:
        await self._write(MARK_SENT_SQL, posted.message_id, posted.thread_id, now, row_id)

    async def retry_later(
        self, row_id: int, reason: str, *, not_before: float, counts: bool
    ) -> None:
        await self._write(RETRY_LATER_SQL, not_before, reason, 0 if counts else 1, row_id)

    async def defer(self, row_id: int, reason: str, *, not_before: float) -> None:
        await self._write(DEFER_SQL, not_before, reason, row_id)

    async def mark_failed(self, row_id: int, reason: str) -> None:
        await self._write(MARK_FAILED_SQL, reason, row_id)

    async def forget(self, platform: str, channel: str, digest_date: dt.date) -> int:
        which = (platform, channel, digest_date.isoformat())
        async with self._db.transaction() as conn:
            cursor = await conn.execute(FORGET_SQL, which)
            await conn.execute(FORGET_FILTERED_SQL, which)
            return cursor.rowcount

    async def heads(self) -> list[OutboxRow]:
        return [outbox_row(row) for row in await self._db.query(HEADS_SQL)]

    async def channels(self) -> list[tuple[str, str]]:
        return [(str(p), str(c)) for p, c in await self._db.query(CHANNELS_SQL)]

    async def pause(self, platform: str, channel: str, reason: str, *, now: float) -> None:
        await self._write(PAUSE_SQL, platform, channel, reason, now)

    async def pause_reason(self, platform: str, channel: str) -> str | None:
        rows = await self._db.query(PAUSE_REASON_SQL, platform, channel)
        return str(rows[0][0]) if rows else None

    async def requeue(self, platform: str | None, channel: str | None) -> list[Requeued]:
        which = (platform, channel)
        async with self._db.transaction() as conn:
            failed = await conn.execute_fetchall(REQUEUE_COUNTS_SQL, which)
            paused = await conn.execute_fetchall(REQUEUE_PAUSED_SQL, which)
            await conn.execute(REQUEUE_SQL, which)
            await conn.execute(RESUME_SQL, which)
        return requeued(failed, paused)

    async def status(self) -> list[ChannelStatus]:
        return channel_statuses(
            await self._db.query(STATUS_COUNTS_SQL),
            await self._db.query(STATUS_FAILED_SQL),
            await self._db.query(PAUSED_SQL),
            await self._db.query(STATUS_FILTERED_SQL),
        )

    async def _write(self, sql: str, *params: Any) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(sql, params)


async def add_planned(
    conn: aiosqlite.Connection,
    rows: Sequence[PlannedRow],
    filtered: Sequence[FilteredDay],
    *,
    now: float,
) -> int:
    """Insert planned rows and filtered days inside the caller's transaction; how many new."""
    values = [
        (r.platform, r.channel, r.digest_date, r.paper, r.position, r.sections,
         int(r.in_thread), r.content, now)
        for r in rows
    ]  # fmt: skip
    before = conn.total_changes
    if values:
        await conn.executemany(PLAN_SQL, values)
    planned = conn.total_changes - before
    for week in (False, True):  # a week's record replaces its newest digest's, a day's never
        days = [
            (f.platform, f.channel, f.digest_date, f.left_out, reasons_json(f.reasons), now)
            for f in filtered
            if f.week is week
        ]
        if days:
            await conn.executemany(PLAN_WEEK_FILTERED_SQL if week else PLAN_FILTERED_SQL, days)
    return planned
