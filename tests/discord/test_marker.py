"""The marks a Discord post carries are read back as the post they were written for.

:func:`~bot.discord.marker.footer` and :func:`~.header_title` write them, the renderer puts
them on the embeds, and :func:`~.is_for` finds them again in what history returns: an embed
that went through its JSON form, as Discord sends it back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tests.conftest import EXAMPLES

import discord  # isort: skip  (after the fakes: see tests/fakes/discord_client.py)

from bot.core.cards.card import Card, DigestHeaderCard, card_from_paper
from bot.core.delivery.poster import PostKey
from bot.discord.marker import footer, header_title, is_for
from bot.discord.render import card_embed, header_embed
from digest_parser import parse_digest_file

DIGEST = parse_digest_file(EXAMPLES / "hf-daily-papers-2026-01-05.md")
DAY = "2026-01-05"


@dataclass
class Received:
    """A message as ``history`` gives it, as far as :func:`is_for` reads one."""

    embeds: list[discord.Embed]


def received(*embeds: discord.Embed) -> Received:
    return Received([discord.Embed.from_dict(e.to_dict()) for e in embeds])


def cards() -> list[Card]:
    total = len(DIGEST.papers)
    return [
        card_from_paper(p, date=DIGEST.date, position=n, total=total)
        for n, p in enumerate(DIGEST.papers, 1)
    ]


def key(paper: str, day: str = DAY) -> PostKey:
    return PostKey("123", day, paper)


def test_each_card_is_recognised_by_its_footer_and_no_other() -> None:
    papers = [c.arxiv_id for c in cards()]
    for card in cards():
        message = received(card_embed(card))
        assert [is_for(message, key(p)) for p in papers] == [p == card.arxiv_id for p in papers]
        assert not is_for(message, key(card.arxiv_id, "2026-01-06"))
        assert not is_for(message, key("header"))


def test_the_header_is_recognised_by_its_title_for_its_day_only() -> None:
    message = received(header_embed(DigestHeaderCard(dt.date(2026, 1, 5), 3)))
    assert is_for(message, key("header"))
    assert not is_for(message, key("header", "2026-01-06"))
    assert not any(is_for(message, key(c.arxiv_id)) for c in cards())


def test_a_message_without_embeds_is_nobody_s() -> None:
    assert not is_for(Received([]), key("header"))
    assert not is_for(received(discord.Embed(title="hello")), key(cards()[0].arxiv_id))


def test_the_marks_are_the_texts_readers_saw_before() -> None:
    """Byte for byte what cards already posted carry, or they would not be found again."""
    card = cards()[1]
    assert footer(card) == f"{card.arxiv_id} · {DAY} · 2/3"
    missing = card_from_paper(DIGEST.papers[0], date=None, position=1, total=3)
    assert footer(missing).startswith(f"{missing.arxiv_id} · undated · 1/3")
    for count in (1, 26):
        header = DigestHeaderCard(dt.date(2026, 1, 5), count)
        assert header_title(header) == header.title == header_embed(header).title
    assert header_title(DigestHeaderCard(None, 2)) == DigestHeaderCard(None, 2).title
