"""A digest listing on Slack: the fewest messages, each within Slack's limits, inert, and open.

The largest real digest (47 papers) is packed with the poster's own ``listing_fits`` and every
page is posted through the real poster and slack_sdk to the fake Web API; a choice in a page's
menu is then sent to the real Bolt app the way Slack sends it, and must come back as that
paper's card, ephemerally.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections.abc import Sequence
from typing import Any

import pytest

from bot.core.answers.query import Query
from bot.core.cards.listing import DigestListing, ListingItem, listing_item, pack
from bot.core.delivery.poster import Posted, PostKey
from bot.slack.components import ACTION_OPEN, query_of
from bot.slack.listing import listing_blocks, listing_fits, listing_problems
from bot.slack.marker import LISTING_EVENT
from bot.slack.poster import SlackPoster, slack_poster
from bot.slack.render import text_size
from digest_parser import parse_digest_file
from tests.conftest import require_real_digest
from tests.fakes.slack_api import FakeSlackAPI
from tests.slack.conftest import CHANNEL, NEWEST, PINGING_PAPER, write_pinging_digest
from tests.slack.limits_check import assert_blocks_ok, pings
from tests.slack.test_app import Driver, element, text_of
from tests.slack.test_poster import config_for

LARGEST = "hf-daily-papers-2025-05-25.md"
#: Everything that would ping or link in Slack (and in Discord), as digest text may quote it.
HOSTILE = (
    "@everyone <!channel> <!here> <@U123> <@123> <#C0PAPERS> <!subteam^S1> "
    "[click](https://evil.example) <https://evil.example|click> *bold* `code` & done"
)


def items_of(path: Any, *, hostile: Sequence[int] = ()) -> list[ListingItem]:
    """The listing lines of a digest file; the items numbered in ``hostile`` quote pings."""
    digest = parse_digest_file(path)
    assert digest.date is not None
    items = [listing_item(p, digest.date, n) for n, p in enumerate(digest.papers, 1)]
    return [
        dataclasses.replace(i, title=f"{i.title} {HOSTILE}", gist=f"{HOSTILE} {i.gist}", upvotes=7)
        if i.number in hostile
        else i
        for i in items
    ]


def pages_of(items: Sequence[ListingItem], day: dt.date) -> list[DigestListing]:
    pages = pack(items, listing_fits())
    return [
        DigestListing("daily", day, day, page, n, len(pages), len(items))
        for n, page in enumerate(pages, 1)
    ]


async def post_pages(poster: SlackPoster, pages: Sequence[DigestListing]) -> list[Posted]:
    day = pages[0].last.isoformat()
    return [
        await poster.post_listing(CHANNEL, page, key=PostKey(CHANNEL, day, f"listing-{page.page}"))
        for page in pages
    ]


def assert_fewest(items: Sequence[ListingItem]) -> list[tuple[ListingItem, ...]]:
    """Greedy pages, none of which could have taken the next page's first item."""
    fits = listing_fits()
    pages = pack(items, fits)
    assert [i for page in pages for i in page] == list(items)
    for page, following in itertools.pairwise(pages):
        assert not fits([*page, following[0]])
        assert not fits([*page, *following])
    return pages


async def test_the_largest_real_digest_is_the_fewest_messages_within_every_limit(
    slack: FakeSlackAPI,
) -> None:
    path = require_real_digest(LARGEST)
    items = items_of(path, hostile=(1, 30, 47))
    assert len(items) == 47
    assert_fewest(items)
    pages = pages_of(items, items[0].date)
    async with slack_poster(config_for(slack), slack.bot_token) as poster:
        assert poster.listing_fits()(items) == (len(pages) == 1)
        posted = await post_pages(poster, pages)
        # Reconciliation finds each page again by its key.
        for page, sent in zip(pages, posted, strict=True):
            key = PostKey(CHANNEL, str(page.last), f"listing-{page.page}")
            assert await poster.find_message(CHANNEL, key, since=None) == sent.message_id
    messages = slack.posted(CHANNEL)
    print(f"\nSlack: {len(items)} papers of {LARGEST} in {len(messages)} message(s)")
    assert [m.ts for m in messages] == [p.message_id for p in posted]
    assert len(messages) == len(pages) == 1  # 47 lines and their menu fit one Slack message
    listed: list[Query | None] = []
    for page, message in zip(pages, messages, strict=True):
        key = PostKey(CHANNEL, str(page.last), f"listing-{page.page}")
        assert message.blocks is not None
        assert_blocks_ok(message.blocks, key.paper)
        assert listing_problems(message.blocks, len(page.items)) == []
        assert text_size(message.blocks) < 12_000
        assert message.metadata == {
            "event_type": LISTING_EVENT,
            "event_payload": {"digest_date": key.digest_date, "paper": key.paper, "key": key.token},
        }
        assert message.args["text"] and "link_names" not in message.args
        assert "parse" not in message.args
        assert pings(message.blocks) == [] and pings(message.args["text"]) == []
        assert message.blocks[0]["text"]["text"].startswith(
            "Hugging Face Daily Papers – 2025-05-25"
        )
        menu = element(message.blocks, ACTION_OPEN)
        listed += [query_of(o["value"]) for o in menu["options"]]
        text = text_of(message.blocks)
        assert "*1.* " in text and "*47.* " in text and "▲ 7" in text
        assert "&lt;!channel&gt;" in text and "∗bold∗" in text
    assert listed == [Query("paper", paper=i.arxiv_id, date="2025-05-25") for i in items]


