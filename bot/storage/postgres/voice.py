"""The group's voice in PostgreSQL: :class:`~bot.core.voice.repositories.ReactionRepository`
and :class:`~bot.core.voice.repositories.FollowRepository`.

The behaviour of :mod:`bot.storage.sqlite.voice`, without SQLite's single writer: several
processes press, unsave and plan at once, and PostgreSQL's row locks order them.

- A press is one transaction: toggle, edit row, counts. The edit row's upsert makes concurrent
  presses on one card wait for each other, so each reads counts that include every press
  committed before it, and fifty presses from two processes count to exactly fifty.
- A toggle that finds its row inserted meanwhile by the same person's other press (another
  process) undoes it, as a second press does.
- Unsave and forget lock the member's reactions, then the cards' edit rows, each in key order,
  as a press does (reaction, then edit row): no two transactions wait for each other in a
  circle.
- Follow DMs are planned by claiming each member's day first (``follow_days``, in key order):
  only the members whose day this transaction inserted get their outbox rows and papers, so
  two processes planning the same digest plan each member's DM once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from bot.core.cards.counts import Counts
from bot.core.voice.members import ChannelRef, Member, dm_channel
from bot.core.voice.records import CountEdit, Follow, Kind, Press, Pressed, ReadingItem, SavedPaper
from bot.storage.postgres.outbox import add_planned
from bot.storage.postgres.voice_sql import (
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
    KNOWN_PAPER_SQL,
    LOCK_MEMBER_REACTIONS_SQL,
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
    from bot.storage.postgres.tables import Connection, Database

__all__ = ["PostgresFollows", "PostgresReactions"]


class PostgresReactions:
    """The ``reactions``, ``count_edits`` and ``reading_list_hidden`` tables."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def press(self, press: Press, *, now: float, window: float) -> Pressed:
        where = press.channel
        key = (*member_key(press.member), where.channel, press.arxiv_id, press.kind)
        day = press.digest_date.isoformat() if press.digest_date else None
        async with self._db.transaction() as conn:
            on = not await _deleted(conn, key)  # a press undone, else a press made
            if on and not await _inserted(conn, press, day=day, now=now):
                if not await _known(conn, press.arxiv_id):
                    return Pressed(on=False, counts=Counts(), known=False)
                # The same person's press in another process inserted the row and committed
                # while this insert waited for it: this press undoes that one.
                await _deleted(conn, key)
                on = False
            if press.message is not None:
                edit = {"platform": where.platform, "workspace": where.workspace,
                        "channel": where.channel, "message": press.message,
                        "arxiv_id": press.arxiv_id, "day": day, "now": now,
                        "window": window}  # fmt: skip
                await conn.execute(EDIT_DUE_SQL, edit)
            rows = await conn.execute(COUNTS_SQL, (where.platform, where.channel, [press.arxiv_id]))
            counts = counts_by_paper(await rows.fetchall())
        return Pressed(on=on, counts=counts.get(press.arxiv_id, Counts()))

    async def counts(
        self, platform: str, channel: str, arxiv_ids: Sequence[str]
    ) -> dict[str, Counts]:
        return counts_by_paper(await self._db.query(COUNTS_SQL, platform, channel, list(arxiv_ids)))

    async def due_edits(self, now: float, *, limit: int) -> list[CountEdit]:
        return [count_edit(row) for row in await self._db.query(DUE_EDITS_SQL, now, limit)]

    async def next_edit_at(self) -> float | None:
        ((due,),) = await self._db.query(NEXT_EDIT_SQL)
        return None if due is None else float(due)

    async def edited(self, edit: CountEdit, *, now: float, window: float) -> None:
        where = edit.channel
        values = {"platform": where.platform, "channel": where.channel, "message": edit.message,
                  "now": now, "version": edit.version, "window": window}  # fmt: skip
        async with self._db.transaction() as conn:
            await conn.execute(EDITED_SQL, values)

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
            touched = await _lock_reactions(conn, member, arxiv_id)
            cursor = await conn.execute(UNSAVE_SQL, (*member_key(member), arxiv_id))
            await _edits_due(conn, member.platform, touched, now=now, window=window)
            return cursor.rowcount

    async def forget(self, member: Member, *, now: float, window: float) -> int:
        async with self._db.transaction() as conn:
            touched = await _lock_reactions(conn, member, None)
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
        which = (channel.platform, channel.channel)
        rows = await self._db.query(READING_LIST_SQL, *which, limit, offset)
        ((total,),) = await self._db.query(READING_LIST_COUNT_SQL, *which)
        return [reading_item(row) for row in rows], int(total)

    async def hide(self, channel: ChannelRef, arxiv_id: str, *, now: float) -> bool:
        values = (channel.platform, channel.workspace, channel.channel, arxiv_id, now)
        async with self._db.transaction() as conn:
            return (await conn.execute(HIDE_SQL, values)).rowcount == 1

    async def exported(
        self, platform: str, channel: str, user: str | None, kind: Kind | None
    ) -> list[SavedPaper]:
        which = (platform, channel, user, user, kind, kind, user)
        return [saved_paper(row) for row in await self._db.query(EXPORTED_SQL, *which)]


