"""Cards with Hugging Face's metadata, on every platform: shown, escaped, and within limits.

Every real digest's card gets full metadata and then hostile metadata (pings, markup, links
that try to close themselves, the longest values the enrichment keeps); each must still be
one sendable message on Slack and Discord and ping nobody.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from rich.console import Console

from bot.console.render import render_card
from bot.core.cards.card import Card, card_from_paper
from bot.core.cards.paper_meta import PaperMeta
from bot.discord.components import card_view
from bot.discord.render import META_FIELD, card_embed
from bot.slack.render import card_message
from digest_parser import parse_digest_file
from tests.discord.limits_check import PING, assert_sendable, body_of, texts_of
from tests.slack.limits_check import assert_blocks_ok, pings

FETCHED = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
HOSTILE_TEXT = "@everyone <!channel> <@U123> <@123456789012345678> *bold* [x](https://e.vil) |>"


def full(arxiv_id: str) -> PaperMeta:
    return PaperMeta(
        arxiv_id=arxiv_id,
        title="Self-Verifying Agents for Long-Horizon Tasks",
        authors=("Kim Minji", "Park Jisoo", "Li Lei", "Ana Souza", "Tom Ng"),
        organization="Example Lab",
        upvotes=42,
        comments=3,
        github_repo="https://github.com/example/agents",
        github_stars=1200,
        project_page="https://example.org/agents",
        thumbnail=f"https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/{arxiv_id}.png",
        keywords=("agents", "강화 학습", "verification"),
        fetched_at=FETCHED,
    )


def hostile(arxiv_id: str) -> PaperMeta:
    longest = (HOSTILE_TEXT * 4)[:100]
    return PaperMeta(
        arxiv_id=arxiv_id,
        title=(HOSTILE_TEXT * 10)[:300],
        authors=(longest,) * 50,
        organization=longest,
        upvotes=10**9,
        comments=10**9,
        github_repo="https://github.com/a/b)|<x>[y](z)" + "x" * 400,
        github_stars=10**9,
        project_page="https://example.org/>|*_~`",
        thumbnail="https://huggingface.co/t.png",
        keywords=(longest,) * 12,
        withdrawn=True,
        fetched_at=FETCHED,
    )


def enriched_cards(paths: list[Path], meta: Callable[[str], PaperMeta]) -> list[Card]:
    cards = []
    for path in paths:
        digest = parse_digest_file(path)
        for n, paper in enumerate(digest.papers, 1):
            card = card_from_paper(paper, date=digest.date, position=n, total=len(digest.papers))
            cards.append(dataclasses.replace(card, meta=meta(card.arxiv_id)))
    return cards


@pytest.mark.parametrize("make", [full, hostile], ids=["full", "hostile"])
def test_every_enriched_real_card_is_one_sendable_message(
    real_digests: list[Path], make: Callable[[str], PaperMeta]
) -> None:
    cards = enriched_cards(real_digests, make)
    assert len(cards) > 100
    for card in cards:
        where = f"{card.date_label} {card.arxiv_id}"
        message = card_message(card)
        assert_blocks_ok(message["blocks"], where)
        assert not pings(message), where
        embed = card_embed(card)
        assert_sendable(body_of([embed], card_view(card)), where)
        assert not [t for t in texts_of(embed.to_dict()) if PING.search(t)], where


def test_slack_shows_every_fact_and_the_thumbnail() -> None:
    card = _card(full("2601.01234"))
    meta = card_message(card)["blocks"][2]
    text = meta["text"]["text"]
    assert "*Self-Verifying Agents for Long-Horizon Tasks*" in text
    assert "Kim Minji, Park Jisoo, Li Lei 외 2명" in text
    assert "_Example Lab_" in text
    assert "▲ 42 upvotes · 3 comments" in text
    assert "<https://github.com/example/agents|GitHub ★ 1,200>" in text
    assert "<https://example.org/agents|Project page>" in text
    assert "`강화 학습`" in text
    assert meta["accessory"]["image_url"].startswith("https://cdn-thumbnails.huggingface.co/")


def test_discord_shows_every_fact_and_the_thumbnail() -> None:
    embed = card_embed(_card(full("2601.01234"))).to_dict()
    assert embed["author"]["name"] == "Kim Minji, Park Jisoo, Li Lei 외 2명"
    assert embed["thumbnail"]["url"].startswith("https://cdn-thumbnails.huggingface.co/")
    (field,) = [f for f in embed["fields"] if f["name"] == META_FIELD]
    assert "[GitHub ★ 1,200](https://github.com/example/agents)" in field["value"]
    assert "▲ 42 upvotes · 3 comments" in field["value"]
    assert "Example Lab" in field["value"] and "강화 학습" in field["value"]


def test_a_withdrawn_paper_is_marked_everywhere() -> None:
    card = _card(dataclasses.replace(full("2601.01234"), withdrawn=True))
    assert "*Withdrawn*" in card_message(card)["blocks"][2]["text"]["text"]
    (field,) = [f for f in card_embed(card).fields if f.name == META_FIELD]
    assert field.value is not None and "**Withdrawn**" in field.value
    assert "Withdrawn by its authors" in _console(card)


def test_links_cannot_close_themselves() -> None:
    card = _card(hostile("2601.01234"))
    text = card_message(card)["blocks"][2]["text"]["text"]
    assert "<https://example.org/%3E%7C%2A%5F%7E%60|Project page>" in text
    (field,) = [f for f in card_embed(card).fields if f.name == META_FIELD]
    assert field.value is not None and "(https://github.com/a/b%29%7C%3Cx%3E%5By%5D%28z%29" in (
        field.value
    )


def test_the_console_shows_the_facts_as_text() -> None:
    out = _console(_card(full("2601.01234")))
    assert "Self-Verifying Agents" in out and "Kim Minji, Park Jisoo, Li Lei 외 2명" in out
    assert "GitHub ★ 1,200 https://github.com/example/agents" in out
    hostile_out = _console(_card(hostile("2601.01234")))
    assert "[x](https://e.vil)" in hostile_out  # shown literally, not as markup


def test_a_card_without_metadata_is_unchanged() -> None:
    bare = _card(None)
    assert len(card_message(bare)["blocks"]) < len(card_message(_card(full("x")))["blocks"])
    assert all(f.name != META_FIELD for f in card_embed(bare).fields)
    assert card_embed(bare).author.name is None and card_embed(bare).thumbnail.url is None


def _card(meta: PaperMeta | None) -> Card:
    from tests.conftest import EXAMPLES

    digest = parse_digest_file(EXAMPLES / "hf-daily-papers-2026-01-05.md")
    paper = digest.papers[0]
    return card_from_paper(paper, date=digest.date, position=1, total=3, meta=meta)


def _console(card: Card) -> str:
    console = Console(width=200, record=True, color_system=None)
    console.print(render_card(card))
    return console.export_text()


def test_search_hits_in_metadata_say_where_they_matched() -> None:
    from bot.core.archive.lookup import SearchResults
    from bot.core.archive.records import SearchHit, Snippet
    from bot.discord.replies import _search

    hits = (
        SearchHit("2601.01234", dt.date(2026, 1, 5), "제목", "authors", Snippet((("Ana", True),))),
        SearchHit("2601.02345", dt.date(2026, 1, 5), "제목", "title_en", Snippet((("X", True),))),
    )
    results = SearchResults("ana", 0, 10, hits, False)
    (message,) = _search(results, None).messages
    text = " ".join(e.description or "" for e in message.embeds)
    assert "*authors:*" in text and "*English title:*" in text
