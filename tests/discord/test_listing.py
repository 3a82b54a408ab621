"""A digest listing on Discord: the fewest messages, each within Discord's limits, inert, open.

The largest real digest (47 papers) is packed with the poster's own ``listing_fits`` and every
page is posted over REST by the real poster to the fake, which refuses what Discord refuses
(2,000 characters of content, ten embeds, 6,000 characters across them, five rows of 25
options); then the real bot runs against the fake's gateway and a choice in any of a page's
menus, sent as Discord sends it, must come back as that paper's card, ephemerally.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any, get_args

import pytest

from tests.conftest import require_real_digest
from tests.discord.conftest import PINGING_PAPER, config_for, fill, make_bot, write_digest
from tests.discord.limits_check import PING, assert_sendable, texts_of
from tests.fakes.discord_api import FakeDiscord, StoredMessage, running_client

import discord  # isort: skip  (after the fakes: see tests/fakes/discord_client.py)

from bot.core.answers.query import Query
from bot.core.archive.lookup import Lookup
from bot.core.cards.listing import DigestListing, ListingItem, ListingKind, listing_item, pack
from bot.core.cards.text import neutralise_discord
from bot.core.delivery.poster import Posted, PostKey
from bot.discord.listing import (
    listing_fits,
    listing_line,
    listing_menus,
    listing_message,
    listing_problems,
)
from bot.discord.marker import is_for
from bot.discord.poster import DiscordPoster, discord_poster
from bot.discord.render import embed_size
from bot.discord.replies import Message
from bot.storage.sqlite.store import Store
from digest_parser import parse_digest_file

LARGEST = "hf-daily-papers-2025-05-25.md"
DAY = dt.date(2025, 5, 25)
#: Everything that would ping or link, as digest text may quote it.
HOSTILE = (
    "@everyone @here <@123456789012345678> <@!1234567890> <@&1234567890> <#1234567890> "
    "<!channel> [click](https://evil.example) **bold** `code` ||spoiler||"
)
MESSAGE, SELECT = 4, 3


def items_of(path: Path, *, hostile: Sequence[int] = ()) -> list[ListingItem]:
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


def pages_of(items: Sequence[ListingItem]) -> list[DigestListing]:
    pages = pack(items, listing_fits())
    day = items[0].date
    return [
        DigestListing("daily", day, day, page, n, len(pages), len(items))
        for n, page in enumerate(pages, 1)
    ]


def key_of(channel: str, page: DigestListing) -> PostKey:
    return PostKey(channel, page.last.isoformat(), f"listing-{page.page}")


async def post_pages(
    poster: DiscordPoster, channel: str, pages: Sequence[DigestListing]
) -> list[Posted]:
    return [await poster.post_listing(channel, p, key=key_of(channel, p)) for p in pages]


def assert_fewest(items: Sequence[ListingItem]) -> list[tuple[ListingItem, ...]]:
    """Greedy pages, none of which could have taken the next page's first item."""
    fits = listing_fits()
    pages = pack(items, fits)
    assert [i for page in pages for i in page] == list(items)
    for page, following in itertools.pairwise(pages):
        assert not fits([*page, following[0]])
        assert not fits([*page, *following])
    return pages


def menus_of(message: StoredMessage) -> list[dict[str, Any]]:
    return [c for row in message.components for c in row["components"] if c["type"] == SELECT]


def lines_of(message: StoredMessage | SimpleNamespace) -> list[str]:
    """The listing's lines as shown: the content's (after its heading), then each embed's."""
    opening = message.content.split("\n")[1:] if message.content else []
    return opening + [line for e in message.embeds for line in e["description"].split("\n")]


def body_of(message: Message) -> dict[str, Any]:
    """The JSON body discord.py sends for a listing message."""
    assert message.view is not None
    embeds = [e.to_dict() for e in message.embeds]
    return {
        "content": message.content,
        "embeds": embeds,
        "components": message.view.to_components(),
    }


def listing_line_of(item: ListingItem) -> str:
    """A line as the listing shows it, mentions broken."""
    return neutralise_discord(listing_line(item))


@pytest.fixture
async def lookup(tmp_path: Path) -> AsyncIterator[Lookup]:
    """An archive holding the largest real digest and the digest that quotes mentions."""
    path = require_real_digest(LARGEST)
    async with Store.open(tmp_path / "archive.db") as store:
        await fill(store, path, write_digest(tmp_path / "hf-daily-papers-2026-01-06.md"))
        yield Lookup(store)


