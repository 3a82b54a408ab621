"""The real Bolt app on loopback, driven by requests signed the way Slack signs them.

Each test sends what Slack would send (a form-encoded slash command, or a ``block_actions``
payload copied from a button of an earlier answer) and reads what came back at the
``response_url`` the fake Slack API served. Every answer is checked against Slack's limits and
for mention syntax.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from bot.core.answers.query import Query
from bot.core.archive.lookup import Lookup
from bot.slack.app import build_bolt_app
from bot.slack.components import ACTION_OPEN, query_of
from bot.slack.marker import SHARE_EVENT
from bot.slack.render import ACTION_SECTION, ACTION_SHARE
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_requests import (
    block_actions_payload,
    encode_payload,
    signed_headers,
    slash_command_body,
)
from tests.slack.conftest import (
    CHANNEL,
    NEWEST,
    PINGING_PAPER,
    PRIVATE,
    SECRET,
    fake_client,
    post_form,
    serve,
)
from tests.slack.limits_check import assert_blocks_ok, pings

Message = dict[str, Any]


def elements(blocks: list[Message]) -> Iterator[Message]:
    for block in blocks:
        if block["type"] == "actions":
            yield from block["elements"]


def element(blocks: list[Message], action_id: str) -> Message:
    found = [e for e in elements(blocks) if e.get("action_id") == action_id]
    assert found, f"no {action_id} in {[e.get('action_id') for e in elements(blocks)]}"
    return found[0]


def text_of(blocks: list[Message]) -> str:
    parts = []
    for block in blocks:
        if "text" in block:
            parts.append(block["text"]["text"])
        parts.extend(e["text"] for e in block.get("elements", []) if e.get("type") == "mrkdwn")
    return "\n".join(parts)


class Driver:
    """Plays Slack's part: sends signed commands and clicks, returns what came back."""

    def __init__(self, slack: FakeSlackAPI, url: str) -> None:
        self.slack = slack
        self.url = url

    async def _send(self, body: str, response_url: str, until: Callable[[], bool]) -> list[Message]:
        assert await post_form(self.url, body, signed_headers(body, SECRET)) == 200
        await self.slack.wait_until(until)
        answers = [r.args for r in self.slack.responses(response_url)]
        refused = [r.error for r in self.slack.responses(response_url) if not r.ok]
        assert refused == [], f"Slack refused an answer: {refused}"
        for n, answer in enumerate(answers):
            if "blocks" in answer:
                assert_blocks_ok(answer["blocks"], f"response {n}")
                assert answer["response_type"] == "ephemeral"
        return answers

    async def command(self, command: str, text: str = "") -> list[Message]:
        url = self.slack.response_url()
        body = slash_command_body(command, text, response_url=url)
        return await self._send(body, url, lambda: bool(self.slack.responses(url)))

    async def click(
        self,
        control: Message,
        *,
        option: int = 0,
        channel: str = CHANNEL,
        until: Callable[[], bool] | None = None,
    ) -> list[Message]:
        url = self.slack.response_url()
        payload = block_actions_payload(
            control["action_id"], control.get("value", ""), response_url=url, channel_id=channel
        )
        if control["type"] == "static_select":
            payload["actions"][0] = {
                "type": "static_select",
                "action_id": control["action_id"],
                "block_id": "card",
                "selected_option": control["options"][option],
                "placeholder": control["placeholder"],
                "action_ts": "1716800000.123456",
            }
        done = until or (lambda: bool(self.slack.responses(url)))
        return await self._send(encode_payload(payload), url, done)


@pytest.fixture
def slack_app(slack: FakeSlackAPI, bolt_url: str) -> Driver:
    return Driver(slack, bolt_url)


# --- commands -------------------------------------------------------------------------------


async def test_paper_answers_with_the_card_and_a_share_button(
    slack: FakeSlackAPI, slack_app: Driver
) -> None:
    (answer,) = await slack_app.command("/paper", "2601.01234")
    blocks = answer["blocks"]
    assert blocks[0]["type"] == "header" and "자기 검증" in blocks[0]["text"]["text"]
    assert answer["text"].endswith("https://huggingface.co/papers/2601.01234")
    assert "*1 · 핵심 동기와 문제 정의*" in text_of(blocks)
    share = element(blocks, ACTION_SHARE)
    assert query_of(share["value"]) == Query("paper", paper="2601.01234", date="2026-01-05")
    assert len(element(blocks, ACTION_SECTION)["options"]) == 7
    assert len(slack.calls("auth.test")) == 1 and slack.posted(CHANNEL) == []


