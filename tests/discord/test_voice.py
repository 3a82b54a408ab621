"""👍/🔖 on posted cards through the real bot, the real store and the loopback Discord.

Real parts throughout: the archive and reactions in a SQLite :class:`Store`, the
:class:`VoiceDesk` and :class:`CountEditor`, the Discord poster, discord.py over the fake's
gateway and REST (rate limits on). The editor is driven by hand on a :class:`FakeClock`
(``edit_due`` after moving time past the window), so how many edits a burst makes does not
depend on timing luck.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.core.digest_files import ingest_digest
from tests.discord.conftest import make_bot
from tests.fakes import discord_payloads as build
from tests.fakes.clock import FakeClock
from tests.fakes.discord_api import FakeDiscord, InteractionRecord, StoredMessage, running_client

from bot.core.archive.lookup import Lookup  # isort: skip  (after the fakes import discord.py)
from bot.core.cards.card import Card, DigestHeaderCard, card_from_paper
from bot.core.cards.counts import Counts
from bot.core.delivery.poster import Poster, PostKey
from bot.core.voice.desk import VoiceDesk
from bot.core.voice.editor import CountEditor
from bot.discord.client import PaperBot
from bot.discord.poster import DiscordPoster
from bot.storage.sqlite.store import Store

DAY = dt.date(2026, 1, 5)
PAPER = "2601.01234"  # the example digest's first paper
LIKE = f"paperbot:like:{PAPER}:{DAY}"
SAVE = f"paperbot:save:{PAPER}:{DAY}"
MESSAGE, DEFERRED = 4, 5


@dataclass
class Voice:
    """The voice desk and its editor, wired as ``serve`` wires them."""

    store: Store
    clock: FakeClock
    desk: VoiceDesk
    editor: CountEditor
    posters: dict[str, Poster]

    def bot(self, fake: FakeDiscord, **options: Any) -> PaperBot:
        """A bot lending the desk; its REST client is the editor's Discord poster."""
        bot = make_bot(fake, Lookup(self.store), voice=self.desk, **options)
        self.posters["discord"] = DiscordPoster(bot)
        return bot


def voice_of(store: Store, clock: FakeClock | None = None) -> Voice:
    clock = clock or FakeClock()
    posters: dict[str, Poster] = {}
    editor = CountEditor(store, posters, clock)
    return Voice(store, clock, VoiceDesk(store, clock, editor=editor), editor, posters)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with Store.open(tmp_path / "voice.db") as opened:
        await ingest_digest(opened, tmp_path, DAY)
        yield opened


async def card_of(store: Store, paper: str = PAPER) -> Card:
    entry = await store.paper(paper, DAY)
    assert entry is not None
    return card_from_paper(
        entry.paper, date=entry.date, position=entry.position, total=entry.total, meta=entry.meta
    )


async def post(
    poster: DiscordPoster, channel: str, store: Store, *, thread: str | None = None
) -> str:
    """Post the paper's card as the worker would; its message id."""
    key = PostKey(channel, DAY.isoformat(), PAPER)
    posted = await poster.post_card(channel, await card_of(store), key=key, thread=thread)
    return posted.message_id


async def text_of(fake: FakeDiscord, record: InteractionRecord) -> str:
    """The private answer's text, whether it came at once or after a defer."""
    assert record.ephemeral, record.response
    if record.response_type == DEFERRED:
        return (await fake.wait_for_followups(record))[0].content
    assert record.response_type == MESSAGE
    return record.content


def labels(message: StoredMessage) -> dict[str, str]:
    return {
        c["custom_id"]: c.get("label", "")
        for row in message.components
        for c in row["components"]
        if "custom_id" in c
    }


def stored(fake: FakeDiscord, channel: int, message_id: str) -> StoredMessage:
    found = fake.state.find_message(channel, int(message_id))
    assert found is not None
    return found


# -- counting --------------------------------------------------------------------------------


async def test_fifty_people_pressing_at_once_count_fifty_in_at_most_two_edits(
    fake: FakeDiscord, store: Store
) -> None:
    voice = voice_of(store)
    channel = fake.channel_id
    readers = [build.user_payload(username=f"reader{n}") for n in range(50)]
    async with running_client(bot := voice.bot(fake), fake):
        message_id = await post(DiscordPoster(bot), str(channel), store)
        card = stored(fake, channel, message_id)
        assert labels(card)[LIKE] == "👍" and labels(card)[SAVE] == "🔖 Save"
        loop = asyncio.get_running_loop()
        started = loop.time()
        records = await asyncio.gather(*(fake.click(card, LIKE, user=u) for u in readers))
        answered_in = loop.time() - started
        texts = [await text_of(fake, r) for r in records]
        made = await voice.editor.edit_due()
        voice.clock.advance(voice.editor.window + 0.1)
        made += await voice.editor.edit_due()
    assert answered_in < 3.0, "every presser is answered within Discord's deadline"
    assert texts == ["👍 Liked; press again to undo."] * 50
    assert await store.reactions.counts("discord", str(channel), [PAPER]) == {PAPER: Counts(50)}
    assert labels(stored(fake, channel, message_id))[LIKE] == "👍 50"
    edits = fake.requests_matching(f"PATCH /channels/{channel}/messages/{message_id}")
    assert 1 <= len(edits) == made <= 2
    assert fake.rate_limited == 0


