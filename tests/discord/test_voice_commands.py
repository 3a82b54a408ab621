"""``/saved``, ``/reading-list``, ``/follow`` and the follow DMs, through the real bot and fake.

The store is real (SQLite), the desk is the one ``serve`` makes, and every answer is read as
Discord received it: private, pinging no one, with no user id in it. The paused-DM test runs
the real delivery worker (``make_worker``) against a user who refuses the bot's DMs.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pybtex.database
import pytest

from tests.discord.conftest import _entry, fill, make_bot
from tests.discord.limits_check import assert_sendable
from tests.fakes.clock import FakeClock
from tests.fakes.discord_api import FakeDiscord, InteractionRecord, StoredMessage, running_client
from tests.fakes.discord_payloads import DEFAULT_PERMISSIONS

from bot.app import make_worker  # isort: skip  (after the fakes import discord.py)
from bot.config import Config
from bot.core.archive.lookup import Lookup
from bot.core.cards.listing import DigestListing, ListingPage, listing_item
from bot.core.delivery.outbox import Outbox
from bot.core.delivery.poster import ChannelUnavailable, PostKey
from bot.core.delivery.repositories import PlannedRow
from bot.core.voice.desk import VoiceDesk
from bot.core.voice.members import ChannelRef, Member, dm_channel
from bot.core.voice.records import Press
from bot.discord.i18n import KOREAN
from bot.discord.poster import DiscordPoster
from bot.storage.sqlite.store import Store

DAY = dt.date(2026, 2, 2)
PAPERS = [f"2601.091{n:02d}" for n in range(1, 13)]  # twelve: two pages of saved papers
PINGING = PAPERS[0]  # its title quotes @everyone, @here and a user mention
MANAGER = str(int(DEFAULT_PERMISSIONS) | 1 << 4)
MESSAGE, DEFERRED, UPDATE = 4, 5, 7
UNSAVE, NEXT, OPEN = "paperbot:unsave:1", "paperbot:saved:2", "paperbot:open:0"


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    entries = "\n".join(_entry(paper, n) for n, paper in enumerate(PAPERS, 1))
    path = tmp_path / f"hf-daily-papers-{DAY}.md"
    path.write_text(f"# 📰 Hugging Face Daily Papers – {DAY}\n\n{entries}", encoding="utf-8")
    async with Store.open(tmp_path / "voice.db") as opened:
        await fill(opened, path)
        yield opened


@pytest.fixture
def desk(store: Store) -> VoiceDesk:
    return VoiceDesk(store, FakeClock())


@pytest.fixture
async def bot_fake(fake: FakeDiscord, store: Store, desk: VoiceDesk) -> AsyncIterator[FakeDiscord]:
    async with running_client(make_bot(fake, Lookup(store), voice=desk), fake):
        yield fake


def member(fake: FakeDiscord, user: dict[str, Any] | None = None) -> Member:
    return Member("discord", str(fake.guild_id), str((user or fake.user)["id"]))


async def press(desk: VoiceDesk, fake: FakeDiscord, paper: str, kind: str = "save") -> None:
    where = ChannelRef("discord", str(fake.guild_id), str(fake.channel_id))
    await desk.press(Press(where, str(fake.user["id"]), paper, kind, None, DAY))  # type: ignore[arg-type]


def private(record: InteractionRecord) -> str:
    """The answer's text; it must be private and ping no one."""
    assert record.response_type in (MESSAGE, UPDATE), record.response
    if record.response_type == MESSAGE:
        assert record.ephemeral and record.data.get("allowed_mentions") == {"parse": []}
    return record.content


def ids(record: InteractionRecord | StoredMessage) -> list[str]:
    return [c["custom_id"] for row in record.components for c in row["components"]]


def options(record: InteractionRecord, custom_id: str) -> list[dict[str, Any]]:
    found = [c for row in record.components for c in row["components"]
             if c["custom_id"] == custom_id]  # fmt: skip
    return list(found[0]["options"])


# -- /saved ----------------------------------------------------------------------------------