async def test_paper_with_a_section_shows_that_section_whole(slack_app: Driver) -> None:
    (answer,) = await slack_app.command(
        "/paper", "https://arxiv.org/abs/2601.01234 한계 2026-01-05"
    )
    text = text_of(answer["blocks"])
    assert "6 · 한계점 및 잠재적 실패 요인" in text and "검증 질문 자체가 틀리면" in text
    assert "핵심 동기" not in text
    share = query_of(element(answer["blocks"], ACTION_SHARE)["value"])
    assert share == Query("section", paper="2601.01234", section="limitations", date="2026-01-05")


USAGES = {
    "/paper": "/paper REF [SECTION] [DATE]",
    "/section": "/section NAME [REF] [DATE]",
    "/digest": "/digest [DATE]",
    "/paper-search": "/paper-search QUERY",
}


@pytest.mark.parametrize(
    ("command", "text"),
    [(c, t) for c in USAGES for t in ("", "help", " 도움말 ") if (c, t) != ("/digest", "")],
)
async def test_empty_or_help_shows_usage(slack_app: Driver, command: str, text: str) -> None:
    """An empty ``/digest`` is not help: it lists the newest digest (tested below)."""
    usage = USAGES[command]
    (answer,) = await slack_app.command(command, text)
    assert usage in text_of(answer["blocks"]) and "Examples" in text_of(answer["blocks"])


async def test_unknown_paper_offers_the_closest_ids(slack_app: Driver) -> None:
    (answer,) = await slack_app.command("/paper", "2601.01235")
    text = text_of(answer["blocks"])
    assert "2601.01235 is not in any digest" in text and "`2601.01234`" in text
    menu = element(answer["blocks"], ACTION_OPEN)
    queries = [query_of(o["value"]) for o in menu["options"]]
    option = queries.index(Query("paper", paper="2601.01234"))
    (card,) = await slack_app.click(menu, option=option)
    assert "자기 검증" in card["blocks"][0]["text"]["text"]
    assert card["replace_original"] is False


async def test_not_a_reference_says_what_a_reference_is(slack_app: Driver) -> None:
    (answer,) = await slack_app.command("/paper", "<!channel>")
    text = text_of(answer["blocks"])
    assert "is not an arXiv reference" in text and "&lt;!channel&gt;" in text
    assert pings(answer) == []


async def test_unknown_section_lists_the_valid_names(slack_app: Driver) -> None:
    (answer,) = await slack_app.command("/section", "conclusion 2601.01234")
    text = text_of(answer["blocks"])
    assert "There is no section called 'conclusion'" in text
    for name in ("motivation", "contributions", "limitations", "future-work"):
        assert f"`{name}`" in text


async def test_section_without_a_paper_pages_through_the_newest_digest(
    slack: FakeSlackAPI, slack_app: Driver
) -> None:
    (first,) = await slack_app.command("/section", "limitations")
    text = text_of(first["blocks"])
    assert f"{NEWEST} digest · papers 1–5 of 7 · page 1/2" in text
    assert [b["type"] for b in first["blocks"]].count("section") == 5
    ids = [e["action_id"] for e in elements(first["blocks"])]
    assert ids == ["paperbot_page_next", ACTION_SHARE]

    (second,) = await slack_app.click(element(first["blocks"], "paperbot_page_next"))
    assert second["replace_original"] is True
    assert "papers 6–7 of 7 · page 2/2" in text_of(second["blocks"])
    assert [e["action_id"] for e in elements(second["blocks"])] == [
        "paperbot_page_prev",
        ACTION_SHARE,
    ]
    (back,) = await slack_app.click(element(second["blocks"], "paperbot_page_prev"))
    assert text_of(back["blocks"]) == text


async def test_digest_lists_every_paper_one_line_each(slack_app: Driver) -> None:
    (answer,) = await slack_app.command("/digest", "2026-01-05")
    blocks = answer["blocks"]
    assert blocks[0]["text"]["text"] == "Hugging Face Daily Papers – 2026-01-05 · 3 papers"
    lines = [line for line in text_of(blocks[1:-2]).split("\n") if line.startswith("*")]
    assert [line.split("*")[1] for line in lines] == ["1.", "2.", "3."]
    assert "<https://huggingface.co/papers/2601.01234|" in lines[0]
    menu = element(blocks, ACTION_OPEN)
    assert [query_of(o["value"]).paper for o in menu["options"]] == [  # type: ignore[union-attr]
        "2601.01234",
        "2601.02345",
        "2601.03456",
    ]


