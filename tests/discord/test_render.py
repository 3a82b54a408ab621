"""Cards as embeds: every real entry and every generated card fits every Discord limit.

Nothing here talks to a server: embeds and views are built and judged as the message bodies
discord.py would send (``tests/discord/limits_check.py``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import EXAMPLES
from tests.discord.limits_check import PING, assert_sendable, body_of, texts_of

import discord  # isort: skip  (after the fakes: see tests/fakes/discord_client.py)

from bot.core.answers.query import Query
from bot.core.cards.card import Card, CardSection, DigestHeaderCard, card_from_paper
from bot.core.cards.text import utf16_len
from bot.discord.components import card_view, page_view, query_of, share_id, share_view
from bot.discord.markdown import to_discord
from bot.discord.render import card_embed, header_embed, pack, section_messages
from digest_parser import SectionKey, parse_digest_file

K = SectionKey
DAY = dt.date(2025, 5, 27)
MENTIONS = "@everyone @here <@123456789012345678> <@!123456789012345678> <@&123456789012345678>"


def cards_of(path: Path) -> list[Card]:
    digest = parse_digest_file(path)
    total = len(digest.papers)
    return [
        card_from_paper(p, date=digest.date, position=i, total=total)
        for i, p in enumerate(digest.papers, 1)
    ]


def make_card(
    bodies: dict[SectionKey, str], *, title: str | None = "A Paper", note: str = ""
) -> Card:
    return Card(
        arxiv_id="2505.19590",
        title=title,
        date=DAY,
        position=3,
        total=26,
        sections=tuple(CardSection(k, bodies[k]) for k in K.ordered() if k in bodies),
        missing=tuple(k for k in K.ordered() if k not in bodies),
        note=note,
    )


# -- real entries ----------------------------------------------------------------------------


def test_every_real_entry_renders_within_every_limit(real_digests: list[Path]) -> None:
    count = 0
    for path in [*real_digests, EXAMPLES / "hf-daily-papers-2026-01-05.md"]:
        for card in cards_of(path):
            embed = card_embed(card)
            assert_sendable(body_of([embed], card_view(card)), f"{path.name} {card.arxiv_id}")
            assert embed.url == card.hf_url and embed.footer.text
            assert embed.footer.text.startswith(f"{card.arxiv_id} · {card.date_label} · ")
            shown = [f.name for f in embed.fields]
            expected = [f"{s.number} · {s.heading}" for s in card.sections if s.number != 1]
            assert shown == expected
            if card.note and not card.sections:
                assert embed.description, f"{card.arxiv_id}: a note-only card shows its note"
            for section in card.sections:
                for message in section_messages(card, section):
                    assert_sendable(body_of(message), f"{card.arxiv_id} {section.key}")
            count += 1
    assert count > 100


def test_a_whole_section_is_split_never_cut(real_digests: list[Path]) -> None:
    longest = max(
        ((card, s) for path in real_digests for card in cards_of(path) for s in card.sections),
        key=lambda pair: len(pair[1].body),
    )
    card, section = longest
    messages = section_messages(card, section)
    text = "".join(e.description or "" for m in messages for e in m)
    whole = to_discord(section.body, headings=True)
    assert re.sub(r"\s", "", text) == re.sub(r"\s", "", whole)


def test_long_sections_are_cut_at_a_sentence_with_a_hint() -> None:
    sentence = "이 방법은 긴 문맥에서 성능이 떨어집니다. "
    card = make_card(
        {K.MOTIVATION: "짧은 동기입니다.", K.LIMITATIONS: sentence * 200, K.RESULTS: "좋습니다."}
    )
    embed = card_embed(card)
    assert embed.description == "짧은 동기입니다."
    results, limitations = embed.fields
    assert results.name == "5 · 정량적 결과" and results.value == "좋습니다."
    assert limitations.name == "6 · 한계점 및 잠재적 실패 요인"
    assert limitations.value is not None and utf16_len(limitations.value) <= 1024
    body, hint = limitations.value.rsplit("\n", 1)
    assert body.endswith("떨어집니다.…")
    assert hint == "*… whole section:* `/section limitations 2505.19590`"
    assert_sendable(body_of([embed]))


def test_one_runaway_section_gives_up_its_space_first() -> None:
    bodies = {key: f"{key.english} 설명입니다. " * 60 for key in K.ordered()}
    bodies[K.ARCHITECTURE] = "반복되는 문장입니다. " * 3000
    embed = card_embed(make_card(bodies))
    assert_sendable(body_of([embed]))
    sizes = {f.name: utf16_len(f.value or "") for f in embed.fields}
    assert sizes["3 · 모델 아키텍처 및 학습 설정"] <= max(sizes.values())
    assert "/section architecture 2505.19590" in (embed.fields[1].value or "")


def test_headings_in_field_values_become_bold_lines() -> None:
    card = make_card({K.RESULTS: "### 주요 수치\n\n- 정확도 **68.9%**\n\n# 큰 제목"})
    value = card_embed(card).fields[0].value or ""
    assert "#" not in value
    assert "**주요 수치**" in value and "**큰 제목**" in value


def test_footer_timestamp_title_and_missing_sections() -> None:
    card = make_card({K.MOTIVATION: "동기."}, title="R1_Searcher: *Really* fast")
    embed = card_embed(card)
    assert embed.title == r"R1\_Searcher: \*Really\* fast"
    assert embed.timestamp == dt.datetime(2025, 5, 27, tzinfo=dt.UTC)
    assert embed.footer.text == (
        "2505.19590 · 2025-05-27 · 3/26 · not in this summary: Contributions, "
        "Architecture & training, Experimental setup, Results, Limitations, Future work"
    )
    untitled = card_embed(make_card({K.MOTIVATION: "동기."}, title=None))
    assert untitled.title == "arXiv 2505.19590"


def test_a_note_only_card_shows_the_note() -> None:
    card = make_card({}, note="I'm sorry, but I cannot summarise this paper.")
    embed = card_embed(card)
    assert embed.description == "I'm sorry, but I cannot summarise this paper."
    assert not embed.fields and not card_view(card).children[0].custom_id  # type: ignore[attr-defined]


def test_the_digest_header_card() -> None:
    embed = header_embed(DigestHeaderCard(DAY, 26))
    assert embed.title == "Hugging Face Daily Papers – 2025-05-27 · 26 papers"
    assert embed.url == "https://huggingface.co/papers/date/2025-05-27"
    assert_sendable(body_of([embed]))
    assert header_embed(DigestHeaderCard(None, 1)).url is None


def test_mentions_anywhere_in_a_card_ping_no_one() -> None:
    card = make_card(
        dict.fromkeys(K.ordered(), f"{MENTIONS} 본문 {MENTIONS}"), title=f"Title {MENTIONS}"
    )
    embeds = [
        card_embed(card),
        *(e for s in card.sections for m in section_messages(card, s) for e in m),
    ]
    for embed in embeds:
        for text in texts_of(embed.to_dict()):
            assert not PING.search(text), text
    note = card_embed(make_card({}, note=f"Refusal {MENTIONS}"))
    assert not PING.search(note.description or "")


# -- components ------------------------------------------------------------------------------


def test_card_components_carry_what_they_need() -> None:
    card = make_card(dict.fromkeys(K.ordered(), "본문."))
    share = Query("paper", card.arxiv_id, date=card.date_label)
    rows = card_view(card, share=share).to_components()
    select = rows[0]["components"][0]
    assert select["custom_id"] == "paperbot:section:2505.19590:2025-05-27"
    assert [o["value"] for o in select["options"]] == [k.value for k in K.ordered()]
    assert select["options"][5]["label"] == "6 · Limitations"
    assert select["options"][5]["description"] == "한계점 및 잠재적 실패 요인"
    buttons = rows[1]["components"]
    assert [b.get("url") for b in buttons[:3]] == [card.hf_url, card.abs_url, card.pdf_url]
    assert buttons[3]["custom_id"] == "paperbot:share:paper:2505.19590:2025-05-27"
    assert_sendable({"embeds": [card_embed(card).to_dict()], "components": rows})


def test_a_section_given_twice_is_offered_once() -> None:
    """Discord refuses a select whose option values repeat (the fake does too)."""
    twice = (CardSection(K.RESULTS, "앞."), CardSection(K.RESULTS, "뒤."))
    card = dataclasses.replace(make_card({}), sections=twice)
    rows = card_view(card).to_components()
    assert [o["value"] for o in rows[0]["components"][0]["options"]] == ["results"]
    assert_sendable({"embeds": [card_embed(card).to_dict()], "components": rows})


def test_share_ids_round_trip_and_long_queries_do_not_fit() -> None:
    for share in [
        Query("paper", "hep-th/9901001", date="2025-05-27"),
        Query("section", "2505.19590", "future-work"),  # undated: its id says ``undated``
        Query("section", section="results", date="2025-05-27", page=3),
        Query("digest", date="2025-05-27"),
        Query("search", text="강화 학습: reward"),
    ]:
        custom_id = share_id(share)
        assert custom_id is not None and query_of(custom_id) == share
    assert query_of("paperbot:share:paper:only-one") is None
    assert share_id(Query("search", text="x" * 90)) is None


def test_page_buttons() -> None:
    view = page_view(Query("section", section="results", date="2025-05-27", page=2), 3)
    assert view is not None
    ids = [c["custom_id"] for row in view.to_components() for c in row["components"]]
    assert ids == ["paperbot:page:results:2025-05-27:1", "paperbot:page:results:2025-05-27:3"]
    assert page_view(Query("section", section="results", date="2025-05-27"), 1) is None


async def test_views_only_draw_their_clicks_are_routed_by_the_dynamic_items() -> None:
    """Built stopped, so discord.py keeps no 15-minute timeout task alive per answer."""
    card = make_card(dict.fromkeys(K.ordered(), "본문."))
    share = Query("paper", card.arxiv_id, date=card.date_label)
    page = Query("section", section="results", date="x", page=2)
    views = [card_view(card, share=share), share_view(share), page_view(page, 3)]
    assert all(view is not None and view.is_finished() for view in views)


def test_pack_keeps_order_and_limits() -> None:
    embeds = [discord.Embed(description="가" * 4000) for _ in range(3)]
    embeds += [discord.Embed(description="x") for _ in range(12)]
    messages = pack(embeds)
    assert [e for m in messages for e in m] == embeds
    for message in messages:
        assert_sendable(body_of(message))


# -- generated cards -------------------------------------------------------------------------

_PIECES = st.sampled_from(
    [
        "강화 학습은 보상을 최대화합니다. ",
        "**굵은 글씨**는 강조입니다. ",
        '**"인용"**은 중요합니다. ',
        "*기울임*과 ~~취소선~~. ",
        "`코드 span`과 ``이중 `백틱` ``. ",
        "[링크](https://example.com/a_(b)) ",
        "<https://arxiv.org/abs/2505.19590> ",
        "\n\n# 제목\n\n",
        "\n\n### 소제목\n\n",
        "\n- 목록 항목 하나\n- 항목 둘\n",
        "\n1. 번호 목록\n2. 둘째\n",
        "\n> 인용문입니다.\n\n",
        "\n```python\nprint('hi')  # 코드\n```\n",
        "👨‍👩‍👧‍👦 가족 이모지와 🇰🇷 국기. ",
        "😀😀😀😀😀😀😀😀 ",
        "a_b_c \\* \\_ | || spoiler || ",
        "<br> <div>html</div> ",
        "@everyone @here <@123456789012345678> ",
        "x" * 300,
        "긴문장" * 120 + ". ",
        "\n\n",
    ]
)
_BODIES = st.lists(_PIECES, min_size=1, max_size=60).map("".join).filter(lambda s: s.strip())


@st.composite
def cards(draw: st.DrawFn) -> Card:
    keys = draw(st.lists(st.sampled_from(K.ordered()), unique=True, max_size=7))
    bodies = {key: draw(_BODIES) for key in sorted(keys, key=lambda k: k.number)}
    title = draw(st.one_of(st.none(), _BODIES.map(lambda s: s * 3)))
    note = draw(_BODIES) if not keys else ""
    return make_card(bodies, title=title, note=note)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cards())
def test_generated_cards_fit_every_limit(card: Card) -> None:
    embed = card_embed(card)
    assert_sendable(body_of([embed], card_view(card)), repr(card)[:200])
    for section in card.sections:
        for message in section_messages(card, section):
            assert_sendable(body_of(message), f"section {section.key}")
