"""The group's voice in SQLite: :class:`~bot.core.voice.repositories.ReactionRepository` and
:class:`~bot.core.voice.repositories.FollowRepository`.

A press is one transaction (toggle, counts, edit row), so the count a card shows is always
the count stored; the write lock makes fifty simultaneous presses count to exactly fifty.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import aiosqlite

from bot.core.cards.counts import Counts
from bot.core.voice.members import ChannelRef, Member, dm_channel
from bot.core.voice.records import CountEdit, Follow, Kind, Press, Pressed, ReadingItem, SavedPaper
from bot.storage.sqlite.outbox import add_planned
from bot.storage.sqlite.voice_sql import (
    COUNTS_SQL,
    DROP_EDIT_SQL,
    DUE_EDITS_SQL,
    EDIT_DUE_SQL,
    EDITED_SQL,
    EDITS_OF_PAPER_SQL,
    EXPORTED_SQL,
    FOLLOW_DAY_SQL,
    FOLLOW_SENT_SQL,
    FOLLOW_SQL,
    FOLLOWS_SQL,
    FORGET_DMS_SQLS,
    FORGET_FOLLOW_SQLS,
    FORGET_REACTIONS_SQL,
    HIDE_SQL,
    MEMBER_PAPER_CHANNELS_SQL,
    NEXT_EDIT_SQL,
    PLANNED_DAYS_SQL,
    POSTPONE_EDIT_SQL,
    PUT_FOLLOW_SQL,
    REACTION_DELETE_SQL,
    REACTION_INSERT_SQL,
    READING_LIST_COUNT_SQL,
    READING_LIST_SQL,
    REMOVE_FOLLOW_SQL,
    SAVED_COUNT_SQL,
    SAVED_SQL,
    SENT_PAPERS_SQL,
    TOLD_SQL,
    UNSAVE_SQL,
)
from bot.storage.voice_records import (
    count_edit,
    counts_by_paper,
    follow_record,
    follow_values,
    member_key,
    reading_item,
    saved_paper,
)

if TYPE_CHECKING:
    from bot.core.delivery.repositories import PlannedRow
    from bot.storage.sqlite.tables import Database

__all__ = ["SqliteFollows", "SqliteReactions"]


class SqliteReactions:
    """The ``reactions``, ``count_edits`` and ``reading_list_hidden`` tables."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def press(self, press: Press, *, now: float, window: float) -> Pressed:
        where = press.channel
        key = (*member_key(press.member), where.channel, press.arxiv_id, press.kind)
        day = press.digest_date.isoformat() if press.digest_date else None
        async with self._db.transaction() as conn:  # a press undone, else a press made
            found = (await conn.execute(REACTION_DELETE_SQL, key)).rowcount == 1
            if (
                not found
                and not (await conn.execute(REACTION_INSERT_SQL, (*key, day, now))).rowcount
            ):
                return Pressed(on=False, counts=Counts(), known=False)
            if press.message is not None:
                edit = (where.platform, where.workspace, where.channel, press.message,
                        press.arxiv_id, day, now, window)  # fmt: skip
                await conn.execute(EDIT_DUE_SQL, edit)
            counts = await _counts(conn, where.platform, where.channel, [press.arxiv_id])
        return Pressed(on=not found, counts=counts.get(press.arxiv_id, Counts()))

    async def counts(
        self, platform: str, channel: str, arxiv_ids: Sequence[str]
    ) -> dict[str, Counts]:
        rows = await self._db.query(COUNTS_SQL, platform, channel, json.dumps(list(arxiv_ids)))
        return counts_by_paper(rows)

    async def due_edits(self, now: float, *, limit: int) -> list[CountEdit]:
        return [count_edit(row) for row in await self._db.query(DUE_EDITS_SQL, now, limit)]

    async def next_edit_at(self) -> float | None:
        ((due,),) = await self._db.query(NEXT_EDIT_SQL)
        return None if due is None else float(due)

    async def edited(self, edit: CountEdit, *, now: float, window: float) -> None:
        where = edit.channel
        async with self._db.transaction() as conn:
            await conn.execute(
                EDITED_SQL,
                (where.platform, where.channel, edit.message, now, edit.version, window),
            )

    async def postpone(self, edit: CountEdit, *, until: float) -> None:
        where = edit.channel
        async with self._db.transaction() as conn:
            await conn.execute(
                POSTPONE_EDIT_SQL, (until, where.platform, where.channel, edit.message)
            )

    async def drop_edit(self, edit: CountEdit) -> None:
        where = edit.channel
        async with self._db.transaction() as conn:
            await conn.execute(DROP_EDIT_SQL, (where.platform, where.channel, edit.message))

    async def saved(
        self, member: Member, *, offset: int, limit: int
    ) -> tuple[list[SavedPaper], int]:
        rows = await self._db.query(SAVED_SQL, *member_key(member), limit, offset)
        ((total,),) = await self._db.query(SAVED_COUNT_SQL, *member_key(member))
        return [saved_paper(row) for row in rows], int(total)

    async def unsave(self, member: Member, arxiv_id: str, *, now: float, window: float) -> int:
        async with self._db.transaction() as conn:
            touched = await conn.execute_fetchall(
                MEMBER_PAPER_CHANNELS_SQL, (*member_key(member), arxiv_id)
            )
            cursor = await conn.execute(UNSAVE_SQL, (*member_key(member), arxiv_id))
            await _edits_due(conn, member.platform, touched, now=now, window=window)
            return cursor.rowcount

    async def forget(self, member: Member, *, now: float, window: float) -> int:
        async with self._db.transaction() as conn:
            touched = await conn.execute_fetchall(
                MEMBER_PAPER_CHANNELS_SQL, (*member_key(member), None)
            )
            deleted = (await conn.execute(FORGET_REACTIONS_SQL, member_key(member))).rowcount
            for sql in FORGET_FOLLOW_SQLS:
                deleted += (await conn.execute(sql, member_key(member))).rowcount
            for sql in FORGET_DMS_SQLS:  # the DMs' outbox rows name the member: gone too
                await conn.execute(sql, (member.platform, dm_channel(member.user)))
            await _edits_due(conn, member.platform, touched, now=now, window=window)
            return deleted

    async def reading_list(
        self, channel: ChannelRef, *, offset: int, limit: int
    ) -> tuple[list[ReadingItem], int]:
        rows = await self._db.query(
            READING_LIST_SQL, channel.platform, channel.channel, limit, offset
        )
        ((total,),) = await self._db.query(
            READING_LIST_COUNT_SQL, channel.platform, channel.channel
        )
        return [reading_item(row) for row in rows], int(total)

    async def hide(self, channel: ChannelRef, arxiv_id: str, *, now: float) -> bool:
        values = (channel.platform, channel.workspace, channel.channel, arxiv_id, now)
        async with self._db.transaction() as conn:
            return (await conn.execute(HIDE_SQL, values)).rowcount == 1

    async def exported(
        self, platform: str, channel: str, user: str | None, kind: Kind | None
    ) -> list[SavedPaper]:
        rows = await self._db.query(EXPORTED_SQL, platform, channel, user, kind)
        return [saved_paper(row) for row in rows]