def test_many_papers_take_several_pages_each_within_the_limits() -> None:
    """A listing beyond one message (a busy week) is cut where Slack's limits say, no sooner."""
    path = require_real_digest(LARGEST)
    week = [
        dataclasses.replace(item, number=n, date=item.date + dt.timedelta(days=n // 47))
        for n, item in enumerate(items_of(path) * 5, 1)
    ]
    pages = assert_fewest(week)
    assert len(pages) > 2
    for n, page in enumerate(pages, 1):
        listing = DigestListing("weekly", week[0].date, week[-1].date, page, n, len(pages), 235)
        blocks = listing_blocks(listing)
        assert_blocks_ok(blocks, f"page {n}")
        assert listing_problems(blocks, len(page)) == []


def test_one_runaway_line_is_cut_not_refused() -> None:
    item = ListingItem(1, "2601.00001", dt.date(2026, 1, 5), "가" * 5000, "<!here> " * 500, 3)
    (page,) = pack([item], listing_fits())
    blocks = listing_blocks(DigestListing("daily", item.date, item.date, page, 1, 1, 1))
    assert_blocks_ok(blocks)
    assert pings(blocks) == []


@pytest.fixture
def slack_app(slack: FakeSlackAPI, bolt_url: str) -> Driver:
    return Driver(slack, bolt_url)


async def test_choosing_a_paper_answers_its_card_privately(
    slack: FakeSlackAPI, slack_app: Driver
) -> None:
    path = require_real_digest(LARGEST)
    pages = pages_of(items_of(path), dt.date(2025, 5, 25))
    async with slack_poster(config_for(slack), slack.bot_token) as poster:
        await post_pages(poster, pages)
    (message,) = slack.posted(CHANNEL)
    assert message.blocks is not None
    menu = element(message.blocks, ACTION_OPEN)
    (answer,) = await slack_app.click(menu, option=29)
    assert answer["response_type"] == "ephemeral" and answer["replace_original"] is False
    chosen = parse_digest_file(path).papers[29]
    assert answer["text"].endswith(f"https://huggingface.co/papers/{chosen.arxiv_id}")
    assert any(b.get("block_id") == f"card:{chosen.arxiv_id}" for b in answer["blocks"])
    assert len(slack.posted(CHANNEL)) == 1  # nothing posted for everyone


async def test_a_listing_quoting_mentions_pings_nobody_nor_does_its_card(
    slack: FakeSlackAPI, slack_app: Driver, tmp_path: Any
) -> None:
    items = items_of(write_pinging_digest(tmp_path / "pinging.md"), hostile=(2,))
    assert items[0].arxiv_id == PINGING_PAPER and "<!channel>" in items[0].title
    pages = pages_of(items, dt.date.fromisoformat(NEWEST))
    async with slack_poster(config_for(slack), slack.bot_token) as poster:
        await post_pages(poster, pages)
    (message,) = slack.posted(CHANNEL)
    assert message.blocks is not None
    assert pings(message.blocks) == [] and pings(message.args["text"]) == []
    assert "<https://evil.example" not in str(message.blocks)
    menu = element(message.blocks, ACTION_OPEN)
    assert query_of(menu["options"][0]["value"]) == Query("paper", paper=PINGING_PAPER, date=NEWEST)
    (answer,) = await slack_app.click(menu, option=0)
    assert answer["response_type"] == "ephemeral"
    assert pings(answer["blocks"]) == []
    assert "Paper 1" in text_of(answer["blocks"])


async def test_a_day_nothing_matched_is_a_one_line_note_without_a_menu(
    slack: FakeSlackAPI,
) -> None:
    day = dt.date(2026, 1, 5)
    note = DigestListing("daily", day, day, (), 1, 1, 0, left_out=3)
    async with slack_poster(config_for(slack), slack.bot_token) as poster:
        await poster.post_listing(CHANNEL, note, key=PostKey(CHANNEL, str(day), "listing-1"))
    (message,) = slack.posted(CHANNEL)
    assert message.blocks is not None
    assert_blocks_ok(message.blocks, "note")
    assert [b["type"] for b in message.blocks] == ["header", "context"]
    assert "No paper matches this channel's filters (3 left out)." in text_of(message.blocks)
