"""Cards carry every section in template order, with titles even for unfenced entries."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bot.core.cards.card import (
    Card,
    DigestHeaderCard,
    card_from_paper,
    section_hint,
    title_from_preamble,
)
from digest_parser import Paper, SectionKey, parse_digest, parse_digest_file
from tests.conftest import EXAMPLES, require_real_digest

K = SectionKey
DAY = dt.date(2025, 5, 27)


def cards_of(path: Path) -> list[Card]:
    digest = parse_digest_file(path)
    total = len(digest.papers)
    return [
        card_from_paper(p, date=digest.date, position=i, total=total)
        for i, p in enumerate(digest.papers, 1)
    ]


def test_every_real_section_reaches_a_card(real_digests: list[Path]) -> None:
    for path in real_digests:
        digest = parse_digest_file(path)
        for card, paper in zip(cards_of(path), digest.papers, strict=True):
            assert {s.key for s in card.sections} == {s.key for s in paper.sections if s.body}
            assert [s.key.number for s in card.sections] == sorted(
                s.key.number for s in card.sections
            )
            assert card.note or card.sections, f"{card.arxiv_id} would be an empty card"


def test_card_labels_links_and_position() -> None:
    card = cards_of(require_real_digest("hf-daily-papers-2025-05-27.md"))[2]
    assert card.position_label == "3/26" and card.date_label == "2025-05-27"
    assert card.hf_url == f"https://huggingface.co/papers/{card.arxiv_id}"
    assert card.abs_url == f"https://arxiv.org/abs/{card.arxiv_id}"
    assert card.pdf_url == f"https://arxiv.org/pdf/{card.arxiv_id}"
    limitations = card.section(K.LIMITATIONS)
    assert limitations is not None
    assert (limitations.heading, limitations.label, limitations.number) == (
        "한계점 및 잠재적 실패 요인",
        "Limitations",
        6,
    )


def test_header_card_title() -> None:
    assert DigestHeaderCard(DAY, 26).title == "Hugging Face Daily Papers – 2025-05-27 · 26 papers"
    assert DigestHeaderCard(DAY, 1).title.endswith("· 1 paper")


def test_untitled_entries_take_the_quoted_title_from_their_preamble() -> None:
    cards = {c.arxiv_id: c for c in cards_of(EXAMPLES / "hf-daily-papers-2026-01-05.md")}
    assert cards["2601.02345"].display_title == "한국어 문서 이미지를 위한 경량 OCR 어댑터"
    assert cards["2601.03456"].display_title == "arXiv 2601.03456"
    assert title_from_preamble("해당 논문은 'LLamaPIE: Proactive Assistants'로, …") == (
        "LLamaPIE: Proactive Assistants"
    )
    assert title_from_preamble("모델의 'Multi-Spatial' 능력을 향상") is None


def test_refusal_card_keeps_its_text_as_a_note() -> None:
    digest = parse_digest_file(require_real_digest("hf-daily-papers-2025-05-06.md"))
    refusal = next(p for p in digest.papers if p.arxiv_id == "2505.02471")
    card = card_from_paper(refusal, date=digest.date, position=6, total=8)
    assert card.sections == () and card.note.startswith("죄송합니다만")


def test_duplicate_sections_are_merged_not_dropped_and_show_filters() -> None:
    text = (
        "# 📰 Hugging Face Daily Papers – 2026-01-02\n## 2601.00001\n"
        "🔗 https://huggingface.co/papers/2601.00001\n\n**Summary**:\n"
        "**6. 한계점 및 잠재적 실패 요인**\n\n첫째 한계.\n\n"
        "**1. 핵심 동기와 문제 정의**\n\n동기.\n\n"
        "**6. 한계점 및 잠재적 실패 요인**\n\n둘째 한계.\n"
    )
    paper: Paper = parse_digest(text).papers[0]
    card = card_from_paper(paper, date=None, position=1, total=1)
    assert [s.key for s in card.sections] == [K.MOTIVATION, K.LIMITATIONS]
    assert card.sections[1].body == "첫째 한계.\n\n둘째 한계."
    only = card_from_paper(paper, date=None, position=1, total=1, show=[K.LIMITATIONS])
    assert [s.key for s in only.sections] == [K.LIMITATIONS]


def test_section_hint() -> None:
    assert section_hint("2505.19590", K.LIMITATIONS) == "/section limitations 2505.19590"
