"""The harness's touches on a child's database: who holds the lease, expire it, read the outbox.

Plain drivers (``sqlite3``, psycopg's sync API) rather than the application's store: the harness
must see the database exactly as the killed process left it, and must not run migrations or
take leases of its own. :mod:`tests.crash.postgres_database` is the PostgreSQL twin. Children
reach SQLite through ``--db`` and PostgreSQL through ``PAPERBOT_DATABASE_URL`` (a URL is kept
off command lines, where a password would show in ``ps``).
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

from tests.crash.report import Key

__all__ = ["CrashDatabase", "SqliteDatabase", "owner_pid"]

OutboxRows = dict[Key, tuple[str, str | None]]


class CrashDatabase(Protocol):
    """One trial's database, as the harness looks at it."""

    def child_args(self) -> list[str]:
        """Command-line options naming the database to a child (``--db PATH``)."""
        ...

    def child_env(self) -> dict[str, str]:
        """Environment naming the database to a child (``PAPERBOT_DATABASE_URL``)."""
        ...

    def lease_owners(self, name: str) -> list[tuple[str, float]]:
        """(owner, expires_at) of lease ``name``, live or not; empty before the schema."""
        ...

    def expire_lease(self, pid: int) -> bool:
        """Expire the leases a killed process held, as 30 s of waiting would."""
        ...

    def outbox_rows(self, platform: str, channel: str) -> OutboxRows:
        """(digest date, paper) → (state, message id) as the outbox recorded them."""
        ...

    def discard(self) -> None:
        """The trial is counted: let go of what a server keeps (a file stays for its logs)."""
        ...


def owner_pid(owner: str) -> int:
    """The pid in a lease owner (``host:pid:nonce:role``)."""
    return int(owner.split(":")[1])


class SqliteDatabase:
    """A child's SQLite file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def child_args(self) -> list[str]:
        return ["--db", str(self.path)]

    def child_env(self) -> dict[str, str]:
        return {}

    def lease_owners(self, name: str) -> list[tuple[str, float]]:
        rows = self._query("SELECT owner, expires_at FROM leases WHERE name = ?", (name,))
        return [(str(o), float(str(e))) for o, e in rows]

    def expire_lease(self, pid: int) -> bool:
        if not self.path.exists():
            return False
        with contextlib.closing(sqlite3.connect(self.path)) as conn, conn:
            try:
                cursor = conn.execute(
                    "UPDATE leases SET expires_at = 0 WHERE owner LIKE ?", (f"%:{pid}:%",)
                )
            except sqlite3.OperationalError:  # killed before the schema existed
                return False
            return cursor.rowcount > 0

    def outbox_rows(self, platform: str, channel: str) -> OutboxRows:
        return outbox_dict(self._query(
            "SELECT digest_date, paper, state, message_id FROM outbox"
            " WHERE platform = ? AND channel = ?",
            (platform, channel),
        ))  # fmt: skip

    def discard(self) -> None:
        pass

    def _query(self, sql: str, args: tuple[object, ...]) -> list[tuple[object, ...]]:
        if not self.path.exists():
            return []
        with contextlib.closing(sqlite3.connect(self.path, timeout=10)) as conn:
            try:
                return list(conn.execute(sql, args).fetchall())
            except sqlite3.OperationalError:  # the schema is not there yet
                return []


def outbox_dict(rows: Iterable[tuple[object, ...]]) -> OutboxRows:
    """Outbox rows (date, paper, state, message id) keyed as the harness counts cards."""
    return {(str(d), str(p)): (str(s), None if m is None else str(m)) for d, p, s, m in rows}
