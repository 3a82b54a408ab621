"""Subscriptions in PostgreSQL: :class:`~bot.core.daily.repositories.SubscriptionRepository`.

As in SQLite (:mod:`bot.storage.sqlite.subscriptions`): a subscription is stored as the core's
record, its sections as comma-separated keys (``''`` for all), its flags as booleans. The
upsert keeps ``created_at``: slots before a channel first subscribed are not owed, however
often its settings change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core.daily.subscriptions import Subscription
from bot.storage.daily_records import subscription as subscription_of
from bot.storage.daily_records import subscription_values
from bot.storage.postgres.subscriptions_sql import (
    PUT_SUBSCRIPTION_SQL,
    REMOVE_SUBSCRIPTION_SQL,
    SUBSCRIPTION_SQL,
    SUBSCRIPTIONS_SQL,
)

if TYPE_CHECKING:
    from bot.storage.postgres.tables import Database

__all__ = ["PostgresSubscriptions"]


class PostgresSubscriptions:
    """The ``subscriptions`` table."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, platform: str, channel: str) -> Subscription | None:
        rows = await self._db.query(SUBSCRIPTION_SQL, platform, channel)
        return subscription_of(rows[0]) if rows else None

    async def all(self, platform: str | None = None) -> tuple[Subscription, ...]:
        rows = await self._db.query(SUBSCRIPTIONS_SQL, platform, platform)
        return tuple(subscription_of(row) for row in rows)

    async def put(self, subscription: Subscription) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(PUT_SUBSCRIPTION_SQL, subscription_values(subscription))

    async def remove(self, platform: str, channel: str) -> bool:
        async with self._db.transaction() as conn:
            cursor = await conn.execute(REMOVE_SUBSCRIPTION_SQL, (platform, channel))
            return cursor.rowcount == 1
