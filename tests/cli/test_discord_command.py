"""``paperbot discord invite-url`` and ``post --to discord:…`` when Discord cannot be reached.

"Unreachable" is a loopback port that refuses connections (``closed_port``): no network, no
waiting. Each command must end with one line that says what to check and a non-zero exit,
not a hundred lines of aiohttp traceback, and say nothing about voice support.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import EXAMPLES, ROOT
from tests.fakes import discord_client  # noqa: F401  (imports discord.py quietly: see there)

import discord  # isort: skip  (after the fakes)

from bot.cli import app

runner = CliRunner()
EXAMPLE = EXAMPLES / "hf-daily-papers-2026-01-05.md"
CHANNEL = "1234567890123456789"


@pytest.fixture
def unreachable(tmp_path: Path, closed_port: int) -> tuple[Path, str]:
    """A config pointing Discord's REST API at the closed port, and that base URL."""
    base = f"http://127.0.0.1:{closed_port}/api/v10"
    config = tmp_path / "config.toml"
    config.write_text(f'[discord]\napi_base_url = "{base}"\n', encoding="utf-8")
    return config, base


def test_invite_url_without_discord_says_so_in_one_line(
    unreachable: tuple[Path, str], tmp_path: Path
) -> None:
    config, base = unreachable
    env = {k: v for k, v in os.environ.items() if k != "PAPERBOT_CONFIG"}
    done = subprocess.run(  # a new process: discord.py's once-per-process warnings included
        [sys.executable, "-m", "bot", "discord", "invite-url", "--config", str(config)],
        capture_output=True,
        text=True,
        env={**env, "DISCORD_TOKEN": "a-token", "PYTHONPATH": str(ROOT)},
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert (done.returncode, done.stdout) == (2, "")
    (line,) = done.stderr.splitlines()  # no traceback, no "davey is not installed"
    assert line.startswith(f"cannot reach Discord at {base} (Cannot connect to host 127.0.0.1")
    hint = "check the network connection, and [discord] api_base_url if it is set"
    assert line.endswith(f"{hint} (or pass --application-id)")


def test_post_without_discord_says_so_in_one_line(
    unreachable: tuple[Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config, base = unreachable
    monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)  # restored after
    command = ["post", str(EXAMPLE), "--to", f"discord:{CHANNEL}", "--config", str(config)]
    result = runner.invoke(
        app, [*command, "--db", str(tmp_path / "a.db")], env={"DISCORD_TOKEN": "a-token"}
    )
    assert result.exit_code == 2, result.output
    assert f"cannot reach Discord at {base} (Cannot connect" in result.output
    assert "Traceback" not in result.output


def test_a_channel_id_of_the_wrong_shape_is_refused_before_anything_is_sent(
    tmp_path: Path,
) -> None:
    db = str(tmp_path / "a.db")
    for target, said in [
        ("discord:abc", "'abc' is not a Discord channel id (17 to 20 digits"),
        ("discord:#papers", "'#papers' is not a Discord channel id"),
        ("slack:general", "'general' is not a Slack channel id"),
    ]:
        result = runner.invoke(app, ["post", str(EXAMPLE), "--to", target, "--db", db])
        assert result.exit_code == 2 and said in result.output, result.output
    retried = runner.invoke(app, ["retry", "--to", "discord:abc", "--db", db])
    assert retried.exit_code == 2 and "is not a Discord channel id" in retried.output
