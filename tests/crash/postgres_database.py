"""The PostgreSQL twin of :class:`tests.crash.database.SqliteDatabase`, on psycopg's sync API.

Each trial gets a database of its own (``CREATE DATABASE``, as the ``postgres_url`` fixture makes
one per test), so trials share nothing, as they do with a SQLite file each.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

from tests.crash.database import OutboxRows, outbox_dict

__all__ = ["PostgresDatabase", "create_database"]


def create_database(url: str, name: str) -> PostgresDatabase:
    """Create database ``name`` beside the one ``url`` names (dropped again from there)."""
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name)))
    parts = urlsplit(url)
    return PostgresDatabase(urlunsplit(parts._replace(path=f"/{name}")), created_from=url)


class PostgresDatabase:
    """A child's PostgreSQL database, looked at over a short connection per question."""

    def __init__(self, url: str, *, created_from: str | None = None) -> None:
        self.url = url
        self.created_from = created_from

    def child_args(self) -> list[str]:
        return []

    def child_env(self) -> dict[str, str]:
        return {"PAPERBOT_DATABASE_URL": self.url}

    def lease_owners(self, name: str) -> list[tuple[str, float]]:
        rows = self._query("SELECT owner, expires_at FROM leases WHERE name = %s", (name,))
        return [(str(o), float(str(e))) for o, e in rows]

    def expire_lease(self, pid: int) -> bool:
        with psycopg.connect(self.url, autocommit=True) as conn:
            try:
                cursor = conn.execute(
                    "UPDATE leases SET expires_at = 0 WHERE owner LIKE %s", (f"%:{pid}:%",)
                )
            except psycopg.errors.UndefinedTable:  # killed before the schema existed
                return False
            return cursor.rowcount > 0

    def outbox_rows(self, platform: str, channel: str) -> OutboxRows:
        return outbox_dict(self._query(
            "SELECT digest_date, paper, state, message_id FROM outbox"
            " WHERE platform = %s AND channel = %s",
            (platform, channel),
        ))  # fmt: skip

    def discard(self) -> None:
        """Drop the database :func:`create_database` made (its children are stopped; FORCE
        ends any connection left over). One it was only given stays."""
        if self.created_from is None:
            return
        name = urlsplit(self.url).path.lstrip("/")
        with psycopg.connect(self.created_from, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )

    def _query(self, query: str, args: tuple[object, ...]) -> list[tuple[object, ...]]:
        with psycopg.connect(self.url, autocommit=True) as conn:
            try:
                return list(conn.execute(query, args).fetchall())
            except psycopg.errors.UndefinedTable:  # the schema is not there yet
                return []