async def test_saved_lists_pages_opens_and_removes(bot_fake: FakeDiscord, desk: VoiceDesk) -> None:
    fake = bot_fake
    for paper in PAPERS:
        await press(desk, fake, paper)
    first = await fake.slash_command("saved")
    text = private(first)
    assert "*Your saved papers* (12) · page 1/2" in text
    assert_sendable(first.data, "/saved")
    assert str(fake.user["id"]) not in text
    assert ids(first) == [OPEN, UNSAVE, NEXT]
    assert len(options(first, OPEN)) == len(options(first, UNSAVE)) == 10
    assert first.original is not None
    second = await fake.click(first.original, NEXT)
    assert_sendable(second.data, "/saved page 2")
    assert "page 2/2" in private(second) and ids(second) == [OPEN, UNSAVE.replace("1", "2"),
                                                              "paperbot:saved:1"]  # fmt: skip
    both = text + second.content  # paper 1's title quotes pings: shown inert
    assert "@\u200beveryone @\u200bhere \\<@\u200b123456789012345678>" in both
    assert "@everyone" not in both and "<@1" not in both
    newest = options(first, UNSAVE)[0]["value"]
    removed = await fake.click(first.original, UNSAVE, component_type=3, values=[newest])
    assert private(removed).startswith(f"Removed arXiv {newest} from your saved papers.")
    assert "(11)" in removed.content
    opened = await fake.click(
        first.original, OPEN, component_type=3, values=[options(first, OPEN)[1]["value"]]
    )
    assert opened.response_type == MESSAGE and opened.ephemeral
    assert opened.embeds[0]["url"].endswith(options(first, UNSAVE)[1]["value"])
    saved = await desk.saved(member(fake))
    assert saved.total == 11 and newest not in [i.arxiv_id for i in saved.items]


async def test_saved_export_is_an_attachment_pybtex_reads_back(
    bot_fake: FakeDiscord, desk: VoiceDesk
) -> None:
    fake = bot_fake
    for paper in PAPERS[:3]:
        await press(desk, fake, paper)
    record = await fake.slash_command("saved", {"action": "export"})
    assert private(record) == "Your 3 saved papers as BibTeX."
    (attachment,) = record.attachments
    assert attachment.filename.endswith(".bib")
    parsed = pybtex.database.parse_string(attachment.content.decode(), "bibtex")
    eprints = {entry.fields["eprint"] for entry in parsed.entries.values()}
    assert eprints == set(PAPERS[:3])


async def test_saved_clear_empties_and_help_explains(
    bot_fake: FakeDiscord, desk: VoiceDesk
) -> None:
    fake = bot_fake
    empty = await fake.slash_command("saved", {"action": "export"})
    assert private(empty).startswith("You have no saved papers to export")
    await press(desk, fake, PAPERS[1])
    await press(desk, fake, PAPERS[2], "like")
    cleared = await fake.slash_command("saved", {"action": "clear"})
    assert private(cleared) == "Deleted your likes, saves and follows here (2 in all)."
    after = await fake.slash_command("saved")
    assert private(after).startswith("You have no saved papers.") and ids(after) == []
    assert "BibTeX" in private(await fake.slash_command("saved", {"action": "help"}))


# -- /reading-list ---------------------------------------------------------------------------


async def test_reading_list_shows_counts_never_names_and_only_admins_remove(
    bot_fake: FakeDiscord, desk: VoiceDesk
) -> None:
    fake = bot_fake
    await press(desk, fake, PAPERS[1], "like")
    await press(desk, fake, PAPERS[1], "save")
    await press(desk, fake, PINGING, "like")
    listed = await fake.slash_command("reading-list")
    text = private(listed)
    assert "*This channel's reading list* (2)" in text and "👍 1 🔖 1" in text
    assert str(fake.user["id"]) not in text and "tester" not in text.lower()
    assert ids(listed) == [OPEN]
    refused = await fake.slash_command("reading-list", {"remove": PAPERS[1]})
    assert private(refused).startswith("Only a channel admin can remove")
    removed = await fake.slash_command("reading-list", {"remove": PAPERS[1]}, permissions=MANAGER)
    assert private(removed).startswith(f"Removed arXiv {PAPERS[1]} from this channel's")
    assert "(1)" in removed.content
    saved = await desk.saved(member(fake))  # the member's own save stays theirs
    assert [i.arxiv_id for i in saved.items] == [PAPERS[1]]


# -- /follow ---------------------------------------------------------------------------------


