"""``paperbot parse``: formats and exit codes, through the real CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from bot.cli import app
from tests.conftest import EXAMPLES, require_real_digest

runner = CliRunner()
EXAMPLE = EXAMPLES / "hf-daily-papers-2026-01-05.md"


def test_table_lists_papers_and_warnings() -> None:
    result = runner.invoke(app, ["parse", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    assert "2601.01234" in result.output and "1234567" in result.output
    assert f"{EXAMPLE}:103: missing sections: architecture" in result.output


def test_json_is_exactly_the_model_dump() -> None:
    result = runner.invoke(app, ["parse", str(EXAMPLE), "--format", "json"])
    data = json.loads(result.output)
    assert data["date"] == "2026-01-05" and len(data["papers"]) == 3
    assert data["warnings"][0] == {
        "line": 103,
        "paper": "2601.03456",
        "message": "missing sections: architecture, experiments, limitations",
    }
    assert "raw" not in data["papers"][0]


def test_strict_fails_on_warnings() -> None:
    assert runner.invoke(app, ["parse", str(EXAMPLE), "--strict"]).exit_code == 1
    clean = require_real_digest("hf-daily-papers-2025-05-20.md")
    assert runner.invoke(app, ["parse", str(clean), "--strict"]).exit_code == 0


def test_not_a_digest_and_unreadable_exit_2(tmp_path: Path) -> None:
    junk = tmp_path / "junk.md"
    junk.write_bytes(b"hello\xff\xfe")
    result = runner.invoke(app, ["parse", str(junk)])
    assert result.exit_code == 2
    assert f"{junk}:1: invalid UTF-8 at byte offset 5" in result.output
    missing = runner.invoke(app, ["parse", str(tmp_path / "nope.md")])
    assert missing.exit_code == 2 and "cannot read" in missing.output


def test_no_papers_exits_1(tmp_path: Path) -> None:
    empty = tmp_path / "hf-daily-papers-2026-01-01.md"
    empty.write_text("# 📰 Hugging Face Daily Papers – 2026-01-01\n", encoding="utf-8")
    result = runner.invoke(app, ["parse", str(empty)])
    assert result.exit_code == 1 and "no paper could be read" in result.output


def test_python_dash_m_bot_runs_the_cli() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "parse", str(EXAMPLE), "-f", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["papers"][0]["title"] == "작은 언어 모델을 위한 자기 검증 추론"
