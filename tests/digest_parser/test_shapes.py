"""Each entry shape the shared README lists, in a digest we write ourselves."""

from __future__ import annotations

import textwrap

from digest_parser import SectionKey, parse_digest

K = SectionKey
ALL = list(SectionKey.ordered())
HEADER = "# 📰 Hugging Face Daily Papers – 2026-01-02\n\n"


def entry(arxiv_id: str, summary: str, *, link: str | None = None) -> str:
    url = link if link is not None else f"🔗 https://huggingface.co/papers/{arxiv_id}"
    return f"## {arxiv_id}\n{url}\n\n**Summary**:\n{textwrap.dedent(summary).strip()}\n\n---\n\n"


def sections(style: str, keys: list[SectionKey] = ALL, indent: str = "") -> str:
    out = []
    for key in keys:
        n = key.number
        heading = {
            "atx": f"## {n}. {key.korean}",
            "atx3": f"### {n}. {key.korean}",
            "bold-numbered": f"**{n}. {key.korean}**",
            "bold": f"**{key.korean}**",
            "bold-colon": f"**{key.korean}:**",
            "list": f"{n}. **{key.korean}**",
        }[style]
        out.append(f"{heading}\n\n{indent}{key.english} 본문입니다.\n{indent}- 항목 {n}\n")
    return "\n".join(out)


def parse_one(summary: str) -> tuple:
    digest = parse_digest(HEADER + entry("2601.00001", summary))
    assert len(digest.papers) == 1
    return digest.papers[0], digest.warnings


def fenced(body: str, title: str = '# 논문 요약: "테스트 논문"') -> str:
    return f"```markdown\n{title}\n\n{body}\n```\n "


def test_fenced_canonical() -> None:
    paper, warnings = parse_one(fenced(sections("atx")))
    assert paper.title == "테스트 논문"
    assert [s.key for s in paper.sections] == ALL
    assert paper.sections[5].heading == "6. 한계점 및 잠재적 실패 요인"
    assert paper.sections[5].number == 6
    assert paper.sections[5].body == "Limitations 본문입니다.\n- 항목 6"
    assert paper.missing == () and warnings == ()
    assert paper.url == "https://huggingface.co/papers/2601.00001"


def test_unfenced_bold_numbered_with_intro() -> None:
    paper, warnings = parse_one("해당 논문은 소개 문단입니다.\n\n" + sections("bold-numbered"))
    assert paper.preamble == "해당 논문은 소개 문단입니다."
    assert paper.title is None
    assert [s.number for s in paper.sections] == list(range(1, 8))
    assert warnings == ()


def test_bold_without_numbers() -> None:
    paper, _ = parse_one(sections("bold"))
    assert [s.key for s in paper.sections] == ALL
    assert all(s.number is None for s in paper.sections)


def test_bold_with_colon_and_missing_sections() -> None:
    paper, warnings = parse_one(sections("bold-colon", ALL[1:5]))
    assert [s.key for s in paper.sections] == ALL[1:5]
    assert paper.missing == (K.MOTIVATION, K.LIMITATIONS, K.FUTURE_WORK)
    assert [w.message for w in warnings] == [
        "missing sections: motivation, limitations, future-work"
    ]


def test_numbered_list_headings_are_dedented_inside_and_outside_fence() -> None:
    for summary in (sections("list", indent="   "), fenced(sections("list", indent="   "))):
        paper, warnings = parse_one(summary)
        assert [s.key for s in paper.sections] == ALL
        assert paper.sections[0].body == "Motivation 본문입니다.\n- 항목 1"
        assert warnings == ()


def test_shifted_levels_inside_fence() -> None:
    summary = fenced(sections("atx3"), title="## 제목: 이동된 단계")
    digest = parse_digest(HEADER + entry("2601.00001", summary) + entry("2601.00002", "짧은 글"))
    first = digest.papers[0]
    assert first.title == "이동된 단계" or first.title == "제목: 이동된 단계"
    assert [s.key for s in first.sections] == ALL
    assert [p.arxiv_id for p in digest.papers] == ["2601.00001", "2601.00002"]


def test_apology_preamble_then_fence_then_epilogue() -> None:
    summary = (
        "죄송합니다만, 원문을 볼 수 없습니다.\n\n"
        + fenced(sections("atx"))
        + "\n\n추가 설명입니다."
    )
    paper, _ = parse_one(summary)
    assert paper.preamble == "죄송합니다만, 원문을 볼 수 없습니다."
    assert paper.epilogue == "추가 설명입니다."
    assert len(paper.sections) == 7


def test_refusal_has_no_sections_and_keeps_text() -> None:
    paper, warnings = parse_one("죄송합니다만, 제공된 링크의 논문을 확인할 수 없었습니다.")
    assert paper.sections == () and paper.missing == tuple(ALL)
    assert paper.preamble.startswith("죄송합니다만")
    assert [w.message for w in warnings] == [
        "no summary sections found; the text is kept as the preamble"
    ]


def test_empty_summary_warns() -> None:
    digest = parse_digest(
        HEADER + "## 2601.00001\n🔗 https://huggingface.co/papers/2601.00001\n\n---\n"
    )
    assert digest.papers[0].sections == ()
    assert any(w.message == "empty summary" for w in digest.warnings)


