"""The PostgreSQL schema: its migrations, and :func:`migrate`, which applies them safely.

``schema_version`` holds one row per applied entry of :data:`MIGRATIONS` (its 1-based
number). :func:`migrate` runs at every open, in one transaction that first takes a
transaction-scoped advisory lock (``pg_advisory_xact_lock``): two processes opening the same
database at once migrate one after the other, and the second finds nothing left to do. A
failed migration rolls the whole transaction back, so the database stays at its previous
version. A shipped migration never changes; a new one is appended.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, Final

import psycopg

from bot.core.errors import SchemaError
from bot.storage.postgres.archive_sql import ARCHIVE_V3
from bot.storage.postgres.errors import postgres_error
from bot.storage.postgres.outbox_sql import DELIVERY_V1
from bot.storage.postgres.subscriptions_sql import DAILY_V2
from bot.storage.postgres.voice_sql import VOICE_V4

__all__ = ["MIGRATIONS", "MIGRATION_LOCK", "migrate"]

_log = logging.getLogger(__name__)

#: The schema, in order: version N is ``MIGRATIONS[N - 1]``.
MIGRATIONS: Final[tuple[str, ...]] = (DELIVERY_V1, DAILY_V2, ARCHIVE_V3, VOICE_V4)

#: The advisory lock key migrations hold: "paperbot" in ASCII, read as a 64-bit integer.
MIGRATION_LOCK: Final = int.from_bytes(b"paperbot", "big") & 0x7FFF_FFFF_FFFF_FFFF

_LOCK_SQL: Final = "SELECT pg_advisory_xact_lock(%s)"
_VERSION_TABLE_SQL: Final = (
    "CREATE TABLE IF NOT EXISTS schema_version ("
    " version INTEGER PRIMARY KEY,"
    " applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
)
_VERSION_SQL: Final = "SELECT coalesce(max(version), 0) FROM schema_version"
_RECORD_SQL: Final = "INSERT INTO schema_version (version) VALUES (%s)"


async def migrate(
    conn: psycopg.AsyncConnection[tuple[Any, ...]], migrations: Sequence[str] = MIGRATIONS
) -> int:
    """Bring the database to ``len(migrations)``; return the version it was at.

    Raises:
        SchemaError: The database's schema is newer than ``migrations``, or a migration
            failed (nothing of it stays).
    """
    try:
        async with conn.transaction():
            await conn.execute(_LOCK_SQL, (MIGRATION_LOCK,))
            await conn.execute(_VERSION_TABLE_SQL)
            row = await (await conn.execute(_VERSION_SQL)).fetchone()
            current = int(row[0]) if row else 0
            if current > len(migrations):
                raise SchemaError(
                    f"the database's schema is version {current}, newer than this paperbot's "
                    f"{len(migrations)}: upgrade paperbot"
                )
            for version in range(current + 1, len(migrations) + 1):
                await conn.execute(migrations[version - 1])
                await conn.execute(_RECORD_SQL, (version,))
                _log.info("PostgreSQL schema migrated to version %d", version)
    except psycopg.Error as error:
        raise SchemaError(str(postgres_error(error, "schema migration failed"))) from error
    return current
