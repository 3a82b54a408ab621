"""👍 and 🔖 on Slack cards, end to end: Bolt, the voice desk, the count editor, chat.update.

Fifty people pressing at once make one or two edits, never a 429, and the card ends up showing
exactly fifty; an edit owed when the process stopped is made after the restart; a second press
undoes; hostile values get a polite private answer.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from bot.core.cards.counts import NO_COUNTS
from bot.core.voice.editor import EDIT_WINDOW
from bot.slack.render import ACTION_LIKE, ACTION_SAVE, encode_value
from tests.fakes.clock import FakeClock
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_ratelimit import SlackRateLimit
from tests.slack.voice_world import CHANNEL, PAPER, button, texts, world

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


async def test_fifty_presses_at_once_make_at_most_two_edits_and_no_429(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.DEBUG, logger="bot")
    limits = SlackRateLimit(methods=frozenset({"chat.postMessage", "chat.update"}))
    async with (
        FakeSlackAPI(channels={CHANNEL}, rate_limit=limits, time_scale=0.05) as slack,
        world(slack, tmp_path / "v.db") as w,
    ):
        ts = (await w.post_day(PAPER))[PAPER]
        like = button(w.message(ts), ACTION_LIKE)
        assert like["text"]["text"] == "👍"
        await w.command("/saved", "help")  # Bolt's auth.test, once, before the burst
        users = [f"U0P{n:03d}" for n in range(50)]

        answers = await asyncio.gather(
            *(w.click(ACTION_LIKE, like["value"], user=u, message_ts=ts) for u in users)
        )

        assert all(texts(a) == "👍 Liked; press again to undo." for a in answers)
        counts = await w.store.reactions.counts("slack", CHANNEL, [PAPER])
        assert counts[PAPER].likes == 50
        await w.editor.edit_due()
        w.clock.advance(EDIT_WINDOW + 0.1)
        await w.editor.edit_due()
        assert await w.editor.edit_due() == 0
        assert button(w.message(ts), ACTION_LIKE)["text"]["text"] == "👍 50"
        assert 1 <= len(slack.calls("chat.update")) <= 2
        assert slack.stats.ratelimited == 0
    for user in users:
        assert user not in caplog.text


async def test_an_edit_owed_at_a_restart_is_made_after_it(tmp_path: Path) -> None:
    clock = FakeClock()
    async with FakeSlackAPI(channels={CHANNEL}) as slack:
        async with world(slack, tmp_path / "v.db", clock=clock) as w:
            ts = (await w.post_day(PAPER))[PAPER]
            save = button(w.message(ts), ACTION_SAVE)
            await w.click(ACTION_SAVE, save["value"], user="U0ONE", message_ts=ts)
            await w.click(ACTION_LIKE, save["value"], user="U0TWO", message_ts=ts)
        assert slack.calls("chat.update") == []  # the editor never ran

        async with world(slack, tmp_path / "v.db", clock=clock, ingest=False) as again:
            assert await again.editor.edit_due() == 1
            card = again.message(ts)
        assert button(card, ACTION_SAVE)["text"]["text"] == "🔖 Save · 1"
        assert button(card, ACTION_LIKE)["text"]["text"] == "👍 1"
        assert len(card["blocks"]) == len(w.message(ts)["blocks"])  # the same card


async def test_a_second_press_undoes_and_says_so(tmp_path: Path) -> None:
    async with FakeSlackAPI(channels={CHANNEL}) as slack, world(slack, tmp_path / "v.db") as w:
        ts = (await w.post_day(PAPER))[PAPER]
        save = button(w.message(ts), ACTION_SAVE)["value"]
        (first,) = await w.click(ACTION_SAVE, save, message_ts=ts)
        (second,) = await w.click(ACTION_SAVE, save, message_ts=ts)
        assert first["text"].startswith("🔖 Saved.") and first["replace_original"] is False
        assert second["text"] == "Removed from your saved papers."
        assert second["response_type"] == "ephemeral"
        counts = await w.store.reactions.counts("slack", CHANNEL, [PAPER])
        assert counts.get(PAPER, NO_COUNTS).saves == 0


async def test_an_ephemeral_card_has_the_buttons_and_edits_nothing(tmp_path: Path) -> None:
    async with FakeSlackAPI(channels={CHANNEL}) as slack, world(slack, tmp_path / "v.db") as w:
        (card,) = await w.command("/paper", PAPER)
        like = button(card, ACTION_LIKE)
        (answer,) = await w.click(ACTION_LIKE, like["value"])  # no message_ts: ephemeral
        assert answer["text"].startswith("👍 Liked")
        assert await w.editor.edit_due() == 0 and slack.calls("chat.update") == []
        counts = await w.store.reactions.counts("slack", CHANNEL, [PAPER])
        assert counts[PAPER].likes == 1


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("not json {", "could not read that button"),
        ('["a", "list"]', "could not read that button"),
        (encode_value(paper="<!channel>", date="2026-01-05"), "could not read that button"),
        (encode_value(paper=PAPER, date="yesterday"), "could not read that button"),
        (encode_value(paper="2999.99999", date="2026-01-05"), "not in my archive"),
    ],
)
async def test_hostile_values_get_a_polite_private_answer(
    tmp_path: Path, value: str, said: str
) -> None:
    async with FakeSlackAPI(channels={CHANNEL}) as slack, world(slack, tmp_path / "v.db") as w:
        (answer,) = await w.click(ACTION_LIKE, value, message_ts="1767225600.000100")
        assert said in answer["text"] and answer["response_type"] == "ephemeral"
        assert "<!channel>" not in answer["text"]
        assert await w.store.reactions.counts("slack", CHANNEL, [PAPER, "2999.99999"]) == {}