async def test_digest_of_a_real_day_and_the_newest(slack_app: Driver, real_digests: Any) -> None:
    (real,) = await slack_app.command("/digest", "2025-05-27")
    assert "· 26 papers" in real["blocks"][0]["text"]["text"]
    assert len(element(real["blocks"], ACTION_OPEN)["options"]) == 26
    (newest,) = await slack_app.command("/digest")
    assert NEWEST in newest["blocks"][0]["text"]["text"]


async def test_digest_of_an_unknown_date_suggests_dates(slack_app: Driver) -> None:
    (answer,) = await slack_app.command("/digest", "2026-01-04")
    assert "There is no digest for 2026-01-04" in text_of(answer["blocks"])
    assert "`2026-01-05`" in text_of(answer["blocks"])


async def test_search_marks_matches_and_pages(slack_app: Driver) -> None:
    (first,) = await slack_app.command("/paper-search", "부분은")
    text = text_of(first["blocks"])
    assert "Results 1–10 for “부분은”" in text and "*부분은*" in text
    (second,) = await slack_app.click(element(first["blocks"], "paperbot_page_next"))
    assert "Results 11–20 for “부분은”" in text_of(second["blocks"])
    (nothing,) = await slack_app.command("/paper-search", "zzzqqqxxx")
    assert "Nothing matches “zzzqqqxxx”" in text_of(nothing["blocks"])


async def test_search_offers_one_option_per_paper_matching_in_several_sections(
    slack_app: Driver, real_digests: Any
) -> None:
    """2505.20256 matches "Omni-R1" in its title and two sections: three hits, one option.

    Slack refuses a select whose options share a value (``invalid_blocks``), and the fake
    refuses it too: the Driver fails on any refused answer.
    """
    (answer,) = await slack_app.command("/paper-search", "Omni-R1")
    text = text_of(answer["blocks"])
    assert text.count("`2505.20256`") == 3  # three hits are listed
    menu = element(answer["blocks"], ACTION_OPEN)
    assert [query_of(o["value"]) for o in menu["options"]] == [
        Query("paper", paper="2505.20256", date="2025-05-27")
    ]
    (card,) = await slack_app.click(menu)
    assert "Omni-R1" in card["blocks"][0]["text"]["text"]


async def test_answers_quoting_mentions_ping_nobody(slack_app: Driver) -> None:
    for command, text in [
        ("/paper", PINGING_PAPER),
        ("/section", f"results {PINGING_PAPER}"),
        ("/section", "results"),
        ("/digest", NEWEST),
        ("/paper-search", "channel"),
    ]:
        answers = await slack_app.command(command, text)
        assert pings(answers) == [], (command, text)
        assert "&lt;!channel&gt;" in str(answers), (command, text)


# --- clicks ---------------------------------------------------------------------------------


async def test_the_section_menu_answers_with_the_whole_section(slack_app: Driver) -> None:
    (card,) = await slack_app.command("/paper", "2601.01234")
    menu = element(card["blocks"], ACTION_SECTION)
    (section,) = await slack_app.click(menu, option=4)
    assert section["replace_original"] is False  # a new ephemeral, the card stays
    text = text_of(section["blocks"])
    assert "5 · 정량적 결과" in text and f"*61.2%에서 68.9%*{chr(0x200B)}로" in text


async def test_share_posts_to_the_channel_and_removes_the_ephemeral(
    slack: FakeSlackAPI, slack_app: Driver
) -> None:
    slack.workspace.add_user("U0READER", display_name="Ada Reader", real_name="Ada Lovelace")
    (card,) = await slack_app.command("/paper", "2601.01234")
    share = element(card["blocks"], ACTION_SHARE)
    (done,) = await slack_app.click(share, until=lambda: len(slack.responses()) >= 2)
    assert done == {"text": "", "delete_original": True}
    (posted,) = slack.posted(CHANNEL)
    assert posted.blocks is not None and posted.blocks[0] == card["blocks"][0]
    assert posted.metadata == {"event_type": SHARE_EVENT, "event_payload": {"view": share["value"]}}
    assert "Shared by Ada Reader with `/paper`" in text_of(posted.blocks)
    assert pings(posted.blocks) == []  # a name, not a mention: the sharer is not notified
    assert ACTION_SHARE not in [e.get("action_id") for e in elements(posted.blocks)]
    assert_blocks_ok(posted.blocks, "shared card")
    assert "link_names" not in posted.args and "parse" not in posted.args


async def test_sharing_a_page_posts_it_without_the_pager(
    slack: FakeSlackAPI, slack_app: Driver
) -> None:
    (page,) = await slack_app.command("/section", "results")
    await slack_app.click(
        element(page["blocks"], ACTION_SHARE), until=lambda: len(slack.responses()) >= 2
    )
    (posted,) = slack.posted(CHANNEL)
    assert posted.blocks is not None and not list(elements(posted.blocks))
    assert pings(posted.blocks) == []
    assert "Shared by reader with `/section`" in text_of(posted.blocks)  # not in users.info


