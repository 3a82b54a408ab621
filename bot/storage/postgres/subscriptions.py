"""Subscriptions in PostgreSQL: :class:`~bot.core.daily.repositories.SubscriptionRepository`.

As in SQLite (:mod:`bot.storage.sqlite.subscriptions`): a subscription is stored as the core's
record, its sections as comma-separated keys (``''`` for all), its flags as booleans. The
upsert keeps ``created_at``: slots before a channel first subscribed are not owed, however
often its settings change.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from bot.core.daily.subscriptions import MODES, RANKS, Subscription
from bot.core.routing.filters import Filters
from bot.core.routing.terms import FilterError
from bot.storage.postgres.subscriptions_sql import (
    PUT_SUBSCRIPTION_SQL,
    REMOVE_SUBSCRIPTION_SQL,
    SUBSCRIPTION_SQL,
    SUBSCRIPTIONS_SQL,
)
from digest_parser import SectionKey

if TYPE_CHECKING:
    from bot.storage.postgres.tables import Database

__all__ = ["PostgresSubscriptions"]

_log = logging.getLogger(__name__)


class PostgresSubscriptions:
    """The ``subscriptions`` table."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, platform: str, channel: str) -> Subscription | None:
        rows = await self._db.query(SUBSCRIPTION_SQL, platform, channel)
        return _subscription(rows[0]) if rows else None

    async def all(self, platform: str | None = None) -> tuple[Subscription, ...]:
        rows = await self._db.query(SUBSCRIPTIONS_SQL, platform, platform)
        return tuple(_subscription(row) for row in rows)

    async def put(self, subscription: Subscription) -> None:
        s = subscription
        values = (
            s.platform, s.channel, s.time, s.timezone, ",".join(k.value for k in s.sections),
            s.in_thread, s.paused, s.source, s.created_at, s.updated_at,
            s.filters.to_json(), s.mode, s.weekday, s.empty_note, s.rank,
        )  # fmt: skip
        async with self._db.transaction() as conn:
            await conn.execute(PUT_SUBSCRIPTION_SQL, values)

    async def remove(self, platform: str, channel: str) -> bool:
        async with self._db.transaction() as conn:
            cursor = await conn.execute(REMOVE_SUBSCRIPTION_SQL, (platform, channel))
            return cursor.rowcount == 1


def _subscription(row: Sequence[Any]) -> Subscription:
    """A :class:`Subscription` from a row of ``subscriptions_sql._SUBSCRIPTION``'s columns."""
    (platform, channel, time, zone, sections, thread, paused, source, created, updated,
     filters, mode, weekday, empty_note, rank) = row  # fmt: skip
    keys = tuple(SectionKey(k) for k in str(sections).split(",") if k)
    try:
        chosen = Filters.from_json(str(filters))
    except FilterError as error:  # a hand-edited row: deliver everything rather than nothing
        _log.warning("%s:%s: stored filters ignored: %s", platform, channel, error)
        chosen = Filters()
    return Subscription(
        str(platform), str(channel), str(time), str(zone), keys, bool(thread),
        bool(paused), source, float(created), float(updated), chosen,
        mode if mode in MODES else "cards", int(weekday) % 7, bool(empty_note),
        rank if rank in RANKS else "upvotes",
    )  # fmt: skip
