"""A hostile digest through every command: no control character reaches the terminal.

Digest text is untrusted. Each command's stdout and stderr may hold newlines and tabs, and
nothing else below U+0020, no DEL and no C1; rich markup in the digest is shown, not obeyed.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from bot.cli import app
from tests.console.hostile import CONTROLS, HOSTILE, MARKUP, write_hostile_digest

runner = CliRunner()


def _clean(result: Result) -> str:
    """The result's stdout and stderr, after checking neither holds a control character."""
    for name, stream in (("stdout", result.stdout), ("stderr", result.stderr)):
        found = CONTROLS.findall(stream)
        assert not found, f"{name} carries {found!r}:\n{stream}"
    return result.stdout + result.stderr


def _strings(value: Any) -> Iterator[str]:
    """Every string in a JSON value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


@pytest.fixture
def archive(tmp_path: Path) -> tuple[Path, str]:
    """The hostile digest, and an archive holding it."""
    digest = write_hostile_digest(tmp_path)
    db = str(tmp_path / "a.db")
    done = runner.invoke(app, ["ingest", str(digest), "--db", db])
    assert done.exit_code == 0, done.output
    _clean(done)
    return digest, db


@pytest.mark.parametrize(
    "command",
    [
        ["parse", "{digest}"],
        ["post", "{digest}", "--dry-run"],
        ["post", "{digest}"],
        ["lookup", "paper", "2601.01234"],
        ["lookup", "paper", "2601.01234", "-s", "motivation"],
        ["lookup", "section", "motivation"],
        ["lookup", "digest"],
        ["lookup", "paper", "2601.01235"],  # a miss: suggestions with hostile titles
        ["search", "needle"],
        ["search", "Title"],
    ],
    ids=lambda command: " ".join(command[:3]),
)
def test_no_control_reaches_the_terminal(archive: tuple[Path, str], command: list[str]) -> None:
    digest, db = archive
    args = [part.format(digest=digest) for part in command]
    if args[0] != "parse":
        args += ["--db", db]
    result = runner.invoke(app, args, env={"COLUMNS": "250"})
    assert result.exit_code in (0, 1), result.output
    shown = _clean(result)
    assert "[2J" in shown  # the text around the controls is still there
    if command[:2] != ["lookup", "digest"] and "--dry-run" not in command:
        assert all(markup in shown for markup in MARKUP), shown  # literal, not rich markup


def test_parse_warnings_and_errors_are_clean(tmp_path: Path) -> None:
    bad = tmp_path / "bad.md"
    bad.write_text(f"hello {HOSTILE}\n", encoding="utf-8")
    _clean(runner.invoke(app, ["parse", str(bad)]))
    strict = runner.invoke(app, ["parse", str(write_hostile_digest(tmp_path)), "--strict"])
    assert strict.exit_code == 1 and "unknown heading" in _clean(strict)


@pytest.mark.parametrize(
    "command",
    [["parse", "{digest}"], ["lookup", "paper", "2601.01234"], ["search", "needle"]],
    ids=lambda command: command[0],
)
def test_json_output_escapes_controls_and_keeps_the_text(
    archive: tuple[Path, str], command: list[str]
) -> None:
    digest, db = archive
    args = [part.format(digest=digest) for part in command] + ["--format", "json"]
    if args[0] != "parse":
        args += ["--db", db]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert any(HOSTILE in text for text in _strings(json.loads(_clean(result))))


async def test_serve_posts_and_logs_no_control(tmp_path: Path) -> None:
    """The daily run: console cards on stdout, log lines (naming the file) on stderr."""
    folder = tmp_path / "watched"
    folder.mkdir()
    write_hostile_digest(folder, "hf-daily-papers-2026-01-07\x1b]0;pwned\x07.md")
    config = tmp_path / "c.toml"
    config.write_text(
        '[[subscriptions]]\nplatform = "console"\nchannel = "console"\n'
        "[schedule]\npost_at_start = true\n"
        f"[sources]\nwatch = [{json.dumps(str(folder))}]\n",
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
    process = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "bot", "serve", "--config", str(config)),
        *("--db", str(tmp_path / "a.db")),
        env=env | {"COLUMNS": "250"},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    seen = ""
    while line := (await asyncio.wait_for(process.stderr.readline(), 60)).decode():
        seen += line
        if "delivered 3 messages" in line:
            break
    process.send_signal(signal.SIGINT)
    out, rest = await asyncio.wait_for(process.communicate(), 20)
    assert process.returncode == 0, seen + rest.decode()
    stdout, stderr = out.decode(), seen + rest.decode()
    assert "pwned" in stderr and "needle" in stdout and MARKUP[1] in stdout
    assert not CONTROLS.findall(stdout), stdout
    assert not CONTROLS.findall(stderr), stderr
