"""Every Block Kit payload we build fits Slack: real digests, and generated worst cases.

Real entries prove the everyday card; hypothesis adds what the real ones are too polite to
contain: runaway Korean sections, emoji clusters, Markdown soup and mention syntax.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
import regex  # type: ignore[import-untyped,unused-ignore]  # no stubs installed
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.answers.query import Query
from bot.core.cards.card import Card, CardSection, DigestHeaderCard, card_from_paper
from bot.core.cards.text import ZWSP
from bot.slack.components import open_select, query_of, query_value, share_button
from bot.slack.mrkdwn import to_mrkdwn
from bot.slack.render import (
    ACTION_SECTION,
    card_blocks,
    card_message,
    decode_value,
    header_message,
    section_messages,
)
from digest_parser import SectionKey, parse_digest_file
from tests.conftest import EXAMPLES
from tests.slack.limits_check import assert_blocks_ok, pings

EXAMPLE = EXAMPLES / "hf-daily-papers-2026-01-05.md"
#: ``**X**`` with a letter or digit touching it from outside: Slack's word-boundary trap.
BOLD_TOUCHING = regex.compile(r"(?<=([\p{L}\p{N}])?)\*\*([^*\n]+?)\*\*(?=([\p{L}\p{N}])?)")


def cards_of(path: Path) -> list[Card]:
    digest = parse_digest_file(path)
    total = len(digest.papers)
    return [
        card_from_paper(paper, date=digest.date, position=n, total=total)
        for n, paper in enumerate(digest.papers, 1)
    ]


@pytest.fixture
def real_cards(real_digests: list[Path]) -> list[Card]:
    return [card for path in [*real_digests, EXAMPLE] for card in cards_of(path)]


def test_every_real_card_and_section_fits(real_cards: list[Card]) -> None:
    assert len(real_cards) > 100
    for card in real_cards:
        where = f"{card.date_label} {card.arxiv_id}"
        message = card_message(card, controls=[share_button(Query("paper", card.arxiv_id))])
        assert message["text"] and message["metadata"]["event_payload"]["paper"] == card.arxiv_id
        assert_blocks_ok(message["blocks"], where)
        assert not pings(message), where
        for section in card.sections:
            for n, blocks in enumerate(section_messages(card, section)):
                assert_blocks_ok(blocks, f"{where} {section.key} message {n}")


def test_real_cards_show_all_seven_sections_uncut(real_cards: list[Card]) -> None:
    """The issue's promise: a typical entry (1,500 characters) shows whole on the daily card."""
    whole = [c for c in real_cards if len(c.sections) == 7]
    assert len(whole) > 80
    uncut = [c for c in whole if "the whole section" not in str(card_blocks(c))]
    assert len(uncut) >= 0.95 * len(whole)


def test_the_section_menu_offers_every_section_of_the_card(real_cards: list[Card]) -> None:
    card = next(c for c in real_cards if len(c.sections) == 7)
    select = next(
        e
        for b in card_blocks(card)
        if b["type"] == "actions"
        for e in b["elements"]
        if e.get("action_id") == ACTION_SECTION
    )
    values = [decode_value(o["value"]) for o in select["options"]]
    assert [v["section"] for v in values] == [k.value for k in SectionKey.ordered()]
    assert query_of(select["options"][5]["value"]) == Query(
        "section", paper=card.arxiv_id, section="limitations", date=card.date_label
    )


def test_bold_next_to_hangul_stays_bold_on_the_real_fixtures(real_digests: list[Path]) -> None:
    found = 0
    for path in [*real_digests, EXAMPLE]:
        for card in cards_of(path):
            for section, block in zip(card.sections, card_blocks(card)[2:], strict=False):
                text = block["text"]["text"]
                for match in BOLD_TOUCHING.finditer(section.body):
                    before, inner, after = match.group(1), match.group(2), match.group(3)
                    if not (before or after):
                        continue
                    found += 1
                    expected = (ZWSP if before else "") + f"*{to_mrkdwn(inner)}*"
                    expected += ZWSP if after else ""
                    assert expected in text, (card.arxiv_id, match.group(0), text)
    assert found >= 1  # the example digest has `**61.2%에서 68.9%**로`


@pytest.mark.parametrize(
    ("markdown", "mrkdwn"),
    [
        ("**강화 학습**을 사용", f"*강화 학습*{ZWSP}을 사용"),
        ('**"인용"**은 굵게', f'*"인용"*{ZWSP}은 굵게'),
        ("**마크다운(Markdown)**의 예", f"*마크다운(Markdown)*{ZWSP}의 예"),
    ],
)
def test_bold_at_a_korean_particle(markdown: str, mrkdwn: str) -> None:
    assert to_mrkdwn(markdown) == mrkdwn


def test_header_message_fits_and_carries_metadata() -> None:
    message = header_message(DigestHeaderCard(dt.date(2025, 5, 27), 26), channel="C0PAPERS")
    assert_blocks_ok(message["blocks"])
    assert message["channel"] == "C0PAPERS" and "link_names" not in message
    assert message["metadata"]["event_payload"] == {"digest_date": "2025-05-27", "paper": "header"}


