"""Replies kept while the archive is unchanged, never after; and a busy bot defers first.

The archive behind the bot is the real one of ``conftest.py``; changing it is a real ingest,
so what is asserted is what a user would see after ``paperbot ingest`` re-archived a digest.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from tests.discord.conftest import NEWEST, fill, make_bot, write_digest
from tests.fakes.discord_api import FakeDiscord, InteractionRecord, running_client

from bot.core.answers.query import Query  # isort: skip  (after the fakes import discord.py)
from bot.core.archive.lookup import Lookup  # isort: skip
from bot.discord.responder import DEFER_WHEN_MAKING

PAPER = "2601.09002"  # "Paper 2" of the newest digest
DEFERRED, MESSAGE = 5, 4


def revise(tmp_path: Path) -> Path:
    """The newest digest again, with paper 2's title changed: the same date, new content."""
    path = write_digest(tmp_path / f"hf-daily-papers-{NEWEST}.md")
    text = path.read_text(encoding="utf-8")
    assert '"Paper 2"' in text
    path.write_text(text.replace('"Paper 2"', '"Paper 2, revised"'), encoding="utf-8")
    return path


def titles(record: InteractionRecord) -> list[str]:
    return [str(e.get("title", "")) for e in record.embeds]


def choice_names(record: InteractionRecord) -> list[str]:
    return [str(c["name"]) for c in record.choices]


async def test_a_re_ingested_digest_is_answered_anew_not_from_kept_replies(
    fake: FakeDiscord, lookup: Lookup, tmp_path: Path
) -> None:
    bot = make_bot(fake, lookup)
    async with running_client(bot, fake):
        first = await fake.slash_command("paper", {"ref": PAPER})
        listing = await fake.slash_command("digest", {})
        typed = await fake.autocomplete("paper", {"ref": PAPER}, focused="ref")
        again = await fake.slash_command("paper", {"ref": PAPER})
        assert bot.components.replies.peek(Query("paper", PAPER)) is not None
        await fill(lookup.store, revise(tmp_path))
        revised = await fake.slash_command("paper", {"ref": PAPER})
        relisted = await fake.slash_command("digest", {})
        retyped = await fake.autocomplete("paper", {"ref": PAPER}, focused="ref")
    assert titles(first) == titles(again) == ["Paper 2"]
    assert titles(revised) == ["Paper 2, revised"]
    description = str(listing.embeds[0]["description"])
    assert "Paper 2" in description and "revised" not in description
    assert "Paper 2, revised" in str(relisted.embeds[0]["description"])
    assert choice_names(typed) == [f"{PAPER} · Paper 2"]
    assert choice_names(retyped) == [f"{PAPER} · Paper 2, revised"]


async def test_a_busy_bot_acknowledges_first_and_answers_by_followup(
    fake: FakeDiscord, lookup: Lookup
) -> None:
    bot = make_bot(fake, lookup)
    async with running_client(bot, fake):
        quiet = await fake.slash_command("paper", {"ref": "2601.09003"})
        with contextlib.ExitStack() as others:
            for _ in range(DEFER_WHEN_MAKING):  # replies the bot is making for others
                others.enter_context(bot.components.turns.making())
            busy = await fake.slash_command("paper", {"ref": "2601.09004"})
            kept = await fake.slash_command("paper", {"ref": "2601.09003"})
            followups = await fake.wait_for_followups(busy)
    assert quiet.response_type == MESSAGE and titles(quiet) == ["Paper 3"]
    assert busy.response_type == DEFERRED and busy.ephemeral
    answer: dict[str, Any] = followups[0].embeds[0]
    assert answer["title"] == "Paper 4" and followups[0].flags & 64
    assert kept.response_type == MESSAGE and titles(kept) == ["Paper 3"]  # no work: at once
