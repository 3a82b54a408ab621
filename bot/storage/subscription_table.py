"""Subscriptions, for every backend: :class:`~bot.core.daily.repositories.SubscriptionRepository`.

A subscription is stored as the core's record (:mod:`bot.storage.daily_records`); its sections
as comma-separated keys (``''`` for all). The upsert keeps ``created_at``: slots before a
channel first subscribed are not owed, however often its settings change. The backends differ
only in their SQL text, handed in as :class:`SubscriptionStatements`.
"""

from __future__ import annotations

from typing import NamedTuple

from bot.core.daily.subscriptions import Subscription
from bot.storage.daily_records import subscription as subscription_of
from bot.storage.daily_records import subscription_values
from bot.storage.doors import Database, execute

__all__ = ["SubscriptionStatements", "Subscriptions"]


class SubscriptionStatements(NamedTuple):
    """One backend's subscription statements."""

    one: str  # (platform, channel)
    every: str  # (platform or None, the same again)
    put: str  # subscription_values(...)
    remove: str  # (platform, channel)


class Subscriptions:
    """The ``subscriptions`` table over one backend's two doors and statements."""

    def __init__(self, db: Database, sql: SubscriptionStatements) -> None:
        self._db = db
        self._sql = sql

    async def get(self, platform: str, channel: str) -> Subscription | None:
        rows = await self._db.query(self._sql.one, platform, channel)
        return subscription_of(rows[0]) if rows else None

    async def all(self, platform: str | None = None) -> tuple[Subscription, ...]:
        rows = await self._db.query(self._sql.every, platform, platform)
        return tuple(subscription_of(row) for row in rows)

    async def put(self, subscription: Subscription) -> None:
        async with self._db.transaction() as conn:
            await execute(conn, self._sql.put, subscription_values(subscription))

    async def remove(self, platform: str, channel: str) -> bool:
        async with self._db.transaction() as conn:
            cursor = await execute(conn, self._sql.remove, (platform, channel))
            return cursor.rowcount == 1