async def test_follow_and_unfollow(bot_fake: FakeDiscord) -> None:
    fake = bot_fake
    assert private(await fake.slash_command("follow")).startswith("You follow nothing yet.")
    pinging = await fake.slash_command("follow", {"terms": "RL @everyone"})
    assert private(pinging).startswith("Nothing changed: filter terms cannot contain mentions")
    followed = await fake.slash_command("follow", {"terms": 'RL "강화 학습" authors:"Yann LeCun"'})
    assert private(followed).startswith("Following ")
    assert private(await fake.slash_command("follow")).startswith("You follow ")
    assert "`/follow TERMS`" in private(await fake.slash_command("follow", {"terms": "help"}))
    left = await fake.slash_command("unfollow", {"terms": "RL"})
    assert private(left).startswith("Still following ")
    gone = await fake.slash_command("unfollow", {"terms": "all"})
    assert private(gone) == "You follow nothing now: no more direct messages."


async def test_the_commands_are_synced_with_korean_descriptions(bot_fake: FakeDiscord) -> None:
    commands = {c["name"]: c for c in bot_fake.commands(bot_fake.guild_id)}
    assert {"saved", "reading-list", "follow", "unfollow"} <= set(commands)
    for name in ("saved", "reading-list", "follow", "unfollow"):
        for item in (commands[name], *commands[name]["options"]):
            assert item["description_localizations"]["ko"] == KOREAN[item["description"]]
            assert len(item["description"]) <= 100
    actions = {o["name"]: o for o in commands["saved"]["options"]}["action"]["choices"]
    assert [c["value"] for c in actions] == ["list", "export", "clear", "help"]


async def test_without_a_voice_desk_there_are_no_voice_commands(
    fake: FakeDiscord, store: Store
) -> None:
    async with running_client(make_bot(fake, Lookup(store)), fake):
        names = {c["name"] for c in fake.commands(fake.guild_id)}
    assert not names & {"saved", "reading-list", "follow", "unfollow"}


# -- follow DMs that cannot be delivered -----------------------------------------------------


async def test_a_refused_follow_dm_pauses_its_channel_and_the_member_is_told_once(
    fake: FakeDiscord, store: Store, desk: VoiceDesk, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)  # libraries' DEBUG lines echo payloads (capped in the app)
    caplog.set_level(logging.DEBUG, logger="bot")
    user = str(fake.user["id"])
    fake.refuse_dms(int(user))
    await desk.follow(member(fake), "RL")
    page = ListingPage(first=DAY, last=DAY, page=1, pages=1, total=1, papers=((DAY, PAPERS[1]),))
    row = PlannedRow("discord", dm_channel(user), DAY.isoformat(), "listing-1", 1, "", False,
                     content=page.model_dump_json())  # fmt: skip
    clock = FakeClock()
    await Outbox(store, clock).plan_rows([row])
    async with running_client(bot := make_bot(fake, Lookup(store), voice=desk), fake):
        worker = make_worker(store, {"discord": DiscordPoster(bot)}, Config(), clock)
        async with asyncio.timeout(10):  # a worker that never paused the DM would spin
            report = await worker.run_until_idle()
        first = await fake.slash_command("paper", {"ref": PAPERS[1]})
        notices = await fake.wait_for_followups(first)
        second = await fake.slash_command("saved")
    reason = await store.outbox.pause_reason("discord", dm_channel(user))
    assert reason is not None and "50007" in reason and user not in reason
    assert report.failed == 0
    assert fake.direct_messages(int(user)) == []
    assert first.response_type == MESSAGE and first.ephemeral
    assert [n.content for n in notices] == [
        "⚠️ Your /follow direct messages are paused: I could not send you one. "
        "Allow direct messages from this app, then run `/follow resume`."
    ]
    assert notices[0].flags & 64  # ephemeral
    assert second.followups == []  # told once
    leaked = [r.getMessage() for r in caplog.records if user in r.getMessage()]
    assert leaked == []


