"""Tables on an 80-column terminal and in a pipe: titles wrap, ids and numbers are never cut."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

from bot.cli import app

runner = CliRunner()  # its output is a pipe, not a terminal
IDS = [f"2505.{10000 + n}" for n in range(11)] + ["math.AG/0601001"]
TITLE = "강화 미세 조정이 다중 모달 대형 언어 모델의 추론 능력을 향상시킨다: A Long Subtitle"


def _digest(folder: Path) -> Path:
    """Twelve papers (two-digit positions), long titles, an old-style id, a warning each."""
    entries = [
        f"## {paper}\n🔗 https://huggingface.co/papers/{paper}\n\n**Summary**:\n"
        f'# 논문 요약: "{TITLE} {n}"\n\n## 1. 핵심 동기와 문제 정의\n\n본문.\n\n---\n'
        for n, paper in enumerate(IDS, 1)
    ]
    path = folder / "hf-daily-papers-2025-05-27.md"
    text = "# 📰 Hugging Face Daily Papers – 2025-05-27\n\n" + "\n".join(entries)
    path.write_text(text, encoding="utf-8")
    return path


def _check(output: str, columns: int) -> None:
    lines = output.splitlines()
    assert max(cell_len(line) for line in lines) <= columns, output
    assert "…" not in output, output  # nothing was clipped
    for paper in IDS:
        assert any(f" {paper} " in line for line in lines), f"{paper} was cut:\n{output}"


@pytest.mark.parametrize("columns", [80, 100])
def test_lookup_digest_keeps_numbers_and_ids_whole(tmp_path: Path, columns: int) -> None:
    db = str(tmp_path / "a.db")
    assert runner.invoke(app, ["ingest", str(_digest(tmp_path)), "--db", db]).exit_code == 0
    result = runner.invoke(app, ["lookup", "digest", "--db", db], env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.output
    _check(result.stdout, columns)
    rows = [line for line in result.stdout.splitlines() if "2505.10010" in line]
    assert rows and rows[0].split("│")[1].strip() == "11"  # the '#' column, whole
    assert "향상시킨다: A" in result.stdout.replace("│", "")  # the title wraps, uncut


@pytest.mark.parametrize("columns", [80, 100])
def test_parse_keeps_ids_and_warning_counts_whole(tmp_path: Path, columns: int) -> None:
    result = runner.invoke(app, ["parse", str(_digest(tmp_path))], env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.output
    _check(result.stdout.split("\n/")[0], columns)  # the table; warning lines follow it
    header = next(line for line in result.stdout.splitlines() if "arXiv id" in line)
    assert header.split("┃")[-2].strip() == "warn"
    row = next(line for line in result.stdout.splitlines() if " 2505.10000 " in line)
    assert row.split("│")[-2].strip() == "1"  # its one warning: missing sections
