"""``paperbot post`` with filters and digest mode, in the console: preview, send, refuse."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from bot.cli import app
from tests.conftest import EXAMPLES

runner = CliRunner()
EXAMPLE = EXAMPLES / "hf-daily-papers-2026-01-05.md"


def test_dry_run_says_what_is_sent_and_why_the_rest_is_left_out(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    args = ["post", str(EXAMPLE), "--db", db, "--dry-run", "--include", '"검증", OCR']
    shown = runner.invoke(app, [*args, "--exclude", "어댑터"])
    assert shown.exit_code == 0, shown.output
    assert "to send  2601.01234" in shown.output
    assert 'left out 2601.02345   excluded by "어댑터"' in shown.output
    assert "left out 2601.03456   matches none of the include terms" in shown.output
    assert "dry run: 2 of 2 messages would be sent to console:console (1 paper; 2 left out" in (
        shown.output
    )
    top = runner.invoke(app, [*args, "--top", "1", "--format", "json"])
    (channel,) = json.loads(top.stdout)["channels"]
    assert channel["papers"] == 0 and channel["messages"] == 0
    assert {r["reason"] for r in channel["left_out"]} == {
        "upvotes unknown (no Hugging Face data yet)",
        "matches none of the include terms",
    }


def test_digest_mode_posts_one_listing_and_nothing_twice(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    args = ["post", str(EXAMPLE), "--db", db, "--mode", "digest", "--exclude", "OCR"]
    posted = runner.invoke(app, args)
    assert posted.exit_code == 0, posted.output
    assert "Hugging Face Daily Papers – 2026-01-05" in posted.stdout
    assert "2 papers (1 left out by this channel's filters)" in posted.stdout
    assert "1. " in posted.stdout and "2601.02345" not in posted.stdout
    assert "1 paper left out by the filters" in posted.stderr
    again = runner.invoke(app, args)
    assert again.exit_code == 0 and "delivered before; nothing to send" in again.stderr
    status = json.loads(runner.invoke(app, ["status", "--db", db, "-f", "json"]).stdout)
    (channel,) = status["channels"]
    assert (channel["filtered"], channel["filtered_date"]) == (1, "2026-01-05")


def test_nothing_matching_sends_nothing_and_says_so(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    posted = runner.invoke(app, ["post", str(EXAMPLE), "--db", db, "--include", "quantum"])
    assert posted.exit_code == 0, posted.output
    assert "Hugging Face Daily Papers" not in posted.stdout
    assert "no paper of the 2026-01-05 digest passes the filters (3 left out" in posted.stderr


def test_hostile_filters_are_refused_without_echoing_them(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    for hostile in ("@everyone", "<@123>", "<!channel>", "x" * 10_000):
        refused = runner.invoke(app, ["post", str(EXAMPLE), "--db", db, "--include", hostile])
        assert refused.exit_code == 2
        assert hostile not in refused.output and "@everyone" not in refused.output
    literal = runner.invoke(app, ["post", str(EXAMPLE), "--db", db, "--dry-run", "--include", ".*"])
    assert literal.exit_code == 0 and "dry run: 0 of 0 messages" in literal.output
