"""Discord through the composition root: ``post`` via the outbox, and ``serve``."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

from tests.fakes.discord_api import FakeDiscord  # isort: skip  (patches discord.py first)

from bot.app import Target, make_worker, open_poster, serve
from bot.config import Config, Secrets
from bot.core.archive.ingest import ingest_file
from bot.core.cards.card import DigestHeaderCard
from bot.core.delivery.poster import PostKey
from bot.storage.sqlite.store import Store
from tests.conftest import EXAMPLES
from tests.fakes.clock import FakeClock

from .conftest import config_for

EXAMPLE = EXAMPLES / "hf-daily-papers-2026-01-05.md"
DAY = dt.date(2026, 1, 5)


async def test_post_goes_through_the_outbox_once_with_nonces(
    tmp_path: Path, fake: FakeDiscord
) -> None:
    channel = str(fake.channel_id)
    config, secrets = Config(discord=config_for(fake)), Secrets(discord_token=fake.token)
    async with Store.open(tmp_path / "a.db") as store:
        done = await ingest_file(store, EXAMPLE)
        assert done.digest is not None
        papers = [p.arxiv_id for p in done.digest.papers]
        clock = FakeClock()
        async with open_poster(Target("discord", channel), config, secrets) as poster:
            worker = make_worker(store, {"discord": poster}, config, clock)
            await worker.outbox.plan("discord", channel, DAY, papers)
            # A crash after Discord stored the header, before the outbox heard of it:
            row = await worker.outbox.head("discord", channel)
            assert row is not None and await worker.outbox.claim(row)
            header = DigestHeaderCard(DAY, len(papers))
            await poster.post_header(channel, header, key=PostKey(channel, "2026-01-05", "header"))
            report = await make_worker(store, {"discord": poster}, config, clock).run_until_idle()
    messages = fake.messages(fake.channel_id)
    assert report.reconciled == 1 and report.sent == len(papers)
    assert len(messages) == len(papers) + 1  # the header once, each card once
    for message in messages:
        assert message.nonce and message.enforce_nonce
        assert message.allowed_mentions == {"parse": []}


async def test_serve_answers_discord_commands_and_stops(tmp_path: Path, fake: FakeDiscord) -> None:
    async with Store.open(tmp_path / "a.db") as store:
        await ingest_file(store, EXAMPLE)
    config = Config(discord=config_for(fake))
    stop = asyncio.Event()
    service = asyncio.create_task(
        serve(config, Secrets(discord_token=fake.token), str(tmp_path / "a.db"), stop=stop)
    )
    await fake.gateway.wait_ready(1)
    await fake.wait_until(lambda: bool(fake.commands(fake.guild_id)), "commands synced")
    record = await fake.slash_command("paper", options={"ref": "2601.01234"})
    assert record.ephemeral and "작은 언어 모델을 위한 자기 검증 추론" in str(record.embeds)
    stop.set()
    await asyncio.wait_for(service, 15)
    assert not fake.gateway.live_sessions()


async def test_serve_lends_the_voice_desk_to_discord(tmp_path: Path, fake: FakeDiscord) -> None:
    """``serve`` makes the desk; Discord offers its commands and counts the buttons' presses."""
    async with Store.open(tmp_path / "a.db") as store:
        await ingest_file(store, EXAMPLE)
    config = Config(discord=config_for(fake))
    stop = asyncio.Event()
    service = asyncio.create_task(
        serve(config, Secrets(discord_token=fake.token), str(tmp_path / "a.db"), stop=stop)
    )
    await fake.gateway.wait_ready(1)
    await fake.wait_until(lambda: bool(fake.commands(fake.guild_id)), "commands synced")
    names = {c["name"] for c in fake.commands(fake.guild_id)}
    card = await fake.slash_command("paper", options={"ref": "2601.01234"})
    assert card.original is not None
    pressed = await fake.click(card.original, "paperbot:like:2601.01234:2026-01-05")
    stop.set()
    await asyncio.wait_for(service, 15)
    assert {"saved", "reading-list", "follow", "unfollow"} <= names
    assert pressed.ephemeral and pressed.content == "👍 Liked; press again to undo."
