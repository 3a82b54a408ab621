"""When Discord refuses an answer, the refusal is logged with Discord's reason and the user told.

The fake Discord refuses one request on purpose (``Fault.refuse``: a 400 with Discord's JSON
error, as for an invalid form body), at each place an answer can be refused: the interaction
response, a followup, an in-place edit and the channel post of "Post to channel". The bot must
log Discord's reason as a warning, without a traceback, and answer with a short apology.
"""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Iterator

import pytest

from tests.discord.conftest import NEWEST, make_bot
from tests.fakes.discord_api import MESSAGE_CREATE, FakeDiscord, Fault, running_client
from tests.logs import Logged, logged_by

from bot.core.archive.lookup import Lookup  # isort: skip  (after the fakes import discord.py)

CARD = "2601.01234"
CALLBACK = "POST /interactions/*/*/callback"
FOLLOWUP = "POST /webhooks/*/*"
REASON = "400 Bad Request (error code: 50035): Invalid Form Body"
APOLOGY = "Sorry, Discord would not accept my answer (error 50035)."
MESSAGE, DEFERRED = 4, 5


@pytest.fixture
def logged() -> Iterator[Logged]:
    with logged_by("bot.discord") as handler:
        yield handler


def refused(logged: Logged, what: str) -> None:
    assert any(
        m.startswith(f"Discord refused the answer to {what} (interaction ") and m.endswith(REASON)
        for m in logged.messages
    ), logged.messages
    assert not logged.tracebacks, "a refusal is no traceback"


async def test_a_refused_response_to_a_command_is_logged_and_apologised_for(
    fake: FakeDiscord, lookup: Lookup, logged: Logged
) -> None:
    fake.inject(Fault.refuse(match=CALLBACK))
    async with running_client(make_bot(fake, lookup), fake):
        record = await fake.slash_command("paper", {"ref": CARD})
    assert record.response_type == MESSAGE and record.ephemeral
    assert record.data["content"].startswith(APOLOGY) and not record.data.get("embeds")
    assert [r.status for r in fake.requests_matching(CALLBACK)] == [400, 200]
    refused(logged, "/paper")


async def test_a_refused_followup_after_a_defer_is_logged_and_apologised_for(
    fake: FakeDiscord, lookup: Lookup, logged: Logged
) -> None:
    fake.inject(Fault.refuse(match=FOLLOWUP))
    async with running_client(make_bot(fake, lookup), fake):
        record = await fake.slash_command("paper-search", {"query": "부분은"})
        (shown,) = await fake.wait_for_followups(record)
    assert record.response_type == DEFERRED
    assert shown.content.startswith(APOLOGY) and not shown.embeds
    refused(logged, "/paper-search")


async def test_a_refused_answer_to_the_section_menu_is_apologised_for(
    fake: FakeDiscord, lookup: Lookup, logged: Logged
) -> None:
    async with running_client(make_bot(fake, lookup), fake):
        card = await fake.slash_command("paper", {"ref": CARD})
        assert card.original is not None
        fake.inject(Fault.refuse(match=CALLBACK))
        chosen = await fake.click(
            card.original,
            f"paperbot:section:{CARD}:2026-01-05",
            component_type=3,
            values=["results"],
        )
    assert chosen.data["content"].startswith(APOLOGY)
    refused(logged, f"component paperbot:section:{CARD}:2026-01-05")


async def test_a_refused_page_turn_is_apologised_for_in_a_new_message(
    fake: FakeDiscord, lookup: Lookup, logged: Logged
) -> None:
    async with running_client(make_bot(fake, lookup), fake):
        page = await fake.slash_command("section", {"name": "results"})
        assert page.original is not None
        fake.inject(Fault.refuse(match=CALLBACK))
        turned = await fake.click(page.original, f"paperbot:page:results:{NEWEST}:2")
    assert turned.response_type == MESSAGE and turned.ephemeral
    assert turned.data["content"].startswith(APOLOGY)
    refused(logged, f"component paperbot:page:results:{NEWEST}:2")


async def test_a_refused_channel_post_when_sharing_is_apologised_for(
    fake: FakeDiscord, lookup: Lookup, logged: Logged
) -> None:
    share = f"paperbot:share:paper:{CARD}:2026-01-05"
    async with running_client(make_bot(fake, lookup), fake):
        card = await fake.slash_command("paper", {"ref": CARD})
        assert card.original is not None
        fake.inject(Fault.refuse(match=MESSAGE_CREATE))
        record = await fake.click(card.original, share)
        (told,) = await fake.wait_for_followups(record)
    assert told.content.startswith(APOLOGY) and fake.messages() == []
    refused(logged, f"component {share}")


async def test_when_the_apology_is_refused_too_both_are_logged_and_nothing_escapes(
    fake: FakeDiscord, lookup: Lookup, logged: Logged
) -> None:
    fake.inject(Fault.refuse(match=FOLLOWUP), times=2)
    async with running_client(make_bot(fake, lookup), fake):
        record = await fake.slash_command("paper-search", {"query": "부분은"})
        await logged.until("Discord refused the apology for /paper-search too: " + REASON)
    assert record.response_type == DEFERRED and record.followups == []
    refused(logged, "/paper-search")


async def test_an_expired_interaction_is_logged_not_raised(
    fake: FakeDiscord, lookup: Lookup, logged: Logged
) -> None:
    """Discord forgets a token after 3 s: the answer and the apology both get 10062."""
    fake.inject(Fault.refuse(10062, "Unknown interaction", status=404, match=FOLLOWUP), times=2)
    async with running_client(make_bot(fake, lookup), fake):
        await fake.slash_command("paper-search", {"query": "부분은"})
        await logged.until("Discord refused the apology for /paper-search too: 404 Not Found")
    assert any("(error code: 10062): Unknown interaction" in m for m in logged.messages)
    assert not logged.tracebacks


async def test_a_refused_note_on_a_stale_button_is_logged(
    fake: FakeDiscord, lookup: Lookup, logged: Logged
) -> None:
    """The one answer there is was refused: the interaction stays unanswered, and logged."""
    stale_id = "paperbot:share:paper:no-date"  # an id an older paperbot may have written
    async with running_client(make_bot(fake, lookup), fake):
        card = await fake.slash_command("paper", {"ref": CARD})
        assert card.original is not None
        old = copy.deepcopy(card.original.payload)
        old["components"][-1]["components"][-1]["custom_id"] = stale_id
        stale = await fake.click(old, stale_id)
        assert stale.data["content"].startswith("This button is from an older paperbot")
        fake.inject(Fault.refuse(match=CALLBACK))
        unanswered = asyncio.ensure_future(fake.click(old, stale_id))
        await logged.until("Discord refused the note on a stale button: " + REASON)
        unanswered.cancel()
    assert not logged.tracebacks
