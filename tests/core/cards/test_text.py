"""cut, split, lengths, mention neutralising and the CJK-aware parser in bot.core.cards.text."""

from __future__ import annotations

from collections.abc import Callable

import regex  # type: ignore[import-untyped,unused-ignore]
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.cards.text import (
    ZWSP,
    Cut,
    cut,
    escape_slack,
    markdown_parser,
    neutralise_discord,
    split,
    utf16_len,
)

SENTENCES = (
    "대형 언어 모델(LLM)은 복잡한 추론을 요구하는 작업에서 뛰어난 성능을 보입니다. "
    "하지만 모든 입력에 대해 긴 추론 단계를 생성하는 것은 비효율적이에요. "
    "AdaCoT는 이 문제를 강화 학습으로 해결합니다."
)
FAMILY = "👨‍👩‍👧‍👦"  # one grapheme, seven code points, eleven UTF-16 units
JAMO_SYLLABLE = "\u1112\u1161\u11ab"  # 한 spelled with conjoining jamo: one grapheme
CLOSERS = set("*_~`\n")


def graphemes(text: str) -> list[str]:
    return list(regex.findall(r"\X", text))


def ink(text: str) -> str:
    """The text without whitespace (what split may drop), as ``str.isspace`` sees it."""
    return "".join(ch for ch in text if not ch.isspace())


def grapheme_ends(text: str) -> set[int]:
    return {0} | {m.end() for m in regex.finditer(r"\X", text)}


def kept_prefixes(source: str, result: Cut, ellipsis: str = "…") -> list[int]:
    """Every ``k`` with result = source[:k] + closing markers + ellipsis (closers may coincide
    with the source's next characters, hence several)."""
    assert result.text.endswith(ellipsis)
    body = result.text[: len(result.text) - len(ellipsis)]
    found = [
        k
        for k in range(len(body), -1, -1)
        if source.startswith(body[:k]) and set(body[k:]) <= CLOSERS
    ]
    assert found, f"{result.text!r} is not a prefix of the input plus closers"
    return found


def kept_prefix(source: str, result: Cut) -> int:
    """The kept prefix that ends between graphemes (the one a correct cut must have)."""
    ends = grapheme_ends(source)
    return next((k for k in kept_prefixes(source, result) if k in ends), -1)


# --- cut: examples --------------------------------------------------------------------------


def test_cut_returns_text_unchanged_when_it_fits() -> None:
    assert cut(SENTENCES, len(SENTENCES)) == Cut(SENTENCES, False)


def test_cut_prefers_the_last_korean_sentence_that_fits() -> None:
    limit = SENTENCES.index("AdaCoT") + 5
    assert cut(SENTENCES, limit).text == SENTENCES[: SENTENCES.index(" AdaCoT")] + "…"
    assert cut(SENTENCES, 60).text.endswith("보입니다.…")


def test_cut_falls_back_to_a_line_then_a_word_then_a_grapheme() -> None:
    lines = "- 첫 항목 마침표 없음\n- 둘째 항목도 마침표 없이 길게 이어지는 문장"
    assert cut(lines, 20).text == "- 첫 항목 마침표 없음…"
    assert (
        cut("마침표 없는 아주 긴 한국어 문장이 계속 이어집니다", 12).text == "마침표 없는 아주 긴…"
    )
    assert cut("띄어쓰기없는아주긴한국어문장", 6).text == "띄어쓰기없…"


def test_cut_never_splits_a_grapheme() -> None:
    text = FAMILY * 3 + JAMO_SYLLABLE * 3 + "e\u0301" * 3
    for limit in range(1, len(text)):
        result = cut(text, limit)
        k = kept_prefix(text, result)
        assert k in grapheme_ends(text), (limit, result)
        assert len(result.text) <= limit


def test_cut_counts_with_the_given_length() -> None:
    result = cut(FAMILY * 3, 23, length=utf16_len)
    assert result.text == FAMILY * 2 + "…"
    assert utf16_len(result.text) == 23


def test_cut_keeps_links_and_code_spans_whole() -> None:
    text = "자세한 내용은 [논문 페이지](https://huggingface.co/papers/2505.11896)를 보세요"
    assert cut(text, 40).text == "자세한 내용은…"
    code = "설정은 `--max-new-tokens 4096 --temperature 0.7` 입니다"
    assert cut(code, 30).text == "설정은…"
    bare = "출처:https://huggingface.co/papers/2505.11896"
    assert cut(bare, 30).text == "출처:…"  # no space: a grapheme cut, but never inside the URL
    slack = "결과: <https://example.com/a?b=1&amp;c=2|링크 텍스트> 참고"
    assert cut(slack, 30).text == "결과:…"


