"""A database URL where an SQLite path goes is refused, never echoed: it may hold a password."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from bot.cli import app


def test_a_database_url_given_as_db_is_refused_without_echoing_it(tmp_path: Path) -> None:
    done = CliRunner().invoke(app, ["status", "--db", "postgresql://u:s3cret@127.0.0.1:1/x"])
    assert done.exit_code == 2
    assert "s3cret" not in done.output and "not a postgresql URL" in done.output