async def test_the_largest_real_digest_is_the_fewest_messages_within_every_limit(
    fake: FakeDiscord,
) -> None:
    """47 papers (6,600 characters of lines) are one message: a single embed's 4,096 would
    need two, but a message holds 2,000 characters of content and 6,000 across its embeds."""
    items = items_of(require_real_digest(LARGEST), hostile=(1, 30, 47))
    assert len(items) == 47
    assert_fewest(items)
    pages = pages_of(items)
    channel = str(fake.channel_id)
    async with discord_poster(config_for(fake), fake.token) as poster:
        posted = await post_pages(poster, channel, pages)
        for page, sent in zip(pages, posted, strict=True):  # reconciliation finds each page
            found = await poster.find_message(channel, key_of(channel, page), since=None)
            assert found == sent.message_id
    messages = fake.messages()
    print(f"\nDiscord: {len(items)} papers of {LARGEST} in {len(messages)} message(s)")
    assert [str(m.id) for m in messages] == [p.message_id for p in posted]
    assert len(messages) == len(pages) == 1
    ((page,), (message,)) = (pages, messages)
    key = key_of(channel, page)
    assert_sendable(message.sent, key.paper)
    assert message.nonce == key.token and message.allowed_mentions == {"parse": []}
    embeds = message.embeds
    assert 1 < len(embeds) <= 10
    assert sum(embed_size(discord.Embed.from_dict(e)) for e in embeds) <= 6000
    assert len(message.content) <= 2000
    assert message.content.split("\n")[0] == (
        "### [Hugging Face Daily Papers – 2025-05-25]"
        "(<https://huggingface.co/papers/date/2025-05-25>)"
    )
    assert all("title" not in e and "url" not in e for e in embeds)  # the heading is the title
    assert [("footer" in e) for e in embeds] == [False] * (len(embeds) - 1) + [True]
    assert embeds[-1]["footer"]["text"].startswith("listing-1 · 2025-05-25 · 47 papers")
    shown = SimpleNamespace(embeds=[discord.Embed.from_dict(e) for e in embeds])
    assert is_for(shown, key) and not is_for(shown, PostKey(channel, "2025-05-25", "listing-2"))
    texts = [message.content, *(t for e in embeds for t in texts_of(e))]
    assert not any(PING.search(t) for t in texts)
    lines = lines_of(message)
    assert [line.split(".**", 1)[0] for line in lines] == [f"**{i.number}" for i in items]
    assert sum("\\[click](https://evil.example)" in line for line in lines) == 3
    menus = menus_of(message)
    assert len(menus) == 2 and [len(m["options"]) for m in menus] == [25, 22]
    assert len({m["custom_id"] for m in menus}) == len(menus)
    assert [m["placeholder"] for m in menus] == [
        "Open a paper's card (1–25)…",
        "Open a paper's card (26–47)…",
    ]
    values: list[Query | None] = []
    for menu in menus:
        for option in menu["options"]:
            assert len(option["label"]) <= 100 and len(option["value"]) <= 100
            assert not PING.search(option["label"] + option.get("description", ""))
            values.append(Query.decode(option["value"]))
    assert values == [Query("paper", paper=i.arxiv_id, date="2025-05-25") for i in items]


