"""/subscribe, /unsubscribe and /subscriptions through the real Bolt app, signed like Slack.

Who may use them is decided by ``users.info`` on the fake workspace (``is_admin``/``is_owner``)
or by the ``[slack] admins`` allow-list; everyone else gets a polite refusal and the table is
left as it was.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core.answers.subscription_answers import SubscriptionDesk
from bot.core.archive.lookup import Lookup
from bot.core.daily.planner import Planner
from bot.core.daily.subscriptions import Subscriptions
from bot.core.delivery.outbox import Outbox
from bot.slack.app import build_bolt_app
from bot.slack.subscription_commands import SUBSCRIPTION_COMMANDS
from bot.storage.sqlite.store import Store
from tests.fakes.clock import FakeClock
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_requests import signed_headers, slash_command_body
from tests.slack.conftest import NEWEST, PINGING_PAPER, SECRET, fake_client, post_form, serve

ADMIN, OWNER, MEMBER, LISTED, GHOST = "U0ADMIN", "U0OWNER", "U0MEMBER", "U0LISTED", "U0GHOST"
CHANNEL = "C0PAPERS"


class Commands:
    """Sends signed slash commands as one user or another; returns the ephemeral text."""

    def __init__(self, slack: FakeSlackAPI, url: str) -> None:
        self.slack = slack
        self.url = url

    async def __call__(
        self, command: str, text: str = "", *, user: str = ADMIN, channel: str = CHANNEL
    ) -> str:
        response_url = self.slack.response_url()
        body = slash_command_body(
            command, text, response_url=response_url, user_id=user, channel_id=channel
        )
        assert await post_form(self.url, body, signed_headers(body, SECRET)) == 200
        await self.slack.wait_until(lambda: bool(self.slack.responses(response_url)))
        (answer,) = [r.args for r in self.slack.responses(response_url)]
        assert answer["response_type"] == "ephemeral"
        return str(answer["text"])


@pytest.fixture
async def subscriptions(tmp_path: Path) -> AsyncIterator[Subscriptions]:
    async with Store.open(tmp_path / "s.db") as store:
        yield Subscriptions(store, FakeClock())


@pytest.fixture
async def run(
    slack: FakeSlackAPI, subscriptions: Subscriptions, lookup: Lookup
) -> AsyncIterator[Commands]:
    slack.workspace.add_user(ADMIN, admin=True)
    slack.workspace.add_user(OWNER, owner=True)
    slack.workspace.add_user(MEMBER)
    slack.workspace.add_user(LISTED)
    desk = SubscriptionDesk(subscriptions, FakeClock(), "slack")
    app = build_bolt_app(lookup, fake_client(slack), SECRET, desk=desk, admins=[LISTED])
    async with serve(app.web_app()) as base:
        yield Commands(slack, f"{base}/slack/events")


async def test_an_admin_subscribes_changes_lists_and_unsubscribes(
    run: Commands, subscriptions: Subscriptions
) -> None:
    said = await run("/subscribe", "09:30 Europe/Berlin limitations,results thread")
    assert said.startswith(f"Subscribed <#{CHANNEL}>: 09:30 Europe/Berlin · 5 results, 6 limi")
    assert "cards in a thread under the day's header · next Thu 2026-01-01 09:30 CET" in said
    sub = await subscriptions.get("slack", CHANNEL)
    assert sub is not None and sub.in_thread and sub.timezone == "Europe/Berlin"
    assert (await run("/subscribe", "all", user=OWNER)).startswith(f"Updated <#{CHANNEL}>")
    listing = await run("/subscriptions", user=LISTED)
    assert listing.startswith("1 subscribed channel:\n• <#C0PAPERS> — 09:30 Europe/Berlin · all")
    assert (await run("/unsubscribe")).startswith(f"Unsubscribed <#{CHANNEL}>")
    assert await subscriptions.get("slack", CHANNEL) is None


@pytest.mark.parametrize("command", SUBSCRIPTION_COMMANDS)
async def test_members_get_a_polite_refusal_and_nothing_changes(
    run: Commands, subscriptions: Subscriptions, command: str
) -> None:
    said = await run(command, "08:00" if command == "/subscribe" else "", user=MEMBER)
    assert said.startswith("Sorry, only workspace admins and owners")
    assert "`/paper`" in said and await subscriptions.list() == ()


async def test_an_unknown_user_is_refused_with_the_reason(
    run: Commands, subscriptions: Subscriptions, slack: FakeSlackAPI
) -> None:
    said = await run("/subscribe", user=GHOST)
    assert "could not check whether you are a workspace admin" in said
    assert "`user_not_found`" in said and "`[slack] admins`" in said
    assert await subscriptions.list() == ()
    assert slack.calls("users.info")[-1].args["user"] == GHOST


async def test_bad_arguments_explain_and_echo_safely(
    run: Commands, subscriptions: Subscriptions
) -> None:
    said = await run("/subscribe", "<!channel> 08:00")
    assert "I don't understand '&lt;!channel&gt;'" in said and "<!channel>" not in said
    assert "`/subscribe [TIME] [TIMEZONE] [SECTIONS] [thread] [include:…" in said
    assert "unknown timezone 'Mars/Olympus'" in await run("/subscribe", "Mars/Olympus")
    assert await subscriptions.list() == ()


@pytest.mark.parametrize("command", SUBSCRIPTION_COMMANDS)
async def test_help_shows_usage_to_anyone(run: Commands, command: str) -> None:
    said = await run(command, "help", user=MEMBER)
    assert said.startswith(f"`{command}")


@pytest.fixture
async def planned(
    slack: FakeSlackAPI, subscriptions: Subscriptions, lookup: Lookup, archive_path: Path
) -> AsyncIterator[Commands]:
    """The commands with a planner over the shared archive (newest: the pinging digest)."""
    slack.workspace.add_user(ADMIN, admin=True)
    async with Store.open(archive_path) as archive:
        clock = FakeClock()
        planner = Planner(archive, Outbox(archive, clock))
        desk = SubscriptionDesk(subscriptions, clock, "slack", planner=planner, archive=archive)
        app = build_bolt_app(lookup, fake_client(slack), SECRET, desk=desk)
        async with serve(app.web_app()) as base:
            yield Commands(slack, f"{base}/slack/events")


async def test_filters_are_saved_listed_and_previewed_without_pinging(
    planned: Commands, subscriptions: Subscriptions
) -> None:
    said = await planned(
        "/subscribe", 'include:"Paper 2",Paper exclude:"Paper 3" top:3 mode:digest'
    )
    assert (
        'digest mode (one listing a day) · include "Paper 2", "Paper" · exclude "Paper 3"' in said
    )
    sub = await subscriptions.get("slack", CHANNEL)
    assert sub is not None and sub.mode == "digest" and sub.filters.top == 3
    assert 'exclude "Paper 3" · top 3' in await planned("/subscriptions")
    preview = await planned("/subscribe", "preview")
    assert preview.startswith(f"Preview for <#{CHANNEL}> (nothing is changed)")
    assert f"From the digest of {NEWEST}" in preview
    assert 'excluded by "Paper 3"' in preview and "upvotes unknown" in preview
    assert PINGING_PAPER in preview
    for ping in ("<!channel>", "<!here>", "<@U123>", "<!everyone>"):
        assert ping not in preview  # the pinging title is escaped
    assert "&lt;!channel&gt;" in preview
    assert await subscriptions.get("slack", CHANNEL) == sub  # preview changes nothing


@pytest.mark.parametrize(
    "text",
    ["include:" + "x" * 10_000, "include:@everyone", "exclude:<@123>", "authors:<!channel>"],
)
async def test_hostile_filters_are_refused_and_ping_nobody(
    planned: Commands, subscriptions: Subscriptions, text: str
) -> None:
    said = await planned("/subscribe", text)
    assert "`/subscribe [TIME]" in said and len(said) < 1500
    for ping in ("@everyone", "<@123>", "<!channel>"):
        assert ping not in said
    assert await subscriptions.list() == ()


#: Filter terms that would format, or link, in mrkdwn if a reply echoed them as they are;
#: ``[click](…)`` and ``||x||`` are Discord's syntax and mean nothing in Slack.
MARKUP_TERMS = ("[click](https://evil.example)", "**x**", "||x||", "`x`", "*x*", "_x_", "~x~",
                "<https://evil|x>")  # fmt: skip


async def test_hostile_markup_is_kept_and_shown_as_typed_in_every_reply(
    planned: Commands, subscriptions: Subscriptions
) -> None:
    """Markup in a term is accepted (matching is literal) but never rendered: /subscribe,
    /subscriptions and the preview escape ``<`` and use look-alikes for ``*``, ``_``, ``~`` and
    the backtick, which mrkdwn cannot escape."""
    said = await planned("/subscribe", "exclude:" + ",".join(f'"{t}"' for t in MARKUP_TERMS))
    listing = await planned("/subscriptions")
    preview = await planned("/subscribe", "preview")
    shown = (
        'exclude "[click](https://evil.example)", "∗∗x∗∗", "||x||", "ˋxˋ", "∗x∗", "ˍxˍ", "∼x∼", '
        '"&lt;https://evil|x&gt;"'
    )
    for reply in (said, listing, preview):
        assert shown in reply
        for markup in ("*x*", "`x`", "_x_", "~x~", "<https://"):
            assert markup not in reply
    assert "7 of 7 papers would be posted" in preview
    sub = await subscriptions.get("slack", CHANNEL)
    assert sub is not None and [t.text for t in sub.filters.exclude] == list(MARKUP_TERMS)


async def test_a_regex_is_a_literal_term(planned: Commands, subscriptions: Subscriptions) -> None:
    said = await planned("/subscribe", "include:.* preview")
    assert "none of the 7 papers would be posted" in said
    assert await subscriptions.list() == ()


async def test_subscribe_help_documents_the_settings(planned: Commands) -> None:
    said = await planned("/subscribe", "help")
    assert "filters:none" in said and "mode:weekly" in said and "empty:note" in said
