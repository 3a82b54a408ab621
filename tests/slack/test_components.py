"""Queries survive the round trip through a button's value, including values from old cards."""

from __future__ import annotations

import pytest

from bot.core.answers.query import Query
from bot.core.cards.text import ZWSP
from bot.slack.components import marked, query_of, query_value, share_button
from bot.slack.render import encode_value


@pytest.mark.parametrize(
    "query",
    [
        Query("paper", paper="2505.19590", date="2025-05-27"),
        Query("section", section="limitations", date="2025-05-27", page=3),
        Query("digest"),
        Query("search", text='강화 학습 "quoted" <!channel>', page=2),
    ],
)
def test_queries_round_trip(query: Query) -> None:
    assert query_of(query_value(query)) == query


def test_card_options_without_a_command_are_section_queries() -> None:
    legacy = encode_value(paper="2505.19590", date="undated", section="results")
    assert query_of(legacy) == Query("section", paper="2505.19590", section="results")


@pytest.mark.parametrize(
    "value", [None, "", "{not json", "[1, 2]", '{"cmd": "rm -rf"}', '{"paper": "x"}']
)
def test_unreadable_values_decode_to_none(value: str | None) -> None:
    assert query_of(value) is None


def test_a_bad_page_number_means_page_one() -> None:
    assert query_of('{"cmd": "digest", "page": "x"}') == Query("digest")
    assert query_of('{"cmd": "digest", "page": "-4"}') == Query("digest")


def test_values_are_the_json_cards_already_carry() -> None:
    """Byte for byte what the buttons of cards posted before the query type wrote."""
    query = Query("section", section="limitations", date="2025-05-27", page=3)
    assert (
        query_value(query)
        == '{"cmd":"section","section":"limitations","date":"2025-05-27","page":"3"}'
    )
    search = Query("search", text="강화 학습")
    assert query_value(search) == '{"cmd":"search","query":"강화 학습"}'


def test_a_very_long_query_still_fits_a_button() -> None:
    button = share_button(Query("search", text="가" * 5000))
    assert len(button["value"]) <= 2000 and query_of(button["value"]) is not None


def test_matches_are_bold_even_against_a_korean_particle() -> None:
    parts = (("모델은 ", False), ("강화 학습", True), ("을 쓴다 *x* <!here>", False))
    assert marked(parts) == f"모델은 *강화 학습*{ZWSP}을 쓴다 ∗x∗ &lt;!here&gt;"
    assert marked((("a", False), (" b ", True), ("c", False))) == "a *b* c"