async def test_a_second_press_undoes_and_save_counts_apart(fake: FakeDiscord, store: Store) -> None:
    voice = voice_of(store)
    channel = fake.channel_id
    async with running_client(bot := voice.bot(fake), fake):
        message_id = await post(DiscordPoster(bot), str(channel), store)
        card = stored(fake, channel, message_id)
        said = [await text_of(fake, await fake.click(card, b)) for b in (LIKE, SAVE, LIKE)]
        await voice.editor.edit_due()
        voice.clock.advance(voice.editor.window + 0.1)
        await voice.editor.edit_due()
    assert said == [
        "👍 Liked; press again to undo.",
        "🔖 Saved. `/saved` lists your saved papers; press again to remove it.",
        "👍 removed.",
    ]
    assert await store.reactions.counts("discord", str(channel), [PAPER]) == {PAPER: Counts(0, 1)}
    shown = labels(stored(fake, channel, message_id))
    assert (shown[LIKE], shown[SAVE]) == ("👍", "🔖 Save · 1")


async def test_a_damaged_button_id_gets_a_polite_private_note(
    fake: FakeDiscord, store: Store
) -> None:
    voice = voice_of(store)
    async with running_client(bot := voice.bot(fake), fake):
        message_id = await post(DiscordPoster(bot), str(fake.channel_id), store)
        card = stored(fake, fake.channel_id, message_id).payload
        damaged = [
            "paperbot:like:",
            f"paperbot:like:{PAPER}:2026-13-45",
            "paperbot:save:<@123456789012345678>:2026-01-05",
            f"paperbot:like:{PAPER}:{DAY}:extra",
        ]
        # Discord only sends ids its message shows: an older or tampered card shows these
        buttons = [{"type": 2, "style": 2, "label": "👍", "custom_id": c} for c in damaged]
        card = card | {"components": [{"type": 1, "components": buttons[:4]}]}
        records = [await fake.click(card, custom_id) for custom_id in damaged]
    for record in records:
        assert record.response_type == MESSAGE and record.ephemeral
        assert "no longer works" in record.content
    assert await store.reactions.counts("discord", str(fake.channel_id), [PAPER]) == {}


async def test_a_private_card_counts_for_its_channel_and_edits_nothing(
    fake: FakeDiscord, store: Store
) -> None:
    voice = voice_of(store)
    async with running_client(voice.bot(fake), fake):
        opened = await fake.slash_command("paper", {"ref": PAPER, "date": DAY.isoformat()})
        assert opened.original is not None and LIKE in labels(opened.original)
        said = await text_of(fake, await fake.click(opened.original, SAVE))
        made = await voice.editor.edit_due()
    assert said.startswith("🔖 Saved.")
    assert made == 0 and fake.requests_matching("PATCH /channels/*") == []
    counts = await store.reactions.counts("discord", str(fake.channel_id), [PAPER])
    assert counts == {PAPER: Counts(0, 1)}


# -- restarts --------------------------------------------------------------------------------


async def test_buttons_work_after_a_restart_and_an_owed_edit_is_made_after_one(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    path, channel = tmp_path / "restart.db", fake.channel_id
    first, second = build.user_payload(username="first"), build.user_payload(username="second")
    async with Store.open(path) as store:
        await ingest_digest(store, tmp_path, DAY)
        voice = voice_of(store)
        async with running_client(bot := voice.bot(fake), fake):
            message_id = await post(DiscordPoster(bot), str(channel), store)
            card = stored(fake, channel, message_id)
            await text_of(fake, await fake.click(card, LIKE, user=first))
        # a new process: new client, same database; the click on the old card is routed
        voice = voice_of(store)
        async with running_client(voice.bot(fake), fake):
            said = await text_of(fake, await fake.click(card, LIKE, user=second))
        assert said == "👍 Liked; press again to undo."
        assert labels(stored(fake, channel, message_id))[LIKE] == "👍"  # no edit was made yet
    async with Store.open(path) as store:  # and again: the editor of the next process edits
        voice = voice_of(store)
        async with running_client(voice.bot(fake), fake):
            assert await voice.editor.edit_due() == 1
    assert labels(stored(fake, channel, message_id))[LIKE] == "👍 2"
    assert len(fake.requests_matching(f"PATCH /channels/{channel}/messages/{message_id}")) == 1


# -- threads ---------------------------------------------------------------------------------


async def test_a_card_in_a_thread_counts_for_the_parent_and_its_edit_goes_to_the_thread(
    fake: FakeDiscord, store: Store
) -> None:
    voice = voice_of(store)
    channel = str(fake.channel_id)
    async with running_client(bot := voice.bot(fake), fake):
        poster = DiscordPoster(bot, threads=True)
        key = PostKey(channel, DAY.isoformat(), "header")
        header = await poster.post_header(channel, DigestHeaderCard(DAY, 3), key=key)
        thread = header.thread_id
        assert thread is not None and thread != channel
        message_id = await post(poster, channel, store, thread=thread)
        card = stored(fake, int(thread), message_id)
        await text_of(fake, await fake.click(card, LIKE))
        assert await voice.editor.edit_due() == 1
    assert await store.reactions.counts("discord", channel, [PAPER]) == {PAPER: Counts(1)}
    assert await store.reactions.counts("discord", thread, [PAPER]) == {}
    assert len(fake.requests_matching(f"PATCH /channels/{thread}/messages/{message_id}")) == 1
    assert labels(stored(fake, int(thread), message_id))[LIKE] == "👍 1"