def test_degenerate_cut_off_entry() -> None:
    looping = "반응 시점 결정 및 응답 생성의 이중 모델 파이프라인을 구축하기 위해 " * 40 + "반"
    summary = sections("bold-numbered", ALL[:3]) + f"\n**4. 실험 설정**\n\n- {looping}"
    paper, warnings = parse_one(summary)
    assert [s.key for s in paper.sections] == ALL[:4]
    assert paper.missing == (K.RESULTS, K.LIMITATIONS, K.FUTURE_WORK)
    assert any("cut off" in w.message and w.paper == "2601.00001" for w in warnings)


def test_headings_inside_code_blocks_are_body() -> None:
    body = sections("atx", ALL[:2]) + "\n```python\n## 3. 모델 아키텍처 및 학습 설정\n```\n"
    paper, _ = parse_one(fenced(body))
    assert [s.key for s in paper.sections] == ALL[:2]
    assert "## 3. 모델 아키텍처" in paper.sections[1].body


def test_bold_emphasis_inside_a_body_is_not_a_heading() -> None:
    body = sections("atx", ALL[:3]).replace(
        "Architecture & training 본문입니다.", "**모델 아키텍처**\n설명"
    )
    paper, _ = parse_one(fenced(body))
    assert [s.key for s in paper.sections] == ALL[:3]
    assert "**모델 아키텍처**" in paper.sections[2].body


def test_unknown_numbered_heading_warns_and_stays_in_body() -> None:
    body = sections("atx") + "\n## 8. 결론\n\n맺음말"
    paper, warnings = parse_one(fenced(body))
    assert "## 8. 결론" in paper.sections[-1].body
    assert any("unknown heading '8. 결론'" in w.message for w in warnings)


def test_duplicate_section_keeps_both_with_warning() -> None:
    body = sections("atx") + "\n## 6. 한계점 및 잠재적 실패 요인\n\n또 다른 한계"
    paper, warnings = parse_one(fenced(body))
    assert [s.key for s in paper.sections].count(K.LIMITATIONS) == 2
    assert any("appears again" in w.message for w in warnings)


def test_link_problems_warn() -> None:
    text = HEADER + entry("2601.00001", "본문", link="🔗 https://huggingface.co/papers/2601.99999")
    text += "## 2601.00002\n\n**Summary**:\n본문\n"
    digest = parse_digest(text)
    messages = [(w.line, w.paper, w.message) for w in digest.warnings]
    assert any(p == "2601.00001" and "does not match" in m for _, p, m in messages)
    assert any(p == "2601.00002" and m == "missing link" for _, p, m in messages)
    assert digest.papers[1].url is None


def test_duplicate_paper_keeps_first() -> None:
    text = HEADER + entry("2601.00001", "첫 번째") + entry("2601.00001", "두 번째")
    digest = parse_digest(text)
    assert len(digest.papers) == 1 and digest.papers[0].preamble == "첫 번째"
    assert any("duplicate paper id (first at line 3)" in w.message for w in digest.warnings)


def test_versioned_and_prefixed_ids_are_bare() -> None:
    digest = parse_digest(
        HEADER + entry("2601.00001v3", "본문").replace("## 2601", "## arXiv:2601")
    )
    assert digest.papers[0].arxiv_id == "2601.00001"


def test_unclosed_fence_does_not_swallow_the_next_entry() -> None:
    first = entry("2601.00001", "```markdown\n# 제목\n\n## 1. 핵심 동기와 문제 정의\n\n잘린 글")
    text = HEADER + first + entry("2601.00002", "다음 논문")
    digest = parse_digest(text)
    assert [p.arxiv_id for p in digest.papers] == ["2601.00001", "2601.00002"]
    assert any("never closed" in w.message for w in digest.warnings)


def test_json_dump_shape_excludes_raw() -> None:
    digest = parse_digest(HEADER + entry("2601.00001", fenced(sections("atx"))), source="x.md")
    dumped = digest.model_dump(mode="json")
    assert set(dumped) == {"date", "source", "papers", "warnings"}
    assert set(dumped["papers"][0]) == {
        "arxiv_id",
        "url",
        "title",
        "line",
        "preamble",
        "sections",
        "epilogue",
        "missing",
    }
    assert set(dumped["papers"][0]["sections"][0]) == {"key", "number", "heading", "body", "line"}
    assert dumped["date"] == "2026-01-02" and dumped["papers"][0]["missing"] == []


def test_a_digest_cut_right_after_a_title_label_keeps_the_label() -> None:
    # Found by test_cut_at_a_random_byte: "# 논문 요약:" and then the end of the file; the
    # label was stripped as a prefix and its text lost.
    digest = parse_digest(
        HEADER + "## 2601.00001\n🔗 https://huggingface.co/papers/2601.00001\n\n"
        "**Summary**:\n```markdown\n# 논문 요약:"
    )
    assert digest.papers[0].title == "논문 요약:"
    labelled = parse_digest(HEADER + entry("2601.00002", "# 논문 요약: Real Title\n"))
    assert labelled.papers[0].title == "Real Title"
