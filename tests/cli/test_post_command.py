"""``paperbot post``: archive, then header and cards in order, to the console by default."""

from __future__ import annotations

import json
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
    assert "console: 4 sent, 0 found already posted, 0 planned before, 0 failed" in out
    looked_up = runner.invoke(app, ["lookup", "paper", "2601.03456", "--db", str(db)])
    assert looked_up.exit_code == 0  # posting archived the digest


def test_bad_target_and_bad_file(tmp_path: Path) -> None:
    bad_target = runner.invoke(app, ["post", str(EXAMPLE), "--to", "irc:#papers"])
    assert bad_target.exit_code == 2 and "unknown target 'irc:#papers'" in bad_target.output
    junk = tmp_path / "junk.md"
    junk.write_text("hello\n", encoding="utf-8")
    bad_file = runner.invoke(app, ["post", str(junk), "--db", str(tmp_path / "b.db")])
    assert bad_file.exit_code == 2 and "junk.md:1: not a digest" in bad_file.output


def test_posting_twice_sends_nothing_new_unless_asked(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    assert runner.invoke(app, ["post", str(EXAMPLE), "--db", db]).exit_code == 0
    again = runner.invoke(app, ["post", str(EXAMPLE), "--db", db])
    assert again.exit_code == 0
    assert "delivered before; nothing to send" in again.output
    assert "작은 언어 모델" not in again.output
    dry = runner.invoke(app, ["post", str(EXAMPLE), "--db", db, "--dry-run"])
    assert "dry run: 0 of 4 messages would be sent to console:console" in dry.output
    forced = runner.invoke(app, ["post", str(EXAMPLE), "--db", db, "--again"])
    assert "console: 4 sent" in forced.output and "작은 언어 모델" in forced.output


def test_dry_run_sends_nothing(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    dry = runner.invoke(app, ["post", str(EXAMPLE), "--db", db, "--dry-run"])
    assert dry.exit_code == 0 and "dry run: 4 of 4 messages would be sent" in dry.output
    assert "to send   2601.02345   2. 한국어 문서 이미지를 위한 경량 OCR 어댑터" in dry.output
    assert "╭" not in dry.output  # no card was rendered
    status = runner.invoke(app, ["status", "--db", db])
    assert "Nothing has been delivered yet" in status.output


def test_status_and_retry(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    runner.invoke(app, ["post", str(EXAMPLE), "--db", db])
    shown = runner.invoke(app, ["status", "--db", db, "-f", "json"])
    shown_json = json.loads(shown.output)
    assert shown_json["subscriptions"] == []
    (channel,) = shown_json["channels"]
    assert channel["platform"] == "console" and channel["last_delivered"] == "2026-01-05"
    assert channel["pending"] == 0 and channel["failed"] == [] and channel["paused"] is None
    retried = runner.invoke(app, ["retry", "--db", db])
    assert retried.exit_code == 0 and "nothing to retry" in retried.output
    assert runner.invoke(app, ["retry", "--to", "nowhere", "--db", db]).exit_code == 2


def test_post_as_json_keeps_stdout_for_the_json(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    posted = runner.invoke(app, ["post", str(EXAMPLE), "--db", db, "--format", "json"])
    assert posted.exit_code == 0, posted.output
    assert json.loads(posted.stdout) == {
        "digest": "2026-01-05",
        "channels": [
            {
                "channel": "console:console",
                "platform": "console",
                "id": "console",
                "messages": 4,
                "planned": 4,
                "sent": 4,
                "failed": 0,
                "pending": 0,
                "paused": None,
                "waiting": None,
                "delivered_by": "this process",
                "delivered_before": None,
                "left_out": 0,
                "failures": [],
            }
        ],
    }
    assert "작은 언어 모델을 위한 자기 검증 추론" in posted.stderr  # the console's cards
    again = runner.invoke(app, ["post", str(EXAMPLE), "--db", db, "-f", "json"])
    (channel,) = json.loads(again.stdout)["channels"]
    assert (channel["planned"], channel["sent"], channel["delivered_by"]) == (0, 4, None)
    assert channel["delivered_before"] == "same"
    dry = runner.invoke(app, ["post", str(EXAMPLE), "--db", db, "--dry-run", "-f", "json"])
    dry_json = json.loads(dry.stdout)
    assert dry_json["dry_run"] is True
    (planned,) = dry_json["channels"]
    assert planned["to_send"] == 0 and [r["state"] for r in planned["rows"]] == ["sent"] * 4


def test_no_wait_without_a_deliverer_plans_and_says_who_will_send(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    planned = runner.invoke(app, ["post", str(EXAMPLE), "--db", db, "--no-wait"])
    assert planned.exit_code == 0, planned.output
    assert "╭" not in planned.output  # nothing was sent
    assert (
        "console: 4 new messages planned, 4 to send; no paperbot process delivers to console "
        "now: they go out at the next `paperbot serve` or `paperbot post`" in planned.output
    )
    sent = runner.invoke(app, ["post", str(EXAMPLE), "--db", db])
    assert "console: 4 sent, 0 found already posted, 4 planned before, 0 failed" in sent.output
