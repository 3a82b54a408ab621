"""``paperbot ingest``, ``lookup`` and ``search`` through the real CLI and a real archive."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from tests.conftest import EXAMPLES

runner = CliRunner()
EXAMPLE = EXAMPLES / "hf-daily-papers-2026-01-05.md"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "archive.db"
    result = runner.invoke(app, ["ingest", str(EXAMPLE), "--db", str(path)])
    assert result.exit_code == 0, result.output
    return path


def test_ingest_summary_and_idempotence(tmp_path: Path, db: Path) -> None:
    again = runner.invoke(app, ["ingest", str(EXAMPLES), "--db", str(db)])
    assert again.exit_code == 0
    assert (
        "0 new, 1 unchanged, 0 replaced, 0 failed, 0 skipped; 3 papers; 1 warnings" in again.output
    )
    changed = tmp_path / EXAMPLE.name
    changed.write_text(EXAMPLE.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    replaced = runner.invoke(app, ["ingest", str(changed), "--db", str(db)])
    assert "0 new, 0 unchanged, 1 replaced" in replaced.output


def test_ingest_reports_bad_files_and_keeps_good_ones(tmp_path: Path) -> None:
    bad = tmp_path / "notes.md"
    bad.write_text("# notes\n\nnothing here\n", encoding="utf-8")
    db = tmp_path / "a.db"
    result = runner.invoke(app, ["ingest", str(EXAMPLE), str(bad), "--db", str(db)])
    assert result.exit_code == 1
    assert "notes.md:1: not a digest" in result.output
    assert "1 new" in result.output and "1 failed" in result.output


def test_directory_skips_non_digests(tmp_path: Path) -> None:
    folder = tmp_path / "digests"
    folder.mkdir()
    (folder / "README.md").write_text("# About these files\n", encoding="utf-8")
    (folder / EXAMPLE.name).write_bytes(EXAMPLE.read_bytes())
    result = runner.invoke(app, ["ingest", str(folder), "--db", str(tmp_path / "c.db")])
    assert result.exit_code == 0, result.output
    assert "README.md: skipped, not a digest" in result.output
    assert "1 new" in result.output and "1 skipped" in result.output


def test_lookup_paper_card_and_section(db: Path) -> None:
    card = runner.invoke(app, ["lookup", "paper", "arXiv:2601.01234v2", "--db", str(db)])
    assert card.exit_code == 0 and "작은 언어 모델을 위한 자기 검증 추론" in card.output
    section = runner.invoke(
        app, ["lookup", "paper", "2601.01234", "--section", "한계", "--db", str(db)]
    )
    assert "검증 질문 자체가 틀리면" in section.output and "Limitations" in section.output


def test_lookup_misses_exit_1_with_help(db: Path) -> None:
    unknown = runner.invoke(app, ["lookup", "paper", "2601.0123", "--db", str(db)])
    assert unknown.exit_code == 1 and "2601.01234" in unknown.output
    section = runner.invoke(app, ["lookup", "section", "abstract", "--db", str(db)])
    assert section.exit_code == 1 and "limitations" in section.output


def test_lookup_section_across_the_digest_and_json(db: Path) -> None:
    page = runner.invoke(app, ["lookup", "section", "results", "--db", str(db), "-f", "json"])
    data = json.loads(page.output)
    assert data["key"] == "results" and data["total"] == 3
    assert [item["arxiv_id"] for item in data["items"]] == [
        "2601.01234",
        "2601.02345",
        "2601.03456",
    ]


def test_lookup_digest_and_search(db: Path) -> None:
    digest = runner.invoke(app, ["lookup", "digest", "--db", str(db)])
    assert digest.exit_code == 0 and "2601.03456" in digest.output and "12··5·7" in digest.output
    hits = runner.invoke(app, ["search", "신뢰도", "--db", str(db), "-f", "json"])
    assert json.loads(hits.output)["hits"][0]["arxiv_id"] == "2601.03456"
    hostile = runner.invoke(app, ["search", '"NEAR(a b)', "AND", "*", "--db", str(db)])
    assert hostile.exit_code == 1 and "Nothing matches" in hostile.output  # a miss, no crash


def test_search_miss_exits_1_with_help(db: Path) -> None:
    miss = runner.invoke(app, ["search", "zzzqqq", "--db", str(db)])
    assert miss.exit_code == 1
    shown = " ".join(miss.output.split())  # as wrapped at 80 columns
    assert "Nothing matches 'zzzqqq'" in shown
    assert "Try fewer or other words" in shown and "holds 1 digest, 2026-01-05" in shown
    past = runner.invoke(app, ["search", "신뢰도", "--offset", "50", "--db", str(db)])
    assert past.exit_code == 1 and "try a smaller --offset" in past.output
    as_json = runner.invoke(app, ["search", "zzzqqq", "--db", str(db), "-f", "json"])
    assert as_json.exit_code == 1 and json.loads(as_json.output)["hits"] == []


def test_search_in_an_empty_archive_says_to_ingest(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    notes = tmp_path / "notes.md"
    notes.write_text("# notes\n", encoding="utf-8")
    runner.invoke(app, ["ingest", str(notes), "--db", str(empty)])  # creates it, archives nothing
    miss = runner.invoke(app, ["search", "검증", "--db", str(empty)])
    assert miss.exit_code == 1 and "paperbot ingest" in miss.output


def test_ingest_json_counts_and_one_record_per_file(tmp_path: Path, db: Path) -> None:
    bad = tmp_path / "notes.md"
    bad.write_text("# notes\n\nnothing here\n", encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(EXAMPLE), str(bad), "--db", str(db), "-f", "json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["digests"] == {"new": 0, "unchanged": 1, "replaced": 0, "failed": 1, "skipped": 0}
    assert (data["papers"], data["warnings"]) == (3, 1)
    good, failed = data["files"]
    assert good == {
        "path": str(EXAMPLE), "status": "unchanged", "date": "2026-01-05", "papers": 3,
        "warnings": 1,
    }  # fmt: skip
    assert failed["status"] == "failed" and "not a digest" in failed["error"]


READERS = [
    ["status"],
    ["status", "-f", "json"],
    ["lookup", "paper", "2601.01234"],
    ["lookup", "section", "limitations"],
    ["lookup", "digest", "-f", "json"],
    ["search", "검증"],
]


@pytest.mark.parametrize("words", READERS, ids=" ".join)
def test_reading_commands_never_create_an_archive(
    words: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PAPERBOT_CONFIG", raising=False)
    default = runner.invoke(app, words)
    assert default.exit_code == 1, default.output
    assert "no archive at paperbot.db: run `paperbot ingest" in default.output
    named = runner.invoke(app, [*words, "--db", "elsewhere/a.db"])
    assert named.exit_code == 1 and "no archive at elsewhere/a.db" in named.output
    assert list(tmp_path.iterdir()) == []  # no paperbot.db, -wal, -shm or folder left behind


def test_untitled_entries_are_listed_and_found_by_their_quoted_title(db: Path) -> None:
    digest = runner.invoke(app, ["lookup", "digest", "--db", str(db), "-f", "json"])
    titles = {p["arxiv_id"]: p["title"] for p in json.loads(digest.output)["papers"]}
    assert titles["2601.02345"] == "한국어 문서 이미지를 위한 경량 OCR 어댑터"
    assert titles["2601.03456"] is None
    hits = runner.invoke(app, ["search", "OCR 어댑터", "--db", str(db), "-f", "json"])
    assert json.loads(hits.output)["hits"][0]["field"] == "title"
    card = runner.invoke(app, ["lookup", "paper", "2601.02345", "--db", str(db), "-f", "json"])
    assert json.loads(card.output)["paper"]["title"] is None  # the parsed record is untouched