class SqliteFollows:
    """The ``follows``, ``follow_days`` and ``follow_sent`` tables."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, member: Member) -> Follow | None:
        rows = await self._db.query(FOLLOW_SQL, *member_key(member))
        return follow_record(rows[0]) if rows else None

    async def put(self, follow: Follow) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(PUT_FOLLOW_SQL, follow_values(follow))

    async def remove(self, member: Member) -> bool:
        async with self._db.transaction() as conn:
            return (await conn.execute(REMOVE_FOLLOW_SQL, member_key(member))).rowcount == 1

    async def all(self, platform: str) -> list[Follow]:
        return [follow_record(row) for row in await self._db.query(FOLLOWS_SQL, platform)]

    async def told(self, member: Member, reason: str | None) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(TOLD_SQL, (*member_key(member), reason))

    async def planned_days(self, platform: str, day: dt.date) -> set[Member]:
        rows = await self._db.query(PLANNED_DAYS_SQL, platform, day.isoformat())
        return {Member(platform, str(w), str(u)) for w, u in rows}

    async def sent_papers(self, member: Member, arxiv_ids: Sequence[str]) -> set[str]:
        papers = json.dumps(list(arxiv_ids))
        rows = await self._db.query(SENT_PAPERS_SQL, *member_key(member), papers)
        return {str(a) for (a,) in rows}

    async def plan(
        self,
        rows: Sequence[PlannedRow],
        days: Sequence[tuple[Member, dt.date, Sequence[str]]],
        *,
        now: float,
    ) -> None:
        async with self._db.transaction() as conn:
            await add_planned(conn, rows, (), now=now)
            await conn.executemany(
                FOLLOW_DAY_SQL,
                [(*member_key(m), day.isoformat(), now) for m, day, _ in days],
            )
            await conn.executemany(
                FOLLOW_SENT_SQL,
                [(*member_key(m), a, day.isoformat()) for m, day, papers in days for a in papers],
            )


async def _counts(
    conn: aiosqlite.Connection, platform: str, channel: str, arxiv_ids: Sequence[str]
) -> dict[str, Counts]:
    rows = await conn.execute_fetchall(COUNTS_SQL, (platform, channel, json.dumps(list(arxiv_ids))))
    return counts_by_paper(rows)


async def _edits_due(
    conn: aiosqlite.Connection,
    platform: str,
    touched: Sequence[Sequence[Any]] | Any,
    *,
    now: float,
    window: float,
) -> None:
    """Cards showing papers whose counts changed outside a press: due for an edit too."""
    await conn.executemany(
        EDITS_OF_PAPER_SQL, [(platform, str(c), str(a), now, window) for c, a in touched]
    )
