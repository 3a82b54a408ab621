"""Views survive the round trip through a button's value, including values from old cards."""

from __future__ import annotations

import pytest

from bot.core.cards.text import ZWSP
from bot.slack.components import marked, share_button
from bot.slack.render import encode_value
from bot.slack.views import View, view_for_command


@pytest.mark.parametrize(
    "view",
    [
        View("paper", paper="2505.19590", date="2025-05-27"),
        View("section", section="limitations", date="2025-05-27", page=3),
        View("digest"),
        View("search", query='강화 학습 "quoted" <!channel>', page=2),
    ],
)
def test_views_round_trip(view: View) -> None:
    assert View.decode(view.encode()) == view


def test_card_options_without_a_command_are_section_views() -> None:
    legacy = encode_value(paper="2505.19590", date="undated", section="results")
    assert View.decode(legacy) == View("section", paper="2505.19590", section="results")


@pytest.mark.parametrize(
    "value", [None, "", "{not json", "[1, 2]", '{"cmd": "rm -rf"}', '{"paper": "x"}']
)
def test_unreadable_values_decode_to_none(value: str | None) -> None:
    assert View.decode(value) is None


def test_a_bad_page_number_means_page_one() -> None:
    assert View.decode('{"cmd": "digest", "page": "x"}') == View("digest")
    assert View.decode('{"cmd": "digest", "page": "-4"}') == View("digest")


def test_slash_command_text_becomes_a_view() -> None:
    assert view_for_command("paper", "2505.19590 한계 2025-05-27") == View(
        "paper", paper="2505.19590", section="한계", date="2025-05-27"
    )
    assert view_for_command("section", "future work 2505.19590") == View(
        "section", paper="2505.19590", section="future work"
    )
    assert view_for_command("digest", "  ") == View("digest")
    assert view_for_command("search", " 강화  학습 ") == View("search", query="강화  학습")


def test_a_very_long_query_still_fits_a_button() -> None:
    button = share_button(View("search", query="가" * 5000))
    assert len(button["value"]) <= 2000 and View.decode(button["value"]) is not None


def test_matches_are_bold_even_against_a_korean_particle() -> None:
    parts = (("모델은 ", False), ("강화 학습", True), ("을 쓴다 *x* <!here>", False))
    assert marked(parts) == f"모델은 *강화 학습*{ZWSP}을 쓴다 ∗x∗ &lt;!here&gt;"
    assert marked((("a", False), (" b ", True), ("c", False))) == "a *b* c"