@pytest.mark.parametrize(
    ("display_name", "real_name", "shown"),
    [
        ("", "Ada Lovelace", "Shared by Ada Lovelace with"),
        ("<!channel> *boss* `x`", "", "Shared by &lt;!channel&gt; ∗boss∗ ˋxˋ with"),
        ("  ", "  ", "Shared by reader with"),
    ],
)
async def test_the_sharer_is_named_never_mentioned(
    slack: FakeSlackAPI, slack_app: Driver, display_name: str, real_name: str, shown: str
) -> None:
    """Slack shows the real name when no display name is set; a name cannot format or ping."""
    slack.workspace.add_user("U0READER", display_name=display_name, real_name=real_name)
    (card,) = await slack_app.command("/paper", "2601.01234")
    await slack_app.click(
        element(card["blocks"], ACTION_SHARE), until=lambda: len(slack.responses()) >= 2
    )
    (posted,) = slack.posted(CHANNEL)
    assert posted.blocks is not None and shown in text_of(posted.blocks)
    assert pings(posted.blocks) == []


async def test_share_where_the_bot_is_not_a_member_explains_the_invite(
    slack: FakeSlackAPI, slack_app: Driver
) -> None:
    (card,) = await slack_app.command("/paper", "2601.01234")
    (answer,) = await slack_app.click(element(card["blocks"], ACTION_SHARE), channel=PRIVATE)
    assert "/invite @paperbot" in text_of(answer["blocks"])
    assert (
        slack.posted(PRIVATE) == [] and slack.calls("chat.postMessage")[0].error == "not_in_channel"
    )


async def test_link_buttons_are_acked_and_answer_nothing(
    slack: FakeSlackAPI, slack_app: Driver
) -> None:
    (card,) = await slack_app.command("/paper", "2601.01234")
    link = element(card["blocks"], "paperbot_link_arxiv")
    body = encode_payload(
        block_actions_payload(link["action_id"], response_url=slack.response_url())
    )
    assert await post_form(slack_app.url, body, signed_headers(body, SECRET)) == 200
    assert len(slack.responses()) == 1  # only the /paper answer


async def test_an_unreadable_button_gets_a_notice(slack_app: Driver) -> None:
    broken = {"type": "button", "action_id": "paperbot_page_next", "value": "{not json"}
    (answer,) = await slack_app.click(broken)
    assert "could not read" in text_of(answer["blocks"])


# --- signatures and failures ------------------------------------------------------------------


@pytest.mark.parametrize("forgery", ["wrong secret", "stale timestamp", "no signature"])
async def test_forged_or_stale_requests_get_401(
    slack: FakeSlackAPI, slack_app: Driver, forgery: str
) -> None:
    body = slash_command_body("/paper", "2601.01234", response_url=slack.response_url())
    headers = {
        "wrong secret": signed_headers(body, "not-the-secret"),
        "stale timestamp": signed_headers(body, SECRET, timestamp=int(time.time()) - 301),
        "no signature": {"Content-Type": "application/x-www-form-urlencoded"},
    }[forgery]
    assert await post_form(slack_app.url, body, headers) == 401
    assert slack.responses() == []


class BrokenLookup(Lookup):
    """An archive that fails on every query, the way a corrupt database would."""

    def __getattribute__(self, name: str) -> Any:
        if name.startswith("_"):
            return super().__getattribute__(name)

        async def fail(*args: Any, **kwargs: Any) -> Any:
            raise RuntimeError("disk I/O error in /var/secret/path")

        return fail


async def test_a_failing_handler_apologises_without_a_traceback(
    slack: FakeSlackAPI, lookup: Lookup, caplog: pytest.LogCaptureFixture
) -> None:
    app = build_bolt_app(BrokenLookup.__new__(BrokenLookup), fake_client(slack), SECRET)
    async with serve(app.web_app()) as base:
        driver = Driver(slack, f"{base}/slack/events")
        with caplog.at_level(logging.ERROR, logger="bot.slack"):
            (answer,) = await driver.command("/paper", "2601.01234")
    assert answer["text"].startswith("Sorry, something went wrong while answering `/paper`")
    assert "blocks" not in answer  # plain text: nothing in it for Slack to refuse
    assert "Traceback" not in str(answer) and "disk I/O" not in str(answer)
    assert any("answering /paper failed" in r.getMessage() for r in caplog.records)
