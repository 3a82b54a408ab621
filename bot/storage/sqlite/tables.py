"""The SQLite store's tables beside the archive: outbox, leases, subscriptions, runs, metadata,
reactions and follows.

:class:`~bot.storage.sqlite.store.Store` inherits :class:`Tables`, so one store is the
:class:`~bot.core.daily.repositories.DailyStore` the core asks for, while the store module
keeps to the archive. Each repository is a small object over the store's two doors to the
database (:class:`Database`): ``transaction()`` for writes (``BEGIN IMMEDIATE`` on the one
writer, under its lock) and ``query()`` for one-statement reads on a reader.
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from functools import cached_property
from typing import TYPE_CHECKING, Any, Protocol

import aiosqlite

from bot.storage.leases import Leases, LeaseStatements
from bot.storage.sqlite import outbox_sql, subscriptions_sql
from bot.storage.sqlite.metadata import SqliteMetadata
from bot.storage.sqlite.outbox import SqliteOutbox
from bot.storage.sqlite.schedule_runs import SqliteScheduleRuns
from bot.storage.sqlite.voice import SqliteFollows, SqliteReactions
from bot.storage.subscription_table import Subscriptions, SubscriptionStatements

if TYPE_CHECKING:
    from bot.core.daily.repositories import ScheduleRunRepository, SubscriptionRepository
    from bot.core.delivery.repositories import LeaseRepository, OutboxRepository
    from bot.core.enrichment.repositories import MetadataRepository
    from bot.core.voice.repositories import FollowRepository, ReactionRepository

__all__ = ["Database", "Tables"]

Row = tuple[Any, ...]


class Database(Protocol):
    """What the repositories use of the store."""

    def transaction(self) -> AbstractAsyncContextManager[aiosqlite.Connection]:
        """``BEGIN IMMEDIATE`` … ``COMMIT`` on the writer; any exception rolls back.

        Raises:
            StorageError: SQLite failed; nothing of the transaction was written.
        """
        ...

    async def query(self, sql: str, *params: Any) -> list[Row]:
        """Rows of one read statement, on a reader (a consistent snapshot)."""
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
    """The store's delivery and daily-run repositories, made on first use.

    ``self`` is typed :class:`Database`: mypy then checks that the class this is mixed into
    has the two doors, wherever one of the repositories is used.
    """

    @cached_property
    def outbox(self: Database) -> OutboxRepository:
        """The outbox rows and paused channels."""
        return SqliteOutbox(self)

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
        return SqliteScheduleRuns(self)

    @cached_property
    def metadata(self: Database) -> MetadataRepository:
        """Hugging Face's metadata per paper."""
        return SqliteMetadata(self)

    @cached_property
    def reactions(self: Database) -> ReactionRepository:
        """Likes, saves, reading lists and the count edits they cause."""
        return SqliteReactions(self)

    @cached_property
    def follows(self: Database) -> FollowRepository:
        """Members' follows and their direct messages."""
        return SqliteFollows(self)
