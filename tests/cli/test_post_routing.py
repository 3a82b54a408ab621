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
    lines = shown.output.splitlines()
    assert lines[:4] == [
        "to send   header       Hugging Face Daily Papers – 2026-01-05",
        "to send   2601.01234   1. 작은 언어 모델을 위한 자기 검증 추론",
        'left out  2601.02345   한국어 문서 이미지를 위한 경량 OCR 어댑터 — excluded by "어댑터"',
        "left out  2601.03456   (untitled) — matches none of the include terms",
    ]
    assert (
        'left out by reason: 1 excluded by "어댑터", 1 matches none of the include terms' in lines
    )
    assert "dry run: 2 of 2 messages would be sent to console:console (1 paper; 2 left out" in (
        shown.output
    )
    assert "paperbot enrich" not in shown.output  # no paper is left out for want of upvotes
    top = runner.invoke(app, [*args, "--top", "1", "--format", "json"])
    (channel,) = json.loads(top.stdout)["channels"]
    assert channel["papers"] == 0 and channel["messages"] == 0 and channel["chosen"] == []
    assert {r["reason"] for r in channel["left_out"]} == {
        "upvotes unknown (no Hugging Face data yet)",
        "matches none of the include terms",
    }
    assert [(r["paper"], r["kind"]) for r in channel["left_out"]] == [
        ("2601.01234", "upvotes_unknown"),
        ("2601.02345", "upvotes_unknown"),
        ("2601.03456", "no_include_match"),
    ]
    assert channel["left_out"][0]["title"] == "작은 언어 모델을 위한 자기 검증 추론"
    assert channel["filters"] == {
        "include": ["검증", "OCR"],
        "exclude": [],
        "authors": [],
        "min_upvotes": None,
        "top": 1,
        "mode": "cards",
    }


def test_dry_run_names_the_listings_papers_and_their_page(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    args = ["post", str(EXAMPLE), "--db", db, "--dry-run", "--mode", "digest", "--exclude", "OCR"]
    shown = runner.invoke(app, args)
    assert shown.exit_code == 0, shown.output
    assert shown.output.splitlines()[:4] == [
        "to send   listing-1    Hugging Face Daily Papers – 2026-01-05, listing page 1",
        "          2601.01234   1. 작은 언어 모델을 위한 자기 검증 추론",
        "          2601.03456   2. (untitled)",
        'left out  2601.02345   한국어 문서 이미지를 위한 경량 OCR 어댑터 — excluded by "OCR"',
    ]
    as_json = runner.invoke(app, [*args, "-f", "json"])
    (channel,) = json.loads(as_json.stdout)["channels"]
    assert channel["chosen"] == [
        {
            "number": 1,
            "paper": "2601.01234",
            "title": "작은 언어 모델을 위한 자기 검증 추론",
            "upvotes": None,
            "page": 1,
        },
        {"number": 2, "paper": "2601.03456", "title": "(untitled)", "upvotes": None, "page": 1},
    ]
    assert channel["left_out"] == [
        {
            "paper": "2601.02345",
            "title": "한국어 문서 이미지를 위한 경량 OCR 어댑터",
            "upvotes": None,
            "kind": "excluded",
            "reason": 'excluded by "OCR"',
        }
    ]
    assert channel["filters"]["mode"] == "digest" and channel["filters_text"] == ['exclude "OCR"']
    assert [r["paper"] for r in channel["rows"]] == ["listing-1"]
    assert channel["delivered_before"] is None


def test_papers_left_out_for_want_of_upvotes_end_with_how_to_fetch_them(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    shown = runner.invoke(app, ["post", str(EXAMPLE), "--db", db, "--dry-run", "--top", "2"])
    assert shown.exit_code == 0, shown.output
    lines = shown.output.splitlines()
    assert "left out by reason: 3 upvotes unknown" in lines
    assert lines[-1] == (
        "3 papers have no Hugging Face data yet: run `paperbot enrich --date 2026-01-05` first"
    )
    enrich = runner.invoke(app, ["enrich", "--help"])  # the command the hint names exists
    assert enrich.exit_code == 0 and "--date" in enrich.output


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


HELD = "nothing is planned for other filters or another mode: --again posts it anew"


def test_a_day_delivered_as_cards_is_not_posted_again_as_a_listing_or_with_other_filters(
    tmp_path: Path,
) -> None:
    db = str(tmp_path / "a.db")
    post = ["post", str(EXAMPLE), "--db", db]
    assert runner.invoke(app, [*post, "--exclude", "OCR"]).exit_code == 0  # header + 2 cards
    earlier = (
        "console: the 2026-01-05 digest was already delivered on console (a header and 2 cards; "
        "1 paper left out by the filters then)"
    )
    for other in (["--mode", "digest", "--exclude", "OCR"], [], ["--include", "quantum"]):
        held = runner.invoke(app, [*post, *other])
        assert held.exit_code == 0, held.output
        assert f"{earlier}; {HELD}" in held.stderr, other
        assert held.stdout == ""  # no listing, no card: the OCR paper was never sent, and is not
    dry = runner.invoke(app, [*post, "--dry-run", "--mode", "digest"])
    assert dry.stdout.splitlines()[0].startswith("held      listing-1 ")
    assert dry.stdout.splitlines()[-1] == (
        "dry run: 0 of 1 messages would be sent to console:console: the 2026-01-05 digest was "
        "already delivered on console (a header and 2 cards; 1 paper left out by the filters "
        "then); --again posts it anew"
    )
    as_json = runner.invoke(app, [*post, "--mode", "digest", "-f", "json"])
    (channel,) = json.loads(as_json.stdout)["channels"]
    assert (channel["delivered_before"], channel["planned"], channel["messages"]) == (
        "different",
        0,
        3,
    )
    narrower = runner.invoke(app, [*post, "--include", "검증"])  # only messages sent before
    assert "delivered before; nothing to send" in narrower.stderr
    again = runner.invoke(app, [*post, "--mode", "digest", "--again"])
    assert again.exit_code == 0 and "console: 1 sent" in again.stderr
    assert "3 papers" in again.stdout  # the listing, the OCR paper in it


def test_a_day_whose_papers_were_all_left_out_counts_as_delivered(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    post = ["post", str(EXAMPLE), "--db", db]
    assert runner.invoke(app, [*post, "--include", "quantum"]).exit_code == 0
    held = runner.invoke(app, post)
    assert (
        "the 2026-01-05 digest was already delivered on console (every paper left out by the "
        f"filters then); {HELD}" in held.stderr
    )
    assert "Hugging Face Daily Papers" not in held.stdout
    same = runner.invoke(app, [*post, "--include", "quantum"])  # the same filters: as before
    assert "no paper of the 2026-01-05 digest passes the filters" in same.stderr
    forced = runner.invoke(app, [*post, "--again"])
    assert "console: 4 sent" in forced.stderr


def test_a_day_planned_but_not_sent_is_held_too_and_sent_as_planned(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    post = ["post", str(EXAMPLE), "--db", db]
    assert runner.invoke(app, [*post, "--no-wait"]).exit_code == 0  # 4 rows, none sent
    held = runner.invoke(app, [*post, "--mode", "digest"])
    assert "already planned for console (a header and 3 cards)" in held.stderr
    sent = runner.invoke(app, post)  # the plan made first goes out, whole
    assert "console: 4 sent, 0 found already posted, 4 planned before" in sent.stderr