class PostgresFollows:
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
            await conn.execute(TOLD_SQL, (reason, *member_key(member)))

    async def planned_days(self, platform: str, day: dt.date) -> set[Member]:
        rows = await self._db.query(PLANNED_DAYS_SQL, platform, day.isoformat())
        return {Member(platform, str(w), str(u)) for w, u in rows}

    async def sent_papers(self, member: Member, arxiv_ids: Sequence[str]) -> set[str]:
        rows = await self._db.query(SENT_PAPERS_SQL, *member_key(member), list(arxiv_ids))
        return {str(a) for (a,) in rows}

    async def plan(
        self,
        rows: Sequence[PlannedRow],
        days: Sequence[tuple[Member, dt.date, Sequence[str]]],
        *,
        now: float,
    ) -> None:
        ordered = sorted(days, key=lambda d: (*member_key(d[0]), d[1].isoformat()))
        async with self._db.transaction() as conn:
            claimed = await _claim_days(conn, ordered, now=now)
            mine = {(m.platform, dm_channel(m.user), day.isoformat()) for m, day, _ in claimed}
            await add_planned(
                conn, [r for r in rows if (r.platform, r.channel, r.digest_date) in mine], (),
                now=now,
            )  # fmt: skip
            sent = sorted(
                (*member_key(m), a, day.isoformat()) for m, day, papers in claimed for a in papers
            )
            if sent:
                await conn.cursor().executemany(FOLLOW_SENT_SQL, sent)


async def _deleted(conn: Connection, key: tuple[str, ...]) -> bool:
    return (await conn.execute(REACTION_DELETE_SQL, key)).rowcount == 1


async def _inserted(conn: Connection, press: Press, *, day: str | None, now: float) -> bool:
    where = press.channel
    values = {"platform": where.platform, "workspace": where.workspace, "user": press.user,
              "channel": where.channel, "arxiv_id": press.arxiv_id, "kind": press.kind,
              "day": day, "now": now}  # fmt: skip
    return (await conn.execute(REACTION_INSERT_SQL, values)).rowcount == 1


async def _known(conn: Connection, arxiv_id: str) -> bool:
    row = await (await conn.execute(KNOWN_PAPER_SQL, (arxiv_id,))).fetchone()
    return bool(row and row[0])


async def _lock_reactions(
    conn: Connection, member: Member, arxiv_id: str | None
) -> list[tuple[str, str]]:
    """Lock the member's reactions about to go (in key order); their (channel, paper)s."""
    platform, workspace, user = member_key(member)
    which = {"platform": platform, "workspace": workspace, "user": user, "arxiv_id": arxiv_id}
    rows = await (await conn.execute(LOCK_MEMBER_REACTIONS_SQL, which)).fetchall()
    return sorted({(str(c), str(a)) for c, a in rows})


async def _edits_due(
    conn: Connection,
    platform: str,
    touched: Iterable[tuple[str, str]],
    *,
    now: float,
    window: float,
) -> None:
    """Cards showing papers whose counts changed outside a press: due for an edit too."""
    values: list[dict[str, Any]] = [
        {"platform": platform, "channel": c, "arxiv_id": a, "now": now, "window": window}
        for c, a in touched
    ]
    if values:
        await conn.cursor().executemany(EDITS_OF_PAPER_SQL, values)


async def _claim_days(
    conn: Connection, days: Sequence[tuple[Member, dt.date, Sequence[str]]], *, now: float
) -> list[tuple[Member, dt.date, Sequence[str]]]:
    """Insert the members' days in the given order; those this transaction inserted."""
    if not days:
        return []
    cursor = conn.cursor()
    values = [(*member_key(m), day.isoformat(), now) for m, day, _ in days]
    await cursor.executemany(FOLLOW_DAY_SQL, values, returning=True)
    inserted = [bool(await result.fetchall()) async for result in cursor.results()]
    return [d for d, won in zip(days, inserted, strict=True) if won]