def test_cut_closes_or_drops_dangling_emphasis() -> None:
    assert (
        cut("앞 문장 **강화 학습을 통한 매우 긴 굵은 텍스트**", 20).text
        == "앞 문장 **강화 학습을 통한**…"
    )
    assert cut("짧은 문장입니다. **다음 문장", 14).text == "짧은 문장입니다.…"
    assert cut("가나다**라마바사**", 6).text == "가나다…"  # an opener with nothing after it goes
    assert cut("*a *b *c *d *e *f", 10).text == "*a *b *c…"  # literal asterisks: nothing to close
    assert (
        cut("- **모델 구조**: 기존 LLM에 강화 학습 모듈을 통합", 20).text
        == "- **모델 구조**: 기존…"
    )


def test_cut_closes_an_open_code_fence() -> None:
    text = "예시:\n```python\nprint(1)\nprint(2)\nprint(3)\n```\n끝"
    assert cut(text, 30).text == "예시:\n```python\nprint(1)\n```\n…"
    assert cut(text, 18).text == "예시:…"


def test_cut_edge_limits() -> None:
    assert cut("가나다라", 0) == Cut("", True)
    assert cut("가나다라", 1) == Cut("…", True)
    assert cut("가나다라", 3, ellipsis="...") == Cut("...", True)
    assert cut("가나다라마바", 5, ellipsis="...").text == "가나..."


# --- split: examples ------------------------------------------------------------------------


def test_split_prefers_paragraphs_then_lines_then_sentences() -> None:
    text = "# 제목\n\n첫 문단입니다. 둘째 문장.\n\n- 항목 하나\n  - 중첩 항목\n- 항목 둘"
    assert split(text, 20) == [
        "# 제목",
        "첫 문단입니다. 둘째 문장.",
        "- 항목 하나\n  - 중첩 항목",
        "- 항목 둘",
    ]
    assert split(SENTENCES, 60) == [
        "대형 언어 모델(LLM)은 복잡한 추론을 요구하는 작업에서 뛰어난 성능을 보입니다.",
        "하지만 모든 입력에 대해 긴 추론 단계를 생성하는 것은 비효율적이에요.",
        "AdaCoT는 이 문제를 강화 학습으로 해결합니다.",
    ]


def test_split_edge_cases() -> None:
    assert split("  \n\n ", 10) == []
    assert split("짧음", 10) == ["짧음"]
    assert split(FAMILY * 2, 11, length=utf16_len) == [FAMILY, FAMILY]
    assert split(FAMILY, 4, length=utf16_len) == ["👨\u200d", "👩\u200d", "👧\u200d", "👦"]
    try:
        split("가", 0)
    except ValueError:
        pass
    else:
        raise AssertionError("limit 0 must be rejected")


# --- lengths, mentions, escaping, parser ----------------------------------------------------


def test_utf16_len_counts_astral_characters_twice() -> None:
    assert utf16_len("한국어") == 3
    assert utf16_len("📰") == 2
    assert utf16_len(FAMILY) == 11


def test_neutralise_discord() -> None:
    text = "@everyone @here <@123> <@!45> <@&67> <#89> 메일 a@b.c"
    out = neutralise_discord(text)
    assert out == (
        f"@{ZWSP}everyone @{ZWSP}here <@{ZWSP}123> <@!{ZWSP}45> <@&{ZWSP}67> <#{ZWSP}89> 메일 a@b.c"
    )
    assert neutralise_discord(out) == out


def test_escape_slack() -> None:
    assert escape_slack("<!channel> <!here> <@U123> A&B") == (
        "&lt;!channel&gt; &lt;!here&gt; &lt;@U123&gt; A&amp;B"
    )


def test_parser_reads_bold_before_a_korean_particle() -> None:
    md = markdown_parser()
    assert md.renderInline('**"인용"**은') == "<strong>&quot;인용&quot;</strong>은"
    assert md.renderInline("**마크다운(Markdown)**의") == "<strong>마크다운(Markdown)</strong>의"
    assert md.renderInline("**3.18%**의 감소") == "<strong>3.18%</strong>의 감소"
    assert md.renderInline("강화**학습**을") == "강화<strong>학습</strong>을"
    # Unchanged CommonMark elsewhere: spaced asterisks stay literal, intraword _ too.
    assert md.renderInline("2 * 3 * 4, a_b_c") == "2 * 3 * 4, a_b_c"
    assert md.renderInline('**"quoted"**s') == "**&quot;quoted&quot;**s"  # only CJK is relaxed


# --- properties -----------------------------------------------------------------------------

