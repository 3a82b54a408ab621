"""Leases in PostgreSQL: :class:`~bot.core.delivery.repositories.LeaseRepository`.

As in SQLite (:mod:`bot.storage.sqlite.lease`): a lease is a row with an owner and an expiry,
compared against the caller's ``now``. Taking is one upsert whose ``WHERE`` lets it through
only when the lease is free, expired or the taker's own; its ``rowcount`` says whether it did.
Several names are taken in one transaction, rolled back as a whole when any is held by someone
else, and in name order, so two processes taking overlapping sets never deadlock.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.core.delivery.lease import HeldLease
from bot.storage.postgres.outbox_sql import (
    EXPIRE_LEASES_SQL,
    EXTEND_LEASE_SQL,
    LIVE_LEASES_SQL,
    RELEASE_LEASES_SQL,
    TAKE_LEASE_SQL,
)

if TYPE_CHECKING:
    from bot.storage.postgres.tables import Database

__all__ = ["PostgresLeases"]


class _Taken(Exception):
    """One of several names is held by someone else: roll the whole acquisition back."""


class PostgresLeases:
    """The ``leases`` table."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def take(self, names: Sequence[str], owner: str, *, now: float, until: float) -> bool:
        try:
            async with self._db.transaction() as conn:
                for name in sorted(names):
                    cursor = await conn.execute(TAKE_LEASE_SQL, (name, owner, until, now))
                    if cursor.rowcount != 1:
                        raise _Taken(name)
        except _Taken:
            return False
        return True

    async def live(self, *, now: float) -> list[HeldLease]:
        rows = await self._db.query(LIVE_LEASES_SQL, now)
        return [HeldLease(str(name), str(owner), float(until)) for name, owner, until in rows]

    async def extend(self, names: Sequence[str], owner: str, *, until: float) -> bool:
        extended = 0
        async with self._db.transaction() as conn:
            for name in sorted(names):
                cursor = await conn.execute(EXTEND_LEASE_SQL, (until, name, owner))
                extended += cursor.rowcount
        return extended == len(names)

    async def expire(self, owner: str) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(EXPIRE_LEASES_SQL, (owner,))

    async def release(self, owner: str) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(RELEASE_LEASES_SQL, (owner,))
