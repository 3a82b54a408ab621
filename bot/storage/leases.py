"""Leases, for every backend: :class:`~bot.core.delivery.repositories.LeaseRepository`.

A lease is a row with an owner and an expiry, compared against the caller's ``now``. Taking is
one upsert whose ``WHERE`` lets it through only when the lease is free, expired or the taker's
own; its ``rowcount`` says whether it did. Several names are taken in one transaction, rolled
back as a whole when any is held by someone else, and in name order, so two processes taking
overlapping sets never deadlock (PostgreSQL locks rows; SQLite's one writer never waits on a
row, and the order costs it nothing).

The backends differ only in their SQL text (placeholders), so each hands its statements in as
:class:`LeaseStatements` (the doors: :mod:`bot.storage.doors`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from bot.core.delivery.lease import HeldLease
from bot.storage.doors import Database, execute

__all__ = ["LeaseStatements", "Leases"]


class LeaseStatements(NamedTuple):
    """One backend's lease statements (their parameters as in SQLite's ``outbox_sql``)."""

    take: str  # (name, owner, until, now)
    live: str  # (now)
    extend: str  # (until, name, owner)
    expire: str  # (owner)
    release: str  # (owner)


class _Taken(Exception):
    """One of several names is held by someone else: roll the whole acquisition back."""


class Leases:
    """The ``leases`` table over one backend's two doors and statements."""

    def __init__(self, db: Database, sql: LeaseStatements) -> None:
        self._db = db
        self._sql = sql

    async def take(self, names: Sequence[str], owner: str, *, now: float, until: float) -> bool:
        try:
            async with self._db.transaction() as conn:
                for name in sorted(names):
                    cursor = await execute(conn, self._sql.take, (name, owner, until, now))
                    if cursor.rowcount != 1:
                        raise _Taken(name)
        except _Taken:
            return False
        return True

    async def live(self, *, now: float) -> list[HeldLease]:
        rows = await self._db.query(self._sql.live, now)
        return [HeldLease(str(name), str(owner), float(until)) for name, owner, until in rows]

    async def extend(self, names: Sequence[str], owner: str, *, until: float) -> bool:
        extended = 0
        async with self._db.transaction() as conn:
            for name in sorted(names):
                cursor = await execute(conn, self._sql.extend, (until, name, owner))
                extended += cursor.rowcount
        return extended == len(names)

    async def expire(self, owner: str) -> None:
        async with self._db.transaction() as conn:
            await execute(conn, self._sql.expire, (owner,))

    async def release(self, owner: str) -> None:
        async with self._db.transaction() as conn:
            await execute(conn, self._sql.release, (owner,))
