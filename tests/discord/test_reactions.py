"""The 👍/🔖 Save buttons as drawn: ids within Discord's limits, labels with the counts."""

from __future__ import annotations

import dataclasses
import datetime as dt

from tests.discord.limits_check import assert_sendable

import discord  # isort: skip  (after the fakes: see tests/fakes/discord_client.py)

from bot.core.answers.query import Query
from bot.core.cards.card import Card, CardSection
from bot.core.cards.counts import Counts
from bot.discord.components import card_view, dynamic_items
from bot.discord.limits import CUSTOM_ID_MAX, ROWS_PER_MESSAGE
from bot.discord.reactions import Pressing, ReactButton, react_id, read_react_id
from bot.discord.render import card_embed
from digest_parser import SectionKey

DAY = dt.date(2025, 5, 27)


def make_card(arxiv_id: str = "2505.19590", day: dt.date | None = DAY) -> Card:
    keys = SectionKey.ordered()
    return Card(
        arxiv_id=arxiv_id,
        title="A Paper",
        date=day,
        position=3,
        total=26,
        sections=tuple(CardSection(k, "본문.") for k in keys),
        missing=(),
    )


def buttons(view: discord.ui.View) -> list[dict[str, object]]:
    rows = view.to_components()
    return [c for row in rows for c in row["components"] if str(c.get("custom_id", "")).startswith(
        ("paperbot:like:", "paperbot:save:"))]  # fmt: skip


def test_every_card_has_like_and_save_with_its_counts() -> None:
    card = make_card()
    drawn = buttons(card_view(card))
    assert [(b["custom_id"], b["label"]) for b in drawn] == [
        ("paperbot:like:2505.19590:2025-05-27", "👍"),
        ("paperbot:save:2505.19590:2025-05-27", "🔖 Save"),
    ]
    counted = dataclasses.replace(card, counts=Counts(likes=50, saves=2))
    assert [b["label"] for b in buttons(card_view(counted))] == ["👍 50", "🔖 Save · 2"]


def test_a_private_card_keeps_every_limit_with_share_and_buttons() -> None:
    card = make_card()
    share = Query("paper", card.arxiv_id, date=card.date_label)
    rows = card_view(card, share=share).to_components()
    assert len(rows) <= ROWS_PER_MESSAGE
    assert sum(len(row["components"]) for row in rows) <= 25
    assert len(buttons(card_view(card, share=share))) == 2
    assert_sendable({"embeds": [card_embed(card).to_dict()], "components": rows})


def test_ids_round_trip_and_stay_within_100_characters() -> None:
    for paper, day in [("2505.19590", DAY), ("hep-th/9901001", None), ("2601.01234", DAY)]:
        for kind in ("like", "save"):
            custom_id = react_id(kind, paper, day)  # type: ignore[arg-type]
            assert custom_id is not None and len(custom_id) <= CUSTOM_ID_MAX
            assert read_react_id(custom_id) == Pressing(kind, paper, day)  # type: ignore[arg-type]
    assert react_id("like", "x" * 90, DAY) is None
    assert buttons(card_view(make_card("x" * 90))) == []  # no button rather than a refused card


def test_damaged_ids_are_not_read() -> None:
    for damaged in [
        "paperbot:like:",
        "paperbot:like:2505.19590",
        "paperbot:like:2505.19590:2025-13-45",
        "paperbot:save:2505.19590:2025-05-27:extra",
        "paperbot:love:2505.19590:2025-05-27",
        "paperbot:like:<@1234>:2025-05-27",
    ]:
        assert read_react_id(damaged) is None, damaged


def test_the_buttons_are_routed_after_a_restart() -> None:
    assert ReactButton in dynamic_items()
