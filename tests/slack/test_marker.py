"""Slack message metadata: what the poster stamps is what reconciliation recognises."""

from __future__ import annotations

import datetime as dt

from bot.core.cards.card import DigestHeaderCard, card_from_paper
from bot.core.delivery.poster import PostKey
from bot.slack.marker import CARD_EVENT, HEADER_EVENT, carries, share_metadata, stamp
from bot.slack.render import card_message, header_message
from digest_parser import parse_digest_file
from tests.slack.conftest import EXAMPLE

DAY = dt.date(2026, 1, 5)


def test_a_stamped_message_is_recognised_by_its_key_only() -> None:
    paper = parse_digest_file(EXAMPLE).papers[0]
    card = card_from_paper(paper, date=DAY, position=1, total=3)
    mine = PostKey("C1", DAY.isoformat(), card.arxiv_id)
    message = card_message(card, channel="C1")
    assert not carries(message, mine)  # rendered, not yet posted: no key
    stamp(message, mine)
    assert message["metadata"] == {
        "event_type": CARD_EVENT,
        "event_payload": {"digest_date": "2026-01-05", "paper": card.arxiv_id, "key": mine.token},
    }
    assert carries(message, mine)
    assert not carries(message, PostKey("C2", DAY.isoformat(), card.arxiv_id))
    assert not carries(message, PostKey("C1", "2026-01-06", card.arxiv_id))


def test_a_header_is_stamped_as_the_day_s_digest() -> None:
    header_key = PostKey("C1", DAY.isoformat(), "header")
    message = header_message(DigestHeaderCard(DAY, 3), channel="C1")
    stamp(message, header_key)
    assert message["metadata"]["event_type"] == HEADER_EVENT and carries(message, header_key)


def test_a_shared_reply_is_never_taken_for_a_delivered_card() -> None:
    header_key = PostKey("C1", DAY.isoformat(), "header")
    shared = {"metadata": share_metadata('{"cmd":"digest"}'), "ts": "1.0"}
    shared["metadata"]["event_payload"]["key"] = header_key.token  # even with the same token
    assert not carries(shared, header_key)
    assert not carries({"ts": "2.0"}, header_key)