def test_many_papers_take_several_pages_each_within_the_limits() -> None:
    """A busy week is cut where Discord's limits say, no sooner, and nothing is dropped, and
    each page is within every limit whatever kind of listing it is posted as."""
    items = items_of(require_real_digest(LARGEST), hostile=(5, 6, 7))
    week = [
        dataclasses.replace(item, number=n, date=item.date + dt.timedelta(days=n // 47))
        for n, item in enumerate(items * 5, 1)
    ]
    pages = assert_fewest(week)
    assert len(pages) > 3
    for kind in get_args(ListingKind):
        for n, page in enumerate(pages, 1):
            first, last = week[0].date, week[-1].date
            listing = DigestListing(kind, first, last, page, n, len(pages), 235, left_out=9999)
            key = PostKey("1", last.isoformat(), f"listing-week-{n}")  # the longest key
            message = listing_message(listing, key)
            assert listing_problems(message, listing_menus(page)) == []
            assert_sendable(body_of(message), f"{kind} page {n}")
            shown = lines_of(
                SimpleNamespace(content=message.content, embeds=body_of(message)["embeds"])
            )
            assert shown == [listing_line_of(item) for item in page]


def test_one_runaway_line_is_cut_not_refused() -> None:
    item = ListingItem(1, "2601.00001", DAY, "가" * 5000, "@everyone " * 500, 3)
    (page,) = pack([item], listing_fits())
    listing = DigestListing("daily", DAY, DAY, page, 1, 1, 1)
    message = listing_message(listing, PostKey("1", "2025-05-25", "listing-1"))
    assert listing_problems(message, listing_menus(page)) == []
    assert_sendable(body_of(message), "a runaway line")


async def test_choosing_a_paper_from_any_menu_answers_its_card_privately(
    fake: FakeDiscord, lookup: Lookup
) -> None:
    path = require_real_digest(LARGEST)
    papers = parse_digest_file(path).papers
    pages = pages_of(items_of(path))
    channel = str(fake.channel_id)
    async with discord_poster(config_for(fake), fake.token) as poster:
        await post_pages(poster, channel, pages)
    (message,) = fake.messages()
    menus = menus_of(message)
    assert len(menus) == 2
    async with running_client(make_bot(fake, lookup), fake):
        for number, menu in enumerate(menus):
            option = menu["options"][3]
            chosen = papers[number * 25 + 3]
            assert option["value"] == f"paper:{chosen.arxiv_id}:2025-05-25"
            answer = await fake.click(
                message, menu["custom_id"], component_type=SELECT, values=[option["value"]]
            )
            assert answer.response_type == MESSAGE and answer.ephemeral
            assert_sendable(answer.data, "the card")
            card = answer.embeds[0]
            assert card["url"] == f"https://huggingface.co/papers/{chosen.arxiv_id}"
            assert card["footer"]["text"].startswith(f"{chosen.arxiv_id} · 2025-05-25 · ")
    assert len(fake.messages()) == 1  # nothing posted for everyone


async def test_a_listing_quoting_mentions_pings_nobody_nor_does_its_card(
    fake: FakeDiscord, lookup: Lookup, tmp_path: Path
) -> None:
    items = items_of(write_digest(tmp_path / "pinging.md"), hostile=(2,))
    assert items[0].arxiv_id == PINGING_PAPER and "@everyone" in items[0].title
    channel = str(fake.channel_id)
    async with discord_poster(config_for(fake), fake.token) as poster:
        await post_pages(poster, channel, pages_of(items))
    (message,) = fake.messages()
    assert_sendable(message.sent, "listing")
    assert message.allowed_mentions == {"parse": []}
    description = message.embeds[0]["description"]
    assert not PING.search(description) and "\\[click](https://evil.example)" in description
    assert "[click](" not in description.replace("\\[click](", "")
    menu = menus_of(message)[0]
    async with running_client(make_bot(fake, lookup), fake):
        answer = await fake.click(
            message, menu["custom_id"], component_type=SELECT, values=[menu["options"][0]["value"]]
        )
    assert answer.ephemeral
    assert_sendable(answer.data, "the card")
    assert answer.embeds[0]["url"].endswith(PINGING_PAPER)


async def test_a_menu_value_that_is_not_a_paper_gets_a_note(
    fake: FakeDiscord, lookup: Lookup, tmp_path: Path
) -> None:
    items = items_of(write_digest(tmp_path / "pinging.md"))
    channel = str(fake.channel_id)
    async with discord_poster(config_for(fake), fake.token) as poster:
        await post_pages(poster, channel, pages_of(items))
    (message,) = fake.messages()
    menu = menus_of(message)[0]
    async with running_client(make_bot(fake, lookup), fake):
        answer = await fake.click(
            message, menu["custom_id"], component_type=SELECT, values=["digest:2026-01-06"]
        )
    assert answer.ephemeral and "no longer works" in (answer.data.get("content") or "")


async def test_a_day_nothing_matched_is_a_one_line_note_without_a_menu(fake: FakeDiscord) -> None:
    day = dt.date(2026, 1, 5)
    note = DigestListing("daily", day, day, (), 1, 1, 0, left_out=3)
    channel = str(fake.channel_id)
    async with discord_poster(config_for(fake), fake.token) as poster:
        await poster.post_listing(channel, note, key=key_of(channel, note))
    (message,) = fake.messages()
    assert_sendable(message.sent, "note")
    (embed,) = message.embeds
    assert embed["description"] == "No paper matches this channel's filters (3 left out)."
    assert menus_of(message) == []
