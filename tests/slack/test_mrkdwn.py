"""CommonMark section bodies to Slack mrkdwn (bot.slack.mrkdwn)."""

from __future__ import annotations

from pathlib import Path

import regex  # type: ignore[import-untyped,unused-ignore]
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.cards.text import ZWSP
from bot.slack.mrkdwn import to_mrkdwn
from digest_parser import parse_digest_file

# A marker with a letter or digit on both sides means Slack sees no word boundary.
GLUED = regex.compile(r"[\p{L}\p{N}][*~][\p{L}\p{N}]")


def outside_code_and_links(mrkdwn: str) -> str:
    return str(regex.sub(r"```.*?```|`[^`]*`|<[^<>]*>", " ", mrkdwn, flags=regex.S))


def test_inline_formatting() -> None:
    assert to_mrkdwn("**굵게**, *기울임*, _밑줄 기울임_, ~~취소~~, `코드`") == (
        "*굵게*, _기울임_, _밑줄 기울임_, ~취소~, `코드`"
    )
    assert to_mrkdwn("***둘 다***") == "_*둘 다*_"


def test_zero_width_space_where_a_marker_touches_a_letter() -> None:
    assert to_mrkdwn("**강화 학습**을 사용합니다") == f"*강화 학습*{ZWSP}을 사용합니다"
    assert to_mrkdwn("모델은 강화**학습**을 한다") == f"모델은 강화{ZWSP}*학습*{ZWSP}을 한다"
    assert to_mrkdwn("*기울임*과 ~~취소~~는") == f"_기울임_{ZWSP}과 ~취소~{ZWSP}는"
    # No zero-width space where Slack already sees a boundary.
    assert to_mrkdwn("- **모델 구조**: 설명") == "• *모델 구조*: 설명"


def test_commonmark_flanking_is_fixed_for_korean_particles() -> None:
    assert to_mrkdwn('**"인용"**은 중요하다') == f'*"인용"*{ZWSP}은 중요하다'
    assert to_mrkdwn("**마크다운(Markdown)**의 문법") == f"*마크다운(Markdown)*{ZWSP}의 문법"
    assert to_mrkdwn("**69.06%**의 감소") == f"*69.06%*{ZWSP}의 감소"


def test_literal_markers_in_text_cannot_pair_with_ours() -> None:
    # From the 2025-05-25 digest: CommonMark reads this as nested emphasis and a literal *.
    assert to_mrkdwn("- **V* bench**: 벤치마크") == "• _V bench_∗: 벤치마크"
    assert to_mrkdwn("레이어 8~11과 2~3, a*b") == "레이어 8∼11과 2∼3, a∗b"


def test_text_is_escaped_but_our_link_syntax_is_not() -> None:
    text = "<!channel> <!here> <@U123> A&B <b>굵게</b>"
    assert (
        to_mrkdwn(text)
        == "&lt;!channel&gt; &lt;!here&gt; &lt;@U123&gt; A&amp;B &lt;b&gt;굵게&lt;/b&gt;"
    )
    assert to_mrkdwn("[논문 <링크>](https://a.b/c?x=1&y=2)") == (
        "<https://a.b/c?x=1&amp;y=2|논문 &lt;링크&gt;>"
    )
    assert to_mrkdwn("[a|b](https://a.b/x%7Cy)") == "<https://a.b/x%7Cy|a∣b>"
    assert to_mrkdwn("<https://huggingface.co/papers/2505.11896>") == (
        "<https://huggingface.co/papers/2505.11896>"
    )
    assert to_mrkdwn("[상대 경로](docs/a.md)") == "상대 경로"


def test_bare_urls_are_wrapped() -> None:
    assert to_mrkdwn("참고: https://arxiv.org/abs/2505.11896.") == (
        "참고: <https://arxiv.org/abs/2505.11896>."
    )
    assert to_mrkdwn("**https://example.com/x/**") == "*<https://example.com/x/>*"
    assert to_mrkdwn("(https://a.b/c_(d))에서") == "(<https://a.b/c_(d)>)에서"


def test_blocks() -> None:
    source = (
        "## 소제목\n\n첫 문단\n둘째 줄\n\n- 하나\n  - 중첩\n    - 더 깊이\n- 둘\n\n"
        "3. 셋\n4. 넷\n\n> 인용문\n>\n> 둘째 문단\n\n```python\nprint('<x>')\n```\n\n---"
    )
    assert to_mrkdwn(source) == (
        "*소제목*\n\n첫 문단\n둘째 줄\n\n• 하나\n    ◦ 중첩\n        ▪ 더 깊이\n• 둘\n\n"
        "3. 셋\n4. 넷\n\n> 인용문\n>\n> 둘째 문단\n\n```\nprint('&lt;x&gt;')\n```\n\n───"
    )
    assert to_mrkdwn("# **굵은** 제목") == "*굵은 제목*"
    assert to_mrkdwn("- 느슨한 목록\n\n- 둘째") == "• 느슨한 목록\n\n• 둘째"


def sections(path: Path) -> list[str]:
    digest = parse_digest_file(path)
    return [s.body for p in digest.papers for s in p.sections] + [
        text for p in digest.papers for text in (p.preamble, p.epilogue) if text
    ]


def test_every_real_section_converts(real_digests: list[Path]) -> None:
    converted = 0
    for path in real_digests:
        for body in sections(path):
            out = to_mrkdwn(body)
            assert "**" not in outside_code_and_links(out), (path.name, out)
            assert not GLUED.search(outside_code_and_links(out)), (path.name, out)
            converted += 1
    assert converted > 700


def test_real_bold_before_a_particle_gets_a_zero_width_space(real_digests: list[Path]) -> None:
    """The digests write ``**용어**:``; the same sentences with a particle instead of the colon
    are what a Korean writer produces, and what Slack fails to render without the space."""
    checked = 0
    for path in real_digests:
        for body in sections(path):
            bold = regex.search(r"\*\*[^*\n]+\*\*:", body)
            if not bold:
                continue
            out = to_mrkdwn(body[: bold.end() - 1] + "은" + body[bold.end() :])
            assert f"*{ZWSP}은" in out, (path.name, out)
            checked += 1
    assert checked > 300


MARKDOWNISH = st.lists(
    st.sampled_from(
        [
            "강화 학습",
            "**",
            "*",
            "_",
            "~~",
            "`",
            "[",
            "](",
            ")",
            "<",
            ">",
            "&",
            "|",
            "\n",
            "\n\n",
            "- ",
            "  - ",
            "1. ",
            "# ",
            "> ",
            "```\n",
            "https://a.b/c",
            "<https://x.y>",
            "<!channel>",
            "<!here>",
            "<@U123>",
            "@everyone",
            " ",
            "을",
            '"',
            "(",
            "%",
            "👍🏽",
        ]
    )
    | st.text(max_size=5),
    max_size=40,
).map("".join)


@settings(max_examples=150, deadline=None)
@given(MARKDOWNISH)
def test_random_markdown_converts_without_slack_control_sequences(text: str) -> None:
    out = to_mrkdwn(text)
    assert not regex.search(r"<[!@#]", out)
    for angle in regex.findall(r"<[^<>]*>", out):
        assert regex.match(r"<(https?://|mailto:|ftp://)", angle), (text, out)
