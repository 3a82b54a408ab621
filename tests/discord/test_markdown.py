"""CommonMark section bodies to Discord Markdown (bot.discord.markdown)."""

from __future__ import annotations

from pathlib import Path

import regex  # type: ignore[import-untyped,unused-ignore]
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it.tree import SyntaxTreeNode

from bot.core.cards.text import ZWSP, markdown_parser
from bot.discord.markdown import to_discord
from digest_parser import parse_digest_file


def count(markdown: str, kind: str) -> int:
    tree = SyntaxTreeNode(markdown_parser().parse(markdown))
    return sum(1 for node in tree.walk() if node.type == kind)


def test_headings_kept_or_made_bold() -> None:
    source = "# 제목\n\n### 셋\n\n#### 넷\n\n본문"
    assert to_discord(source, headings=True) == "# 제목\n\n### 셋\n\n**넷**\n\n본문"
    assert to_discord(source, headings=False) == "**제목**\n\n**셋**\n\n**넷**\n\n본문"
    assert to_discord("## **굵은** 제목", headings=False) == "**굵은 제목**"


def test_formatting_is_kept_as_markdown() -> None:
    source = "**굵게**, *기울임*, _기울임_, ~~취소~~, `코드`"
    assert to_discord(source, headings=False) == "**굵게**, *기울임*, *기울임*, ~~취소~~, `코드`"
    assert to_discord('**"인용"**은 **마크다운(Markdown)**의', headings=False) == (
        '**"인용"**은 **마크다운(Markdown)**의'
    )
    assert to_discord("코드 ``a`b`` 끝", headings=False) == "코드 ``a`b`` 끝"


def test_literal_markdown_characters_are_escaped() -> None:
    assert to_discord(r"2 \* 3, a_b, \|\|스포\|\|, 8~11", headings=False) == (
        r"2 \* 3, a\_b, \|\|스포\|\|, 8\~11"
    )
    assert (
        to_discord("1\\. 목록 아님\n\\# 제목 아님", headings=True)
        == "1\\. 목록 아님\n\\# 제목 아님"
    )


def test_bare_urls_are_not_escaped() -> None:
    assert to_discord("코드 https://github.com/a_b/c_d 참고 a_b", headings=False) == (
        "코드 https://github.com/a_b/c_d 참고 a\\_b"
    )


def test_links_are_made_plain_inline_links() -> None:
    assert to_discord("[참조][r] 문장\n\n[r]: https://ref.example/x", headings=False) == (
        "[참조](https://ref.example/x) 문장"
    )
    assert (
        to_discord("[괄호](https://a.b/c_(d))", headings=False) == "[괄호](https://a.b/c_%28d%29)"
    )
    assert to_discord("<https://huggingface.co/papers/1>", headings=False) == (
        "<https://huggingface.co/papers/1>"
    )
    assert to_discord("<me@example.com>", headings=False) == "me@example.com"


def test_html_is_shown_as_text_except_line_breaks() -> None:
    assert to_discord("첫 줄<br>둘째 줄 <b>굵게</b>", headings=False) == (
        "첫 줄\n둘째 줄 <b>굵게</b>"
    )


def test_lists_quotes_and_code() -> None:
    source = "- 하나\n  - 중첩\n- 둘\n\n3. 셋\n\n> 인용\n\n```py\nprint(1)\n```"
    assert to_discord(source, headings=False) == (
        "- 하나\n  - 중첩\n- 둘\n\n3. 셋\n\n> 인용\n\n```py\nprint(1)\n```"
    )


def test_mentions_are_neutralised() -> None:
    out = to_discord("@everyone @here <@123> <@!4> <@&5> `@everyone`", headings=False)
    assert out == (
        f"@{ZWSP}everyone @{ZWSP}here <@{ZWSP}123> <@!{ZWSP}4> <@&{ZWSP}5> `@{ZWSP}everyone`"
    )


def test_every_real_section_converts_and_keeps_its_bold(real_digests: list[Path]) -> None:
    converted = 0
    for path in real_digests:
        digest = parse_digest_file(path)
        for body in (s.body for p in digest.papers for s in p.sections):
            out = to_discord(body, headings=False)
            assert count(out, "strong") == count(body, "strong"), (path.name, out)
            assert not regex.search(r"(?m)^#", out)
            assert "\\*\\*" not in out
            converted += 1
    assert converted > 700


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
            "|",
            "\n",
            "\n\n",
            "- ",
            "1. ",
            "# ",
            "> ",
            "```\n",
            "<@123>",
            "<@!1>",
            "<@&2>",
            "<#3>",
            "@everyone",
            "@here",
            "@",
            "에브리원",
            " ",
            "은",
            '"',
            "👍🏽",
        ]
    )
    | st.text(max_size=5),
    max_size=40,
).map("".join)


@settings(max_examples=150, deadline=None)
@given(MARKDOWNISH, st.booleans())
def test_random_markdown_leaves_nothing_pingable(text: str, headings: bool) -> None:
    out = to_discord(text, headings=headings)
    assert not regex.search(r"@(everyone|here)", out, flags=regex.I)
    assert not regex.search(r"<(@[!&]?|#)\d", out)
    if not headings:
        prose = regex.sub(r"```.*?```", "", out, flags=regex.S)
        assert not regex.search(r"(?m)^#{1,6}\s", prose)
