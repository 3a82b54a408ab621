"""The harness's two touches on a child's SQLite database: expire a dead lease, read the outbox.

Plain ``sqlite3`` rather than the application's store: the harness must see the file exactly as
the killed process left it, and must not run migrations or take leases of its own.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from tests.crash.report import Key

__all__ = ["expire_lease", "outbox_rows"]


def expire_lease(db: Path, pid: int) -> bool:
    """Expire the delivery lease a killed process held, as 30 s of waiting would."""
    if not db.exists():
        return False
    with contextlib.closing(sqlite3.connect(db)) as conn, conn:
        try:
            cursor = conn.execute(
                "UPDATE leases SET expires_at = 0 WHERE owner LIKE ?", (f"%:{pid}:%",)
            )
        except sqlite3.OperationalError:  # killed before the schema existed
            return False
        return cursor.rowcount > 0


def outbox_rows(db: Path, platform: str, channel: str) -> dict[Key, tuple[str, str | None]]:
    """(digest date, paper) → (state, message id) as the outbox recorded them."""
    with contextlib.closing(sqlite3.connect(db)) as conn:
        rows = conn.execute(
            "SELECT digest_date, paper, state, message_id FROM outbox"
            " WHERE platform = ? AND channel = ?",
            (platform, channel),
        ).fetchall()
    return {(str(d), str(p)): (str(s), None if m is None else str(m)) for d, p, s, m in rows}
