"""The embedded default never needs the PostgreSQL driver (the optional ``postgres`` extra).

The README's quick start installs ``pip install -e .`` only: opening a SQLite archive must not
import psycopg, and a PostgreSQL URL without it says what to install.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from tests.conftest import ROOT

PROGRAM = textwrap.dedent(
    """
    import asyncio, sys
    sys.modules["psycopg"] = None  # as if the extra were not installed
    sys.modules["psycopg_pool"] = None
    from bot.core.errors import StorageError
    from bot.storage import open_delivery_store, open_store

    async def main(path):
        async with open_store(path) as store:
            print("sqlite", len(await store.dates()))
        try:
            open_delivery_store("postgresql://u@localhost/x")
        except StorageError as error:
            print("postgres:", error)

    asyncio.run(main(sys.argv[1]))
    """
)


def test_sqlite_opens_without_psycopg_and_postgres_says_what_to_install(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM, str(tmp_path / "a.db")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "sqlite 0" in done.stdout
    assert "pip install 'paperbot[postgres]'" in done.stdout
