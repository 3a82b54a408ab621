"""Every real digest parses completely, losslessly and as reviewed."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from digest_parser import SectionKey, parse_digest, parse_digest_file
from tests.conftest import real_digest_paths, require_real_digest

from .golden import summarise
from .lossless import lossless_gaps

GOLDEN = Path(__file__).parent / "golden"
PATHS = real_digest_paths()
IDS = [p.name for p in PATHS]
# Papers per file, from ../shared/digests/README.md.
EXPECTED_COUNTS = {
    "hf-daily-papers-2025-05-06.md": 8,
    "hf-daily-papers-2025-05-14.md": 24,
    "hf-daily-papers-2025-05-20.md": 8,
    "hf-daily-papers-2025-05-25.md": 47,
    "hf-daily-papers-2025-05-27.md": 26,
}


def test_real_digests_present(real_digests: list[Path]) -> None:
    assert {p.name for p in real_digests} >= set(EXPECTED_COUNTS)


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_paper_counts_and_dates(path: Path) -> None:
    digest = parse_digest_file(path)
    assert len(digest.papers) == EXPECTED_COUNTS[path.name]
    assert digest.date is not None and digest.date.isoformat() in path.name


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_matches_reviewed_golden(path: Path) -> None:
    actual = summarise(parse_digest_file(path))
    golden = GOLDEN / path.with_suffix(".json").name
    if os.environ.get("PAPERBOT_UPDATE_GOLDEN"):
        golden.write_text(json.dumps(actual, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    assert actual == json.loads(golden.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_lossless(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    missing, invented = lossless_gaps(text, parse_digest(text, source=path.name))
    assert not missing, f"input lines found nowhere: {list(missing)[:5]}"
    assert not invented, f"record lines from nowhere: {list(invented)[:5]}"


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_raw_is_exact_entry_text(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    digest = parse_digest(text)
    for paper in digest.papers:
        assert paper.raw.startswith(f"## {paper.arxiv_id}")
        assert paper.raw in text


def test_canonical_day_has_all_sections_everywhere() -> None:
    digest = parse_digest_file(require_real_digest("hf-daily-papers-2025-05-20.md"))
    assert digest.warnings == ()
    for paper in digest.papers:
        assert [s.key for s in paper.sections] == list(SectionKey.ordered())
        assert [s.number for s in paper.sections] == list(range(1, 8))
        assert paper.title and not paper.title.startswith(("논문 요약", '"'))


def test_unfenced_entry_on_the_canonical_day() -> None:
    digest = parse_digest_file(require_real_digest("hf-daily-papers-2025-05-27.md"))
    paper = next(p for p in digest.papers if p.arxiv_id == "2505.13426")
    assert len(paper.sections) == 7 and paper.title is None and paper.preamble


def test_shifted_heading_levels_are_not_paper_boundaries() -> None:
    digest = parse_digest_file(require_real_digest("hf-daily-papers-2025-05-25.md"))
    paper = next(p for p in digest.papers if p.arxiv_id == "2505.17018")
    assert paper.title == "SophiaVL-R1: 사고 보상을 통한 MLLM 추론 강화"
    assert len(paper.sections) == 7 and paper.missing == ()


def test_irregular_day() -> None:
    digest = parse_digest_file(require_real_digest("hf-daily-papers-2025-05-14.md"))
    by_id = {p.arxiv_id: p for p in digest.papers}
    # Numbered-list headings inside a fence, with a preamble before and prose after it.
    listed = by_id["2505.07796"]
    assert [s.number for s in listed.sections] == list(range(1, 8))
    assert listed.preamble and listed.epilogue
    assert not any(line.startswith("   ") for s in listed.sections for line in s.body.split("\n"))
    # An apology first, then a fenced summary.
    assert by_id["2505.07608"].preamble.startswith("죄송합니다")
    assert by_id["2505.07608"].title is not None
    # Refusals keep their text as the preamble.
    assert by_id["2505.07291"].sections == () and by_id["2505.07291"].preamble
    # The degenerate entry: the sections that exist, the rest listed as missing.
    cut = by_id["2505.04066"]
    assert [s.key.number for s in cut.sections] == [1, 2, 3, 4]
    assert cut.missing == (SectionKey.RESULTS, SectionKey.LIMITATIONS, SectionKey.FUTURE_WORK)
    messages = [w.message for w in digest.warnings if w.paper == "2505.04066"]
    assert any("cut off" in m for m in messages)


def test_first_run_shapes() -> None:
    digest = parse_digest_file(require_real_digest("hf-daily-papers-2025-05-06.md"))
    by_id = {p.arxiv_id: p for p in digest.papers}
    assert len(by_id["2505.02735"].sections) == 7  # bold headings without numbers
    assert [s.number for s in by_id["2505.01583"].sections] == list(range(1, 8))  # bold numbered
    colon = by_id["2505.02625"]  # bold with a trailing colon, motivation missing
    assert colon.missing == (SectionKey.MOTIVATION,)
    assert colon.sections[0].heading == "주요 기여 및 참신성:"
    assert by_id["2505.02471"].sections == ()  # a refusal
