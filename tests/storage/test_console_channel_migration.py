"""Schema 5 moves every console row under one channel name, keeping what got furthest."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.core.delivery.poster import CONSOLE_CHANNEL
from bot.storage.sqlite.schema import MIGRATIONS
from bot.storage.sqlite.store import Store

V5 = 5


def _old_database(path: Path) -> None:
    """A schema-4 file with the console under two names and a Slack channel beside it."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        for number, script in enumerate(MIGRATIONS[: V5 - 1], start=1):
            conn.executescript(f"BEGIN;\n{script}\n;PRAGMA user_version = {number};\nCOMMIT;")
        outbox = [  # (channel, paper, state)
            ("terminal", "header", "sent"), ("console", "header", "sent"),
            ("terminal", "A", "pending"), ("console", "A", "sent"),  # post showed A
            ("terminal", "B", "sent"), ("console", "B", "sending"),  # killed showing B
            ("terminal", "C", "failed"), ("console", "C", "pending"),
            ("terminal", "D", "pending"),  # only one name has it
        ]  # fmt: skip
        conn.executemany(
            "INSERT INTO outbox (platform, channel, digest_date, paper, position, state,"
            " planned_at) VALUES ('console', ?, '2026-01-05', ?, 0, ?, 0)",
            outbox,
        )
        conn.execute(
            "INSERT INTO outbox (platform, channel, digest_date, paper, position, planned_at)"
            " VALUES ('slack', 'terminal', '2026-01-05', 'A', 1, 0)"
        )
        conn.executemany(
            "INSERT INTO schedule_runs (platform, channel, local_date, slot_at, state,"
            " updated_at) VALUES ('console', ?, ?, 0, ?, ?)",
            [
                ("terminal", "2026-01-05", "planned", 1),
                ("console", "2026-01-05", "waiting", 2),
                ("console", "2026-01-06", "skipped", 3),
            ],
        )
        conn.executemany(
            "INSERT INTO subscriptions (platform, channel, time, source, created_at, updated_at)"
            " VALUES ('console', ?, '08:00', 'config', ?, 0)",
            [("console", 20.0), ("terminal", 10.0)],
        )
        conn.executemany(
            "INSERT INTO paused_channels VALUES ('console', ?, ?, ?)",
            [("terminal", "old", 1.0), ("console", "new", 2.0)],
        )
    finally:
        conn.close()


async def test_console_rows_are_merged_under_one_name(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _old_database(path)
    async with Store.open(path):
        pass
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] >= V5
        outbox = conn.execute(
            "SELECT channel, paper, state FROM outbox WHERE platform = 'console' ORDER BY paper"
        ).fetchall()
        assert outbox == [
            (CONSOLE_CHANNEL, "A", "sent"),
            (CONSOLE_CHANNEL, "B", "sent"),
            (CONSOLE_CHANNEL, "C", "pending"),
            (CONSOLE_CHANNEL, "D", "pending"),
            (CONSOLE_CHANNEL, "header", "sent"),
        ]
        slack = conn.execute("SELECT channel FROM outbox WHERE platform = 'slack'").fetchall()
        assert slack == [("terminal",)]  # other platforms are untouched
        runs = conn.execute("SELECT channel, local_date, state FROM schedule_runs ORDER BY 2")
        assert runs.fetchall() == [
            (CONSOLE_CHANNEL, "2026-01-05", "planned"),
            (CONSOLE_CHANNEL, "2026-01-06", "skipped"),
        ]
        subscriptions = conn.execute("SELECT channel, created_at FROM subscriptions").fetchall()
        assert subscriptions == [(CONSOLE_CHANNEL, 10.0)]
        paused = conn.execute("SELECT channel, reason FROM paused_channels").fetchall()
        assert paused == [(CONSOLE_CHANNEL, "old")]
    finally:
        conn.close()