def test_a_huge_section_is_split_across_messages_not_cut() -> None:
    sentence = "강화 학습으로 **추론**을 개선합니다. See [the paper](https://arxiv.org/abs/1). "
    body = "\n\n".join(f"{n}. " + sentence * 8 for n in range(400))  # about 250,000 characters
    card = Card(
        "2505.19590",
        "긴 제목",
        dt.date(2025, 5, 27),
        1,
        1,
        (CardSection(SectionKey.RESULTS, body),),
    )
    messages = section_messages(card, card.sections[0], controls=[share_button(Query("paper"))])
    assert len(messages) > 10
    for n, blocks in enumerate(messages):
        assert_blocks_ok(blocks, f"message {n}")
    assert messages[-1][-1]["type"] == "actions"
    shown = "".join(b["text"]["text"] for m in messages for b in m if b["type"] == "section")
    assert "".join(shown.split()) == "".join(to_mrkdwn(body).split())


# --- generated cards ------------------------------------------------------------------------

HANGUL = st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3)
PIECES = st.one_of(
    st.text(HANGUL, min_size=1, max_size=8),
    st.sampled_from(["모델", "강화 학습", "LLM", "diffusion", "RL", "1.5B", "68.9%"]),
    st.sampled_from(["🚀", "👍🏽", "👨‍👩‍👧", "🇰🇷", "❤️", "🧪"]),
    st.sampled_from(
        [
            "**강화 학습**을",
            "*기울임*",
            "_밑줄_",
            "~~취소~~",
            "`code * span`",
            "[링크](https://example.com/a_b?x=1&y=2)",
            "<https://arxiv.org/abs/2505.19590>",
            "https://huggingface.co/papers/2505.19590",
            "<!channel>",
            "<!here>",
            "<@U123>",
            "<#C0PAPERS>",
            "<!subteam^S1>",
            "@everyone",
            "&amp;",
            "<",
            ">",
            "|",
            "다.",
            "요.",
            "?",
            "!",
            "\n\n- 항목\n  - 하위 항목\n    - 더 깊이\n",
            "\n\n1. 첫째\n2. 둘째\n",
            "\n\n## 소제목\n\n",
            "\n\n> 인용\n\n",
            "\n\n```python\nx = '<!channel>' * 2\n```\n\n",
            "<br>",
            "\n",
        ]
    ),
    st.just(" "),
)
PARAGRAPH = st.lists(PIECES, min_size=1, max_size=40).map("".join)
#: A paragraph repeated: sizes from a line to far past every limit, cheap to generate. The
#: second branch is the degenerate LLM loop: one sentence (no paragraph break) a hundred times.
BODIES = st.one_of(
    st.tuples(PARAGRAPH, st.integers(1, 40)).map(lambda t: "\n\n".join([t[0]] * t[1])),
    st.tuples(PARAGRAPH, st.integers(100, 300)).map(lambda t: " ".join([t[0]] * t[1])),
)


@st.composite
def cards(draw: st.DrawFn) -> Card:
    keys = draw(st.lists(st.sampled_from(SectionKey.ordered()), unique=True, max_size=7))
    sections = tuple(CardSection(k, draw(BODIES)) for k in SectionKey.ordered() if k in keys)
    title = draw(st.none() | PARAGRAPH | BODIES)
    missing = tuple(k for k in SectionKey.ordered() if k not in keys)
    total = draw(st.integers(1, 60))
    return Card(
        arxiv_id=draw(st.sampled_from(["2505.19590", "2601.01234", "2412.00001v2"])),
        title=title,
        date=draw(st.none() | st.dates(dt.date(2023, 1, 1), dt.date(2026, 12, 31))),
        position=draw(st.integers(1, total)),
        total=total,
        sections=sections,
        missing=missing,
        # A note is what the parser kept of an entry's prose: blank edges dropped, never blank.
        note="" if sections else draw(st.just("") | BODIES.map(str.strip)),
    )


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
@given(card=cards())
def test_generated_cards_fit_and_ping_nobody(card: Card) -> None:
    share = share_button(Query("paper", card.arxiv_id, date=card.date_label))
    blocks = card_blocks(card, controls=[share], context=["Shared by <@U0READER>"])
    assert_blocks_ok(blocks, "card")
    assert pings(card_blocks(card)) == []
    for section in card.sections:
        messages = section_messages(card, section)
        for n, message in enumerate(messages):
            assert_blocks_ok(message, f"{section.key} message {n}")
        assert pings(messages) == []
    sections = [b for b in blocks if b["type"] == "section"]
    assert len(sections) == len(card.sections) + (1 if card.note else 0)


def test_an_open_menu_offers_each_view_once_at_its_first_place() -> None:
    """Slack refuses a select with a repeated value, so the repeat is dropped, not the menu."""
    first, second = Query("paper", "2505.20256", date="2025-05-27"), Query("paper", "2505.19590")
    (menu,) = open_select([("Omni-R1", first), ("Other", second), ("again", first)], "Open…")
    assert [(o["text"]["text"], o["value"]) for o in menu["options"]] == [
        ("Omni-R1", query_value(first)),
        ("Other", query_value(second)),
    ]
    assert_blocks_ok([{"type": "actions", "elements": [menu]}], "menu")
    assert open_select([], "Open…") == []


def test_a_section_given_twice_is_offered_once_in_the_section_menu() -> None:
    (card,) = cards_of(EXAMPLE)[:1]
    twice = (CardSection(SectionKey.RESULTS, "앞."), CardSection(SectionKey.RESULTS, "뒤."))
    blocks = card_blocks(dataclasses.replace(card, sections=twice))
    menu = next(e for b in blocks if b["type"] == "actions" for e in b["elements"])
    assert [decode_value(o["value"])["section"] for o in menu["options"]] == ["results"]
    assert_blocks_ok(blocks, "card with a repeated section")
