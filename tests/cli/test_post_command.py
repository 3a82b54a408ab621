"""``paperbot post``: archive, then header and cards in order, to the console by default."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from bot.cli import app
from tests.conftest import EXAMPLES

runner = CliRunner()
EXAMPLE = EXAMPLES / "hf-daily-papers-2026-01-05.md"


def test_post_to_console_shows_header_then_cards_in_order(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    result = runner.invoke(app, ["post", str(EXAMPLE), "--db", str(db)])
    assert result.exit_code == 0, result.output
    out = result.output
    order = [
        out.index("Hugging Face Daily Papers – 2026-01-05 · 3 papers"),
        out.index("작은 언어 모델을 위한 자기 검증 추론"),
        out.index("한국어 문서 이미지를 위한 경량 OCR 어댑터"),
        out.index("arXiv 2601.03456"),
    ]
    assert order == sorted(order)
    assert "posted 4 messages to console" in out
    looked_up = runner.invoke(app, ["lookup", "paper", "2601.03456", "--db", str(db)])
    assert looked_up.exit_code == 0  # posting archived the digest


def test_bad_target_and_bad_file(tmp_path: Path) -> None:
    bad_target = runner.invoke(app, ["post", str(EXAMPLE), "--to", "irc:#papers"])
    assert bad_target.exit_code == 2 and "unknown target 'irc:#papers'" in bad_target.output
    junk = tmp_path / "junk.md"
    junk.write_text("hello\n", encoding="utf-8")
    bad_file = runner.invoke(app, ["post", str(junk), "--db", str(tmp_path / "b.db")])
    assert bad_file.exit_code == 2 and "junk.md:1: not a digest" in bad_file.output
