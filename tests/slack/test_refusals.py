"""When Slack refuses an answer, the refusal is logged with Slack's reason and the user is told.

Bolt's ``respond()`` does not raise when Slack refuses a message: it returns the status and the
body. These tests make the fake Slack refuse answers, either as Slack would (a message beyond
the Block Kit limits it enforces) or once on purpose (an injected fault), and check that the
listener read the answer: a warning naming the command and the reason, and a short plain-text
apology at the same ``response_url`` instead of silence.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from slack_sdk.webhook import WebhookResponse

from bot.core.answers.query import Query
from bot.core.answers.subscription_answers import SubscriptionDesk
from bot.core.archive.lookup import Lookup
from bot.core.daily.subscriptions import Subscriptions
from bot.slack.app import build_bolt_app
from bot.slack.components import ACTION_PAGE, query_value
from bot.slack.render import ACTION_SHARE
from bot.slack.responder import refusal
from bot.storage.sqlite.store import Store
from tests.fakes.clock import FakeClock
from tests.fakes.slack_api import RESPONSE_URL, FakeSlackAPI
from tests.fakes.slack_blocks import BlockKitLimits
from tests.fakes.slack_faults import Fault, FaultKind
from tests.fakes.slack_requests import (
    block_actions_payload,
    encode_payload,
    signed_headers,
    slash_command_body,
)
from tests.logs import Logged, logged_by
from tests.slack.conftest import CHANNEL, SECRET, fake_client, post_form, serve

INVALID_BLOCKS = Fault(FaultKind.API_ERROR, status=400, error="invalid_blocks")


class Sender:
    """Sends signed requests and returns everything posted to their ``response_url``."""

    def __init__(self, slack: FakeSlackAPI, url: str) -> None:
        self.slack = slack
        self.url = url

    async def _send(self, body: str, response_url: str, count: int) -> list[Any]:
        assert await post_form(self.url, body, signed_headers(body, SECRET)) == 200
        await self.slack.wait_until(lambda: len(self.slack.responses(response_url)) >= count)
        return self.slack.responses(response_url)

    async def command(self, command: str, text: str = "", *, count: int = 2) -> list[Any]:
        url = self.slack.response_url()
        body = slash_command_body(command, text, response_url=url, user_id="U0ADMIN")
        return await self._send(body, url, count)

    async def click(self, action_id: str, value: str, *, count: int = 2) -> list[Any]:
        url = self.slack.response_url()
        payload = block_actions_payload(action_id, value, response_url=url, channel_id=CHANNEL)
        return await self._send(encode_payload(payload), url, count)


@pytest.fixture
def logged() -> Iterator[Logged]:
    with logged_by("bot.slack") as handler:
        yield handler


@pytest.fixture
async def strict_slack() -> AsyncIterator[FakeSlackAPI]:
    """A Slack that refuses any section longer than 40 characters: every answer is refused."""
    async with FakeSlackAPI(channels={CHANNEL}, limits=BlockKitLimits(section_text=40)) as fake:
        yield fake


@pytest.fixture
async def subscriptions(tmp_path: Path) -> AsyncIterator[Subscriptions]:
    async with Store.open(tmp_path / "s.db") as store:
        yield Subscriptions(store, FakeClock())


def sender_for(slack: FakeSlackAPI, lookup: Lookup, subscriptions: Subscriptions) -> Any:
    slack.workspace.add_user("U0ADMIN", admin=True)
    desk = SubscriptionDesk(subscriptions, FakeClock(), "slack")
    app = build_bolt_app(lookup, fake_client(slack), SECRET, desk=desk)
    return serve(app.web_app())


async def refused_and_told(answers: list[Any], logged: Logged, what: str, code: str) -> str:
    """Check the refusal was logged with its reason and an apology followed; the apology."""
    *refused, apology = answers
    assert [r.error for r in refused] == [code] and apology.ok
    assert "blocks" not in apology.args and apology.args["response_type"] == "ephemeral"
    text = str(apology.args["text"])
    assert text.startswith(f"Sorry, Slack would not show my answer to `{what}`")
    assert f"(it said `{code}`)" in text
    await logged.until(f"Slack refused the answer to {what}: {code} (HTTP 400)")
    assert not logged.tracebacks, "a refusal is no traceback"
    return text


@pytest.mark.parametrize(
    ("command", "text"),
    [
        ("/paper", "2601.01234"),
        ("/section", "results 2601.01234"),
        ("/section", "results"),
        ("/paper-search", "부분은"),
    ],
)
async def test_an_answer_slack_refuses_is_logged_with_the_reason_and_apologised_for(
    strict_slack: FakeSlackAPI,
    lookup: Lookup,
    subscriptions: Subscriptions,
    logged: Logged,
    command: str,
    text: str,
) -> None:
    async with sender_for(strict_slack, lookup, subscriptions) as base:
        answers = await Sender(strict_slack, f"{base}/slack/events").command(command, text)
        await refused_and_told(answers, logged, command, "invalid_blocks")
    assert "must be less than 41 characters [json-pointer:/blocks/" in " ".join(logged.messages)


@pytest.mark.parametrize(
    ("action_id", "query", "what"),
    [
        (f"{ACTION_PAGE}_next", Query("section", section="results", page=2), "the page button"),
        ("paperbot_open", Query("paper", paper="2601.01234"), "the menu"),
        ("paperbot_section", Query("section", paper="2601.01234", section="results"), "the menu"),
        (ACTION_SHARE, Query("paper", paper="nonsense"), "Post to channel"),
    ],
)
async def test_a_refused_answer_to_a_click_is_apologised_for(
    slack: FakeSlackAPI,
    lookup: Lookup,
    subscriptions: Subscriptions,
    logged: Logged,
    action_id: str,
    query: Query,
    what: str,
) -> None:
    slack.faults.inject(RESPONSE_URL, INVALID_BLOCKS)
    async with sender_for(slack, lookup, subscriptions) as base:
        answers = await Sender(slack, f"{base}/slack/events").click(action_id, query_value(query))
        await refused_and_told(answers, logged, what, "invalid_blocks")


@pytest.mark.parametrize(
    ("command", "text"),
    [("/subscribe", "09:30"), ("/subscriptions", ""), ("/unsubscribe", "help")],
)
async def test_a_refused_subscription_answer_is_apologised_for(
    slack: FakeSlackAPI,
    lookup: Lookup,
    subscriptions: Subscriptions,
    logged: Logged,
    command: str,
    text: str,
) -> None:
    slack.faults.inject(RESPONSE_URL, INVALID_BLOCKS)
    async with sender_for(slack, lookup, subscriptions) as base:
        answers = await Sender(slack, f"{base}/slack/events").command(command, text)
        await refused_and_told(answers, logged, command, "invalid_blocks")


async def test_when_the_apology_is_refused_too_both_are_logged_and_nothing_raises(
    strict_slack: FakeSlackAPI, lookup: Lookup, subscriptions: Subscriptions, logged: Logged
) -> None:
    strict_slack.faults.inject(RESPONSE_URL, INVALID_BLOCKS, INVALID_BLOCKS)
    async with sender_for(strict_slack, lookup, subscriptions) as base:
        answers = await Sender(strict_slack, f"{base}/slack/events").command("/digest")
        assert [a.error for a in answers] == ["invalid_blocks", "invalid_blocks"]
        await logged.until("Slack refused the apology for /digest too: invalid_blocks")
    assert logged.messages[0].startswith("Slack refused the answer to /digest: invalid_blocks")
    assert not logged.tracebacks


async def test_a_refused_share_logs_slacks_reason_and_says_so(
    slack: FakeSlackAPI, lookup: Lookup, subscriptions: Subscriptions, logged: Logged
) -> None:
    slack.faults.inject("chat.postMessage", Fault.api_error("msg_blocks_too_long"))
    query = Query("paper", paper="2601.01234")
    async with sender_for(slack, lookup, subscriptions) as base:
        (told,) = await Sender(slack, f"{base}/slack/events").click(
            ACTION_SHARE, query_value(query), count=1
        )
    assert "Slack did not let me post here (`msg_blocks_too_long`)" in str(told.args)
    assert slack.posted(CHANNEL) == []
    assert any(
        m.startswith("Slack refused sharing") and m.endswith("msg_blocks_too_long (HTTP 200)")
        for m in logged.messages
    ), logged.messages


async def test_a_refused_removal_after_sharing_is_logged(
    slack: FakeSlackAPI, lookup: Lookup, subscriptions: Subscriptions, logged: Logged
) -> None:
    slack.faults.inject(RESPONSE_URL, Fault(FaultKind.API_ERROR, status=404, error="expired_url"))
    query = Query("paper", paper="2601.01234")
    async with sender_for(slack, lookup, subscriptions) as base:
        (removal,) = await Sender(slack, f"{base}/slack/events").click(
            ACTION_SHARE, query_value(query), count=1
        )
        await logged.until("removing the shared ephemeral failed: expired_url (HTTP 404)")
    assert removal.args == {"text": "", "delete_original": True} and removal.error == "expired_url"
    assert len(slack.posted(CHANNEL)) == 1  # the share itself went through


def _response(status: int, body: str) -> WebhookResponse:
    url = "https://hooks.slack.com/x"
    return WebhookResponse(url=url, status_code=status, body=body, headers={})


@pytest.mark.parametrize(
    ("status", "body", "reason"),
    [
        (200, "ok", None),
        (200, '{"ok":true}', None),
        (200, "", None),
        (400, "invalid_blocks", "invalid_blocks (HTTP 400)"),
        (200, '{"ok":false,"error":"no_text"}', "no_text (HTTP 200)"),
        (
            400,
            '{"ok":false,"error":"invalid_blocks","response_metadata":{"messages":["[ERROR] x"]}}',
            "invalid_blocks (HTTP 400): [ERROR] x",
        ),
        (404, '{"ok":false,"error":"expired_url"}', "expired_url (HTTP 404)"),
        (500, "<html>\n<b>oops</b></html>", "HTTP 500 (HTTP 500): <html> <b>oops</b></html>"),
    ],
)
def test_what_counts_as_a_refusal(status: int, body: str, reason: str | None) -> None:
    """Accepted: 2xx with ``ok`` in any form. Refused: an error status or ``ok: false``."""
    found = refusal(_response(status, body))
    assert (found.reason if found else None) == reason


def test_a_code_that_is_not_a_code_is_not_shown_to_the_user() -> None:
    found = refusal(_response(400, "<!channel> look here"))
    assert found is not None and found.shown_code == "an error"
