"""The PostgreSQL store's repositories, over its two doors to the database.

As :mod:`bot.storage.sqlite.tables`: each repository is a small object over
:class:`Database` (``transaction()`` for writes, ``query()`` for one-statement reads), and
:class:`Tables` makes them on first use. Only the repositories implemented for PostgreSQL so
far are here: the outbox and the leases, the subscriptions and the schedule runs, the
Hugging Face metadata (the archive itself is :mod:`bot.storage.postgres.archive`), the reactions
and the follows.
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from functools import cached_property
from typing import TYPE_CHECKING, Any, Protocol

import psycopg

from bot.storage.leases import Leases, LeaseStatements
from bot.storage.postgres import outbox_sql, subscriptions_sql
from bot.storage.postgres.metadata import PostgresMetadata
from bot.storage.postgres.outbox import PostgresOutbox
from bot.storage.postgres.schedule_runs import PostgresScheduleRuns
from bot.storage.postgres.voice import PostgresFollows, PostgresReactions
from bot.storage.subscription_table import Subscriptions, SubscriptionStatements

if TYPE_CHECKING:
    from bot.core.daily.repositories import ScheduleRunRepository, SubscriptionRepository
    from bot.core.delivery.repositories import LeaseRepository, OutboxRepository
    from bot.core.enrichment.repositories import MetadataRepository
    from bot.core.voice.repositories import FollowRepository, ReactionRepository

__all__ = ["Connection", "Database", "Row", "Tables"]

Row = tuple[Any, ...]
Connection = psycopg.AsyncConnection[Row]


class Database(Protocol):
    """What the repositories use of the store."""

    def transaction(self) -> AbstractAsyncContextManager[Connection]:
        """A pooled connection inside one transaction; any exception rolls it back.

        Raises:
            StorageError: PostgreSQL failed; nothing of the transaction was written.
        """
        ...

    async def query(self, sql: str, *params: Any) -> list[Row]:
        """Rows of one read statement."""
        ...


#: This backend's lease statements (the class is shared: :mod:`bot.storage.leases`).
_LEASE_SQL = LeaseStatements(
    take=outbox_sql.TAKE_LEASE_SQL,
    live=outbox_sql.LIVE_LEASES_SQL,
    extend=outbox_sql.EXTEND_LEASE_SQL,
    expire=outbox_sql.EXPIRE_LEASES_SQL,
    release=outbox_sql.RELEASE_LEASES_SQL,
)


#: This backend's subscription statements (:mod:`bot.storage.subscription_table`).
_SUBSCRIPTION_SQL = SubscriptionStatements(
    one=subscriptions_sql.SUBSCRIPTION_SQL,
    every=subscriptions_sql.SUBSCRIPTIONS_SQL,
    put=subscriptions_sql.PUT_SUBSCRIPTION_SQL,
    remove=subscriptions_sql.REMOVE_SUBSCRIPTION_SQL,
)


class Tables:
    """The store's delivery, daily, metadata and voice repositories, made on first use.

    ``self`` is typed :class:`Database`, so mypy checks that the class this is mixed into has
    the two doors.
    """

    @cached_property
    def outbox(self: Database) -> OutboxRepository:
        """The outbox rows, paused channels and filtered days."""
        return PostgresOutbox(self)

    @cached_property
    def leases(self: Database) -> LeaseRepository:
        """The leases."""
        return Leases(self, _LEASE_SQL)

    @cached_property
    def subscriptions(self: Database) -> SubscriptionRepository:
        """The subscriptions."""
        return Subscriptions(self, _SUBSCRIPTION_SQL)

    @cached_property
    def schedule_runs(self: Database) -> ScheduleRunRepository:
        """The record of each channel's slots."""
        return PostgresScheduleRuns(self)

    @cached_property
    def metadata(self: Database) -> MetadataRepository:
        """Hugging Face's metadata per paper."""
        return PostgresMetadata(self)

    @cached_property
    def reactions(self: Database) -> ReactionRepository:
        """Likes, saves, reading lists and the count edits they cause."""
        return PostgresReactions(self)

    @cached_property
    def follows(self: Database) -> FollowRepository:
        """Members' follows and their direct messages."""
        return PostgresFollows(self)
