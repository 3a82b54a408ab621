"""What every command promises: ``--help`` intact, ``--format json``, ``paperbot --version``."""

from __future__ import annotations

import json
import re
from importlib.metadata import version
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from bot.cli import app

runner = CliRunner()


def _commands() -> list[tuple[list[str], Any]]:
    """Every leaf command as (argv words, command), found by walking the real CLI."""
    found: list[tuple[list[str], Any]] = []

    def walk(words: list[str], command: Any) -> None:
        if hasattr(command, "commands"):  # a group (typer vendors its own click)
            for name, sub in command.commands.items():
                walk([*words, name], sub)
        else:
            found.append((words, command))

    walk([], typer.main.get_command(app))
    return found


COMMANDS = _commands()


def _shown(words: list[str]) -> str:
    """``--help`` as a reader sees it: panel borders gone, line wraps joined."""
    result = runner.invoke(app, [*words, "--help"])
    assert result.exit_code == 0, result.output
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", result.output).split())


def test_the_walk_finds_every_command() -> None:
    names = {" ".join(words) for words, _ in COMMANDS}
    assert {"ingest", "lookup paper", "search", "status", "serve", "discord invite-url"} <= names


@pytest.mark.parametrize(
    "words", [words for words, command in COMMANDS if any(p.name == "db" for p in command.params)]
)
def test_db_help_names_the_storage_path_intact(words: list[str]) -> None:
    assert "[storage] path" in _shown(words)


def _plain(written: str) -> str:
    """Help as written, with rich's escapes undone and whitespace collapsed."""
    return " ".join(written.replace("\\[", "[").split())


@pytest.mark.parametrize("words", [words for words, _ in COMMANDS], ids=" ".join)
def test_no_help_text_is_lost_to_markup(words: list[str]) -> None:
    """Square brackets in help are rich markup unless escaped: every word must survive."""
    shown = _shown(words)
    command = next(c for w, c in COMMANDS if w == words)
    for paragraph in (command.help or "").split("\n\n"):
        assert _plain(paragraph) in shown, f"{words}: {paragraph!r} is not shown whole"
    for param in command.params:
        if written := getattr(param, "help", None):
            assert _plain(written) in shown, f"{param.name}: {written!r} is not shown whole"


def test_serve_help_describes_the_daily_run() -> None:
    shown = _shown(["serve"])
    for promise in ("daily", "watched folders", "URL", "slash commands", "Ctrl-C"):
        assert promise in shown, promise


def test_version_prints_the_installed_package_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"paperbot {version('paperbot')}"


#: A service logs rather than answers.
NO_FORMAT = {"serve"}


@pytest.mark.parametrize(
    "words", [w for w, _ in COMMANDS if " ".join(w) not in NO_FORMAT], ids=" ".join
)
def test_every_command_takes_format_json(words: list[str]) -> None:
    assert "--format -f <table|json>" in _shown(words)


def test_invite_url_as_json() -> None:
    result = runner.invoke(
        app, ["discord", "invite-url", "--application-id", "123456789012345678", "-f", "json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["application_id"] == "123456789012345678"  # a snowflake: a string, as Discord's
    assert data["url"].startswith("https://discord.com/oauth2/authorize?client_id=1234")


def test_post_help_shows_flags_as_flags_and_paragraphs_unbroken() -> None:
    shown = _shown(["post"])
    for flag in ("--dry-run", "--again", "--no-wait"):
        assert f"{flag} <bool>" not in shown, flag
    assert "--dry-run Show what would be sent" in shown
    assert "with --mode digest, as one numbered listing" in shown
    assert "papers without upvotes (not enriched yet) are left out" in shown
    wide = runner.invoke(app, ["post", "--help"], env={"COLUMNS": "300"})
    assert (
        "Every message is planned in the outbox before anything is sent, so running post again"
        in wide.output
    )  # one line on a wide terminal, not the docstring's hard wraps


def test_post_mode_weekly_says_it_is_a_subscription_setting() -> None:
    refused = runner.invoke(app, ["post", "x.md", "--mode", "weekly"])
    assert refused.exit_code == 2
    shown = " ".join(re.sub(r"[│╭╮╰╯─]", " ", refused.output).split())
    assert (
        "Invalid value for '--mode': post sends cards or digest; weekly is a subscription "
        "setting (/subscribe mode:weekly" in shown
    )
    assert "Value error" not in shown
