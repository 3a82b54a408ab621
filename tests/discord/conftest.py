"""Fixtures for the Discord adapter: a real archive, the loopback fake, and the real bot.

The archive is a real :class:`~bot.storage.sqlite.store.Store` on ``tmp_path`` filled by ingesting
the example digest and a digest written here: seven papers (so ``/section`` has two pages), the
first of which quotes ``@everyone``, ``@here`` and a user mention everywhere it can.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import EXAMPLES
from tests.fakes.discord_api import FakeDiscord

from bot.discord.config import DiscordConfig  # isort: skip  (after the fakes import discord.py)
from bot.core.archive.lookup import Lookup
from bot.discord.client import PaperBot
from bot.storage.sqlite.store import Store
from digest_parser import SectionKey, parse_digest_file

EXAMPLE = EXAMPLES / "hf-daily-papers-2026-01-05.md"
MENTIONS = "@everyone @here <@123456789012345678>"
PINGING_PAPER = "2601.09001"
NEWEST = "2026-01-06"
GUILD_READY = 0.1


def _entry(arxiv_id: str, n: int) -> str:
    ping = MENTIONS if n == 1 else ""
    title = f"Paper {n} {ping}".strip()
    sections = "\n\n".join(
        f"## {key.number}. {key.korean}\n\n{key.english} of paper {n}: 본문입니다. {ping}".strip()
        for key in SectionKey.ordered()
    )
    return (
        f"## {arxiv_id}\n🔗 https://huggingface.co/papers/{arxiv_id}\n\n**Summary**:\n"
        f'```markdown\n# 논문 요약: "{title}"\n\n{sections}\n```\n\n---\n'
    )


def write_digest(path: Path) -> Path:
    """The seven-paper digest of 2026-01-06; paper 1 is :data:`PINGING_PAPER`."""
    entries = "\n".join(_entry(f"2601.0900{n}", n) for n in range(1, 8))
    path.write_text(f"# 📰 Hugging Face Daily Papers – {NEWEST}\n\n{entries}", encoding="utf-8")
    return path


async def fill(store: Store, *paths: Path) -> None:
    """Ingest digest files the way the application does."""
    for path in paths:
        digest = parse_digest_file(path)
        await store.ingest(digest, content_hash=hashlib.sha256(path.read_bytes()).hexdigest())


@pytest.fixture
async def lookup(tmp_path: Path) -> AsyncIterator[Lookup]:
    async with Store.open(tmp_path / "archive.db") as store:
        await fill(store, EXAMPLE, write_digest(tmp_path / f"hf-daily-papers-{NEWEST}.md"))
        yield Lookup(store)


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(time_scale=0.01) as server:
        yield server


def config_for(fake: FakeDiscord, **overrides: Any) -> DiscordConfig:
    """``[discord]`` pointing at the fake; commands sync to its guild unless overridden."""
    values: dict[str, Any] = {
        "api_base_url": fake.base_url,
        "gateway_url": fake.gateway_url,
        "dev_guild_id": fake.guild_id,
    }
    return DiscordConfig(**(values | overrides))


def make_bot(fake: FakeDiscord, lookup: Lookup, **options: Any) -> PaperBot:
    """The real bot, configured for the fake."""
    config = config_for(fake, **options.pop("config", {}))
    return PaperBot(lookup=lookup, config=config, guild_ready_timeout=GUILD_READY, **options)