PLAIN = st.sampled_from(
    [
        "강화 학습",
        "합니다. ",
        "했어요. ",
        "무엇인가? ",
        "좋다! ",
        "終わり。",
        " ",
        "  ",
        "\n",
        "\n\n",
        "- ",
        "  - ",
        "1. ",
        "**",
        "*",
        "_",
        "~~",
        "3.18%",
        FAMILY,
        "🇰🇷",
        "👍🏽",
        JAMO_SYLLABLE,
        "e\u0301",
        "\u0301",
        "@everyone",
        "@here",
        "<!channel>",
        "&",
    ]
)
RANDOM = st.text(
    alphabet=st.characters(
        codec="utf-8", exclude_categories=["Cs"], exclude_characters="`[]()<>\\"
    ),
    max_size=8,
)
SPANS = st.sampled_from(
    [
        "[링크](https://example.com/a_(b))",
        "`code **span**`",
        "``a`b``",
        "<https://huggingface.co/papers/2505.11896>",
        "<https://x.y/z|레이블>",
        "&amp;",
    ]
)


@st.composite
def markdownish(draw: st.DrawFn) -> tuple[str, list[tuple[int, int]]]:
    """Korean/emoji/Markdown-heavy text and the spans that must never be cut inside."""
    parts = draw(st.lists(st.one_of(PLAIN, PLAIN, RANDOM, SPANS.map(lambda s: (s,))), max_size=80))
    text, spans = "", []
    for part in parts:
        if isinstance(part, tuple):  # spaced, so that two spans' backticks never merge
            spans.append((len(text) + 1, len(text) + 1 + len(part[0])))
            part = f" {part[0]} "
        text += part
    return text, spans


@settings(max_examples=150, deadline=None)  # the first examples pay for regex compilation
@given(markdownish(), st.integers(min_value=0, max_value=120), st.sampled_from([len, utf16_len]))
def test_cut_properties(
    case: tuple[str, list[tuple[int, int]]], limit: int, length: Callable[[str], int]
) -> None:
    text, spans = case
    result = cut(text, limit, length=length)
    assert length(result.text) <= limit
    if length(text) <= limit:
        assert result == Cut(text, False)
        return
    assert result.was_cut
    if not result.text:
        return
    ends = grapheme_ends(text)
    ks = [k for k in kept_prefixes(text, result) if k in ends]
    assert ks, f"{result.text!r} splits a grapheme of {text!r}"
    k = ks[0]
    assert graphemes(text[:k]) == graphemes(text)[: len(graphemes(text[:k]))]
    assert any(not any(a < k < b for a, b in spans) for k in ks), (result.text, spans)


@settings(max_examples=150, deadline=None)
@given(markdownish(), st.integers(min_value=40, max_value=150), st.sampled_from([len, utf16_len]))
def test_split_properties(
    case: tuple[str, list[tuple[int, int]]], limit: int, length: Callable[[str], int]
) -> None:
    text, spans = case
    chunks = split(text, limit, length=length)
    assert all(chunk.strip() and length(chunk) <= limit for chunk in chunks)
    assert ink("".join(chunks)) == ink(text)
    ends, pos = grapheme_ends(text), 0
    for chunk in chunks:
        start = text.index(chunk, pos)
        pos = start + len(chunk)
        assert start in ends and pos in ends
        fitting = [(a, b) for a, b in spans if length(text[a:b]) <= limit]
        assert not any(a < p < b for a, b in fitting for p in (start, pos)), (chunk, spans)


@settings(max_examples=150)
@given(
    st.lists(
        st.one_of(PLAIN, RANDOM, st.sampled_from(["<@123>", "<@!1>", "<@&2>", "@", "<"])),
        max_size=30,
    )
)
def test_neutralising_leaves_nothing_pingable(parts: list[str]) -> None:
    text = "".join(parts)
    discord = neutralise_discord(text)
    assert not regex.search(r"@(everyone|here)", discord, flags=regex.I)
    assert not regex.search(r"<@[!&]?\d", discord)
    assert discord.replace(ZWSP, "") == text.replace(ZWSP, "")
    slack = escape_slack(text)
    assert not regex.search(r"<[!@#]", slack)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300), st.integers(min_value=1, max_value=80))
def test_any_text_is_cut_and_split_within_the_limit(text: str, limit: int) -> None:
    result = cut(text, limit, length=utf16_len)
    assert utf16_len(result.text) <= limit
    if result.was_cut and result.text:
        assert any(k in grapheme_ends(text) for k in kept_prefixes(text, result))
    limit = max(limit, 11)  # below that, split may have to break a grapheme that alone is wider
    chunks = split(text, limit, length=utf16_len)
    assert all(utf16_len(chunk) <= limit for chunk in chunks)
    assert ink("".join(chunks)) == ink(text)