async def test_the_member_of_a_paused_dm_gets_the_notice_once_after_any_command(
    bot_fake: FakeDiscord, store: Store, desk: VoiceDesk, caplog: pytest.LogCaptureFixture
) -> None:
    """The pause as the worker records it (see the test above), then more commands."""
    caplog.set_level(logging.INFO)  # libraries' DEBUG lines echo payloads (capped in the app)
    caplog.set_level(logging.DEBUG, logger="bot")
    fake, user = bot_fake, str(bot_fake.user["id"])
    await desk.follow(member(fake), "RL")
    await store.outbox.pause("discord", dm_channel(user), "403 (code 50007)", now=0.0)
    first = await fake.slash_command("saved")
    notices = await fake.wait_for_followups(first)
    again = [await fake.slash_command(name) for name in ("paper", "saved", "follow")]
    assert private(first).startswith("You have no saved papers.")
    assert [n.content for n in notices] == [
        "⚠️ Your /follow direct messages are paused: I could not send you one. "
        "Allow direct messages from this app, then run `/follow resume`."
    ]
    assert notices[0].flags & 64 and notices[0].allowed_mentions == {"parse": []}
    assert [r.followups for r in again] == [[], [], []]  # told once
    assert "paused" in again[2].content  # /follow still says so
    assert [r.getMessage() for r in caplog.records if user in r.getMessage()] == []


async def test_listings_to_dm_channels_reach_the_user_or_say_the_channel_is_unavailable(
    fake: FakeDiscord, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)  # discord.http's DEBUG lines echo every request body
    entry = await store.paper(PAPERS[1], DAY)
    assert entry is not None
    listing = DigestListing("daily", DAY, DAY, (listing_item(entry.paper, DAY, 1),), 1, 1, 1)
    reader, refusing = fake.add_user("reader"), fake.add_user("refusing")
    unknown = str(4242 << 22)
    fake.refuse_dms(int(refusing["id"]))
    async with running_client(bot := make_bot(fake, Lookup(store)), fake):
        poster = DiscordPoster(bot)
        to = dm_channel(str(reader["id"]))
        key = PostKey(to, DAY.isoformat(), "listing-1")
        posted = await poster.post_listing(to, listing, key=key)
        found = await poster.find_message(to, key, since=None)
        failures = []
        for user in (str(refusing["id"]), unknown, "not-a-number"):
            channel = dm_channel(user)
            with pytest.raises(ChannelUnavailable) as caught:
                await poster.post_listing(channel, listing, key=PostKey(channel, "d", "listing-1"))
            failures.append(str(caught.value))
    (sent,) = fake.direct_messages(int(reader["id"]))
    assert posted.message_id == found == str(sent.id)
    assert "50007" in failures[0] and "10013" in failures[1]
    for user, failure in zip((refusing["id"], unknown), failures, strict=False):
        assert str(user) not in failure
    ids = [str(u) for u in (reader["id"], refusing["id"], unknown)]
    leaked = [r.getMessage() for r in caplog.records if any(u in r.getMessage() for u in ids)]
    assert leaked == []


class OnceDesk(VoiceDesk):
    """The desk with a notice for the first command only, and a record of who was asked."""

    def __init__(self, store: Store) -> None:
        super().__init__(store, FakeClock())
        self.asked: list[Member] = []

    async def notice(self, member: Member) -> str | None:
        self.asked.append(member)
        return "⚠️ paused" if len(self.asked) == 1 else None


async def test_every_kind_of_command_asks_for_the_notice_and_it_follows_the_answer(
    fake: FakeDiscord, store: Store
) -> None:
    desk = OnceDesk(store)
    async with running_client(make_bot(fake, Lookup(store), voice=desk), fake):
        first = await fake.slash_command("paper", {"ref": PAPERS[1]})
        notices = await fake.wait_for_followups(first)
        others = [
            await fake.slash_command("digest"),
            await fake.slash_command("saved"),
            await fake.slash_command("follow", {"terms": "help"}),
        ]
        card = first.original
        assert card is not None
        clicked = await fake.click(card, f"paperbot:like:{PAPERS[1]}:{DAY}")
    assert first.response_type == MESSAGE and first.embeds  # the answer first, then the notice
    assert [(n.content, bool(n.flags & 64)) for n in notices] == [("⚠️ paused", True)]
    assert [r.followups for r in others] == [[], [], []]
    assert len(desk.asked) == 4  # every command asked; the click did not
    assert all(m == member(fake) for m in desk.asked)
    assert clicked.followups == []
