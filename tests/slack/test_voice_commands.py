"""/saved, /reading-list, /follow and the notice, through the real Bolt app on the fake.

The saved list is a member's own (pages, Open…, Remove…, a BibTeX file in their DM that
pybtex reads back, clear); the reading list shows counts, never names, and only admins take
papers off it; a member whose follow DMs Slack refuses has that DM paused by the real worker
and hears about it once, on their next command. No user id reaches the logs.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from pybtex.database import parse_string

from bot.core.archive.ingest import ingest_file
from bot.core.archive.lookup import DigestSummary, Lookup
from bot.core.cards.listing import ListingPage
from bot.core.delivery.repositories import PlannedRow
from bot.core.delivery.worker import Worker
from bot.core.voice.members import ChannelRef, dm_channel
from bot.core.voice.records import Press
from bot.slack.components import ACTION_OPEN
from bot.slack.render import ACTION_LIKE, ACTION_SAVE
from bot.slack.voice_pages import (
    ACTION_READING_REMOVE,
    ACTION_SAVED_PAGE,
    ACTION_SAVED_REMOVE,
)
from tests.conftest import require_real_digest
from tests.fakes.slack_api import FakeSlackAPI
from tests.slack.voice_world import CHANNEL, DAY, PAPER, TEAM, World, button, texts, world

READER, ADMIN, CLOSED = "U0READER", "U0ADMIN", "U0CLOSED"
REAL = "hf-daily-papers-2025-05-27.md"


async def save_real_papers(w: World, count: int) -> list[str]:
    """Save ``count`` papers of a real digest as :data:`READER`, newest last."""
    done = await ingest_file(w.store, require_real_digest(REAL))
    assert done.digest is not None and done.digest.date is not None
    day = done.digest.date
    summary = await Lookup(w.store).digest(day)
    assert isinstance(summary, DigestSummary)
    papers = [p.arxiv_id for p in summary.papers[:count]]
    for paper in papers:
        w.clock.advance(1)
        where = ChannelRef("slack", TEAM, CHANNEL)
        await w.desk.press(Press(where, READER, paper, "save", digest_date=day))
    return papers


async def test_saved_pages_open_remove_export_and_clear(tmp_path: Path) -> None:
    async with FakeSlackAPI(channels={CHANNEL}) as slack, world(slack, tmp_path / "v.db") as w:
        papers = await save_real_papers(w, 12)

        (first,) = await w.command("/saved")
        assert "*Your saved papers* (12) · page 1/2" in texts([first])
        opener = button(first, ACTION_OPEN)
        assert (
            len(opener["options"]) == 10
            and len(button(first, ACTION_SAVED_REMOVE)["options"]) == 10
        )
        (second,) = await w.click(
            f"{ACTION_SAVED_PAGE}_next", button(first, f"{ACTION_SAVED_PAGE}_next")["value"]
        )
        assert "page 2/2" in texts([second]) and second["replace_original"] is True
        assert len(button(second, ACTION_OPEN)["options"]) == 2
        assert f"{ACTION_SAVED_PAGE}_prev" in json.dumps(second["blocks"])

        (card,) = await w.click(ACTION_OPEN, "", option=opener["options"][0])
        assert card["blocks"][0]["type"] == "header"
        assert button(card, ACTION_SAVE)["text"]["text"].startswith("🔖 Save")
        assert papers[-1] in json.dumps(card["blocks"])

        remove = button(first, ACTION_SAVED_REMOVE)
        (removed,) = await w.click(ACTION_SAVED_REMOVE, "", option=remove["options"][0])
        assert f"Removed arXiv {papers[-1]} from your saved papers." in texts([removed])
        assert "*Your saved papers* (11)" in texts([removed])

        (sent,) = await w.command("/saved", "export")
        assert "papers) to your direct messages" in sent["text"] and "11 papers" in sent["text"]
        (upload,) = slack.uploads(READER)
        assert upload.name.endswith(".bib") and upload.channel == slack.dm_channel_id(READER)
        bib = parse_string(upload.content.decode(), "bibtex")
        eprints = sorted(entry.fields["eprint"] for entry in bib.entries.values())
        assert eprints == sorted(papers[:-1])

        (cleared,) = await w.command("/saved", "clear")
        assert cleared["text"] == "Deleted your likes, saves and follows here (11 in all)."
        (empty,) = await w.command("/saved")
        assert "You have no saved papers" in texts([empty])
        (help_,) = await w.command("/saved", "help")
        assert "`/saved export`" in help_["text"]


async def test_export_to_a_closed_dm_says_how_to_open_it(tmp_path: Path) -> None:
    async with FakeSlackAPI(channels={CHANNEL}) as slack, world(slack, tmp_path / "v.db") as w:
        await save_real_papers(w, 2)
        slack.refuse_dms(READER, "cannot_dm_bot")
        (answer,) = await w.command("/saved", "export")
        assert "could not send you a direct message" in answer["text"]
        assert "cannot_dm_bot" in answer["text"] and slack.uploads(READER) == []
        (nothing,) = await w.command("/saved", "export", user="U0NOBODY")
        assert nothing["text"].startswith("You have no saved papers to export.")


async def test_the_reading_list_shows_counts_and_only_admins_remove(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="bot")
    async with FakeSlackAPI(channels={CHANNEL}) as slack, world(slack, tmp_path / "v.db") as w:
        slack.workspace.add_user(ADMIN, admin=True)
        slack.workspace.add_user(READER)
        ts = (await w.post_day(PAPER, "2601.02345"))[PAPER]
        value = button(w.message(ts), ACTION_LIKE)["value"]
        for user in ("U0ONE", "U0TWO"):
            await w.click(ACTION_LIKE, value, user=user, message_ts=ts)
        await w.click(ACTION_SAVE, value, user="U0ONE", message_ts=ts)

        (shown,) = await w.command("/reading-list", user=READER)
        said = json.dumps(shown, ensure_ascii=False)
        assert "*This channel's reading list* (1)" in texts([shown]) and "👍 2 🔖 1" in said
        assert not any(u in said for u in ("U0ONE", "U0TWO", READER))
        assert ACTION_READING_REMOVE not in said  # not offered to members

        (refused,) = await w.command("/reading-list", f"remove {PAPER}", user=READER)
        assert refused["text"].startswith("Only a channel admin can remove")
        (admin_view,) = await w.command("/reading-list", user=ADMIN)
        remove = button(admin_view, ACTION_READING_REMOVE)
        (forged,) = await w.click(ACTION_READING_REMOVE, "", option=remove["options"][0])
        assert forged["text"].startswith("Only a channel admin")  # the menu is checked again
        (done,) = await w.command("/reading-list", f"remove {PAPER}", user=ADMIN)
        assert done["text"] == f"Removed arXiv {PAPER} from this channel's reading list."
        (after,) = await w.command("/reading-list", user=READER)
        assert "reading list is empty" in texts([after])
    assert not any(u in caplog.text for u in ("U0ONE", "U0TWO", READER, ADMIN))


async def test_a_refused_follow_dm_pauses_that_dm_and_logs_no_user_id(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="bot")
    async with FakeSlackAPI(channels={CHANNEL}) as slack, world(slack, tmp_path / "v.db") as w:
        (followed,) = await w.command("/follow", "RL", user=CLOSED)
        assert followed["text"].startswith('Following "RL".')
        slack.refuse_dms(CLOSED, "cannot_dm_bot")
        page = ListingPage(first=DAY, last=DAY, page=1, pages=1, total=1, papers=((DAY, PAPER),))
        row = PlannedRow("slack", dm_channel(CLOSED), DAY.isoformat(), "listing-1", 1, "", False,
                         page.model_dump_json())  # fmt: skip
        worker = Worker(w.store, {"slack": w.poster}, w.clock)
        assert await worker.outbox.plan_rows([row]) == 1
        report = await worker.run_until_idle()

        reason = await w.store.outbox.pause_reason("slack", dm_channel(CLOSED))
        assert reason is not None and "cannot_dm_bot" in reason and CLOSED not in reason
        assert len(report.paused) == 1 and slack.direct_messages(CLOSED) == []
        listed = await w.command("/follow", user=CLOSED)  # the notice first, once TOLD_SQL works
        assert "paused" in texts(listed)

        slack.allow_dms(CLOSED)
        await w.store.outbox.requeue("slack", dm_channel(CLOSED))
        await worker.run_until_idle()
        (dm,) = slack.direct_messages(CLOSED)
        assert dm.channel == slack.dm_channel_id(CLOSED)
        (gone,) = await w.command("/unfollow", "all", user=CLOSED)
        assert gone["text"] == "You follow nothing now: no more direct messages."
    ours = [r.getMessage() for r in caplog.records if r.name.startswith("bot")]
    assert ours and not any(CLOSED in line for line in ours)


async def test_the_member_hears_of_the_pause_once_on_their_next_command(tmp_path: Path) -> None:
    async with FakeSlackAPI(channels={CHANNEL}) as slack, world(slack, tmp_path / "v.db") as w:
        await w.command("/follow", "RL", user=CLOSED)
        await w.store.outbox.pause("slack", dm_channel(CLOSED), "cannot_dm_bot", now=w.clock.now())

        told = await w.command("/paper", PAPER, user=CLOSED, until_blocks=True)
        assert len(told) == 2 and "/follow resume" in told[0]["text"]
        again = await w.command("/paper", PAPER, user=CLOSED, until_blocks=True)
        assert len(again) == 1 and "header" in json.dumps(again[0]["blocks"])
        (saved,) = await w.command("/saved", "help", user=CLOSED)  # not told a third time
        assert saved["text"].startswith("`/saved`")


async def test_the_commands_answer_only_with_a_voice_desk(tmp_path: Path) -> None:
    async with FakeSlackAPI(channels={CHANNEL}) as slack, world(slack, tmp_path / "v.db") as w:
        (help_,) = await w.command("/follow", "help")
        assert "`/follow TERMS`" in help_["text"]
        (nothing,) = await w.command("/unfollow", "RL")
        assert nothing["text"].startswith("You follow nothing.")
        (usage,) = await w.command("/reading-list", "frobnicate")
        assert "`/reading-list remove ARXIV_ID`" in usage["text"]
