"""Numbers on the command line are bounded, with a message, never an ``OverflowError``.

``search --offset 99999999999999999999999`` reached SQLite, which cannot hold it; an
``--application-id`` of any size went into the invite link.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.core.archive.lookup import MAX_SEARCH_OFFSET, Lookup
from bot.storage.sqlite.store import Store
from tests.conftest import EXAMPLES

runner = CliRunner()
EXAMPLE = EXAMPLES / "hf-daily-papers-2026-01-05.md"
HUGE = "99999999999999999999999"


def plain(output: str) -> str:
    """The words of an error panel, without rich's frame and line breaks."""
    return " ".join(output.replace("│", " ").split())


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "archive.db"
    assert runner.invoke(app, ["ingest", str(EXAMPLE), "--db", str(path)]).exit_code == 0
    return path


@pytest.mark.parametrize("offset", [HUGE, str(MAX_SEARCH_OFFSET + 1), "-1"])
def test_search_offset_out_of_range_is_refused(db: Path, offset: str) -> None:
    result = runner.invoke(app, ["search", "모델", "--offset", offset, "--db", str(db)])
    assert result.exit_code == 2, result.output
    assert "Invalid value for '--offset'" in plain(result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_search_offset_at_the_bound_answers(db: Path) -> None:
    result = runner.invoke(
        app, ["search", "모델", "--offset", str(MAX_SEARCH_OFFSET), "--db", str(db)]
    )
    assert "Invalid value" not in result.output and "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit | None)


async def test_the_lookup_clamps_any_offset_it_is_given(tmp_path: Path) -> None:
    """Chat buttons carry page numbers too: the core must take any number."""
    async with Store.open(tmp_path / "a.db") as store:
        results = await Lookup(store).search("모델", limit=10**30, offset=10**30)
    assert results.hits == () and results.offset == MAX_SEARCH_OFFSET


@pytest.mark.parametrize("value", [HUGE, "-5", "42"])
def test_an_application_id_must_be_a_snowflake(value: str) -> None:
    result = runner.invoke(app, ["discord", "invite-url", "--application-id", value])
    assert result.exit_code == 2
    assert f"{value} is not an application id (17 to 20 digits" in plain(result.output)


def test_an_application_id_makes_the_link() -> None:
    result = runner.invoke(
        app, ["discord", "invite-url", "--application-id", "1234567890123456" + "789"]
    )
    assert result.exit_code == 0
    assert result.output.startswith(
        "https://discord.com/oauth2/authorize?client_id=1234567890123456789&"
    )
