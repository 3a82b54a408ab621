"""``paperbot migrate``: its report, its exit codes, and a password never shown."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from bot.cli import app
from bot.core.clock import SystemClock
from bot.core.delivery.lease import Lease, delivery_lease
from bot.storage.postgres.store import PostgresStore
from bot.storage.sqlite.store import Store
from tests.conftest import ROOT
from tests.storage.postgres.test_migrate import fill

runner = CliRunner()
SECRET = "s3cret-pw"


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    path = tmp_path / "paperbot.db"
    asyncio.run(fill(path))
    return path


def migrate(*args: str, env: dict[str, str] | None = None) -> Result:
    return runner.invoke(app, ["migrate", *args], env={"PAPERBOT_DATABASE_URL": "", **(env or {})})


def as_json(result: Result) -> dict[str, Any]:
    assert result.exit_code in (0, 1), result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_a_copy_is_reported_per_table_and_a_rerun_copies_nothing(
    archive: Path, postgres_url: str
) -> None:
    first = migrate("--from", f"sqlite:{archive}", "--to", postgres_url)
    assert first.exit_code == 0, first.output
    shown = " ".join(first.output.split())
    assert "verified: every row of the archive is in postgresql:///test_" in shown
    assert "postgres@" not in shown  # no user info
    again = as_json(migrate("--from", f"sqlite:{archive}", "--to", postgres_url, "-f", "json"))
    assert again["verified"] is True
    assert again["target"].startswith("postgresql://") and "@" not in again["target"]
    outbox = next(t for t in again["tables"] if t["table"] == "outbox")
    assert outbox == {
        "table": "outbox", "source_rows": 12, "copied": 0, "already_present": 12,
        "verified": True,
    }  # fmt: skip
    assert {t["copied"] for t in again["tables"]} == {0}


def test_the_target_defaults_to_the_environment_which_may_hold_the_password(
    archive: Path, postgres_url: str
) -> None:
    url = postgres_url.replace("postgres@/", f"postgres:{SECRET}@/")  # trust: not asked for
    done = migrate("--from", f"sqlite:{archive}", env={"PAPERBOT_DATABASE_URL": url})
    assert done.exit_code == 0, done.output
    assert SECRET not in done.output


def test_a_password_on_the_command_line_is_refused_and_not_echoed(archive: Path) -> None:
    done = migrate("--from", f"sqlite:{archive}", "--to", f"postgresql://u:{SECRET}@db:5432/x")
    assert done.exit_code == 2
    assert SECRET not in done.output
    assert "put it in PAPERBOT_DATABASE_URL" in " ".join(done.output.split())


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--from", "sqlite:nowhere.db", "--to", "postgresql://h/x"], "no archive at nowhere.db"),
        (["--from", "paperbot.db", "--to", "postgresql://h/x"], "sqlite:PATH"),
        (["--from", f"postgresql://u:{SECRET}@h/x", "--to", "postgresql://h/x"], "not a postgr"),
        (["--from", "sqlite:a.db"], "--to postgresql://"),
        (["--from", "sqlite:a.db", "--to", f"mysql://u:{SECRET}@h/x"], "a postgresql:// URL"),
    ],
)
def test_usage_errors_exit_2_and_create_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], says: str
) -> None:
    monkeypatch.chdir(tmp_path)
    done = migrate(*args)
    assert done.exit_code == 2
    shown = " ".join(done.output.split())
    assert says in shown and SECRET not in shown
    assert list(tmp_path.iterdir()) == []  # no empty archive left behind


def test_a_running_serve_refuses_the_copy(archive: Path, postgres_url: str) -> None:
    async def hold() -> Lease:
        async with Store.open(archive) as store:
            lease = Lease(store, SystemClock(), delivery_lease("discord"), role="serve")
            assert await lease.acquire()
            return lease

    asyncio.run(hold())
    done = migrate("--from", f"sqlite:{archive}", "--to", postgres_url)
    assert done.exit_code == 2
    shown = " ".join(done.output.split())
    assert "paperbot serve (pid" in shown and "stop it" in shown
    forced = migrate("--from", f"sqlite:{archive}", "--to", postgres_url, "--force")
    assert forced.exit_code == 0, forced.output


def test_rows_kept_out_by_the_targets_own_fail_verification_with_exit_1(
    archive: Path, postgres_url: str
) -> None:
    """A row the target holds under another key clashes with a source row: never overwritten."""

    async def clash() -> None:
        async with PostgresStore.open(postgres_url) as postgres, postgres.transaction() as conn:
            # The target allows one subscription per time of day; the archive has three at 08:30.
            await conn.execute("CREATE UNIQUE INDEX one_per_time ON subscriptions (time)")

    asyncio.run(clash())
    done = as_json(migrate("--from", f"sqlite:{archive}", "--to", postgres_url, "-f", "json"))
    assert done["verified"] is False
    subscriptions = next(t for t in done["tables"] if t["table"] == "subscriptions")
    assert (subscriptions["copied"], subscriptions["verified"]) == (1, False)
    text = migrate("--from", f"sqlite:{archive}", "--to", postgres_url)
    assert text.exit_code == 1
    assert "NOT verified: subscriptions" in " ".join(text.output.split())


def test_without_the_driver_it_says_what_to_install(archive: Path) -> None:
    program = (
        "import sys; sys.modules['psycopg'] = None; sys.modules['psycopg_pool'] = None\n"
        "from bot.cli import main; main()"
    )
    argv = ["migrate", "--from", f"sqlite:{archive}", "--to", "postgresql://u@localhost/x"]
    done = subprocess.run(
        [sys.executable, "-c", program, *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "pip install 'paperbot[postgres]'" in done.stderr
