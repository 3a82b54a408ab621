"""The fake Slack Web API, proven against the real slack_sdk client and the real Bolt app.

Every test talks HTTP over loopback: if the fake drifted from what slack_sdk and Bolt expect,
these tests would fail before any adapter test could be misled by it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
from collections.abc import AsyncIterator, Sequence
from decimal import Decimal
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator
from slack_sdk.web.async_client import AsyncWebClient

from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_blocks import BlockKitLimits, check_message
from tests.fakes.slack_faults import Fault, FaultKind
from tests.fakes.slack_ratelimit import (
    ManualClock,
    RateLimiter,
    RetryAfterStyle,
    SlackRateLimit,
)
from tests.fakes.slack_requests import block_actions_body, signed_headers, slash_command_body

CHANNEL = "C0PAPERS"
OTHER = "C0OTHER"
SECRET = "paperbot-signing-secret"
NO_WAIT = FixedValueRetryIntervalCalculator(0.0)


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlackAPI]:
    async with FakeSlackAPI(channels={CHANNEL, OTHER}) as fake:
        yield fake


def client_for(slack: FakeSlackAPI, **options: Any) -> AsyncWebClient:
    """A real client on the fake; no retry handlers unless a test asks for them."""
    options.setdefault("retry_handlers", [])
    return AsyncWebClient(token=slack.bot_token, base_url=slack.base_url, **options)


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def card_metadata(paper: str) -> dict[str, Any]:
    return {"event_type": "paper_card", "event_payload": {"paper_id": paper}}


# --- posting and recording ------------------------------------------------------------------


async def test_post_message_is_recorded_stored_and_answered_with_ts(slack: FakeSlackAPI) -> None:
    blocks = [section("*Attention Is All You Need*")]
    response = await client_for(slack).chat_postMessage(
        channel=CHANNEL, text="fallback", blocks=blocks, metadata=card_metadata("1706.03762")
    )

    assert re.fullmatch(r"\d{10}\.\d{6}", response["ts"])
    (stored,) = slack.posted(CHANNEL)
    assert (stored.ts, stored.text, stored.blocks) == (response["ts"], "fallback", blocks)
    assert stored.metadata == card_metadata("1706.03762")
    (call,) = slack.calls("chat.postMessage", channel=CHANNEL)
    assert call.headers["Authorization"] == f"Bearer {slack.bot_token}"
    assert (call.status, call.error, call.ts, call.args["blocks"]) == (200, None, stored.ts, blocks)
    assert response["message"]["metadata"] == card_metadata("1706.03762")


async def test_form_encoded_calls_are_decoded_like_json_ones(slack: FakeSlackAPI) -> None:
    blocks = [section("form")]
    await client_for(slack).api_call(
        "chat.postMessage",
        data={"channel": CHANNEL, "text": "form", "blocks": json.dumps(blocks)},
    )
    assert slack.posted(CHANNEL)[0].blocks == blocks


async def test_legacy_form_token_and_malformed_json(slack: FakeSlackAPI) -> None:
    url = slack.base_url + "chat.postMessage"
    form = {"token": slack.bot_token, "channel": CHANNEL, "text": "legacy"}
    json_headers = {
        "Content-Type": "application/json",
        "Authorization": f"Bearer {slack.bot_token}",
    }
    async with aiohttp.ClientSession() as session:
        async with session.post(url, data=form) as response:
            assert (await response.json())["ok"] is True
        async with session.post(url, data=b"{not json", headers=json_headers) as response:
            assert (await response.json())["error"] == "invalid_json"
    assert [m.text for m in slack.posted(CHANNEL)] == ["legacy"]
    assert "token" not in slack.calls("chat.postMessage")[0].args


async def test_ts_values_are_unique_and_increasing(slack: FakeSlackAPI) -> None:
    client = client_for(slack)
    stamps = [
        (await client.chat_postMessage(channel=ch, text=str(n)))["ts"]
        for n, ch in enumerate([CHANNEL, OTHER, CHANNEL])
    ]
    assert [Decimal(ts) for ts in stamps] == sorted({Decimal(ts) for ts in stamps})


# --- authentication and channel errors -------------------------------------------------------


@pytest.mark.parametrize(
    ("token", "error"),
    [
        ("xoxb-wrong", "invalid_auth"),
        (None, "not_authed"),
        ("xapp-paperbot-test", "not_allowed_token_type"),
    ],
)
async def test_bad_tokens_are_refused(slack: FakeSlackAPI, token: str | None, error: str) -> None:
    client = AsyncWebClient(token=token, base_url=slack.base_url, retry_handlers=[])
    with pytest.raises(SlackApiError) as raised:
        await client.chat_postMessage(channel=CHANNEL, text="hi")
    assert raised.value.response["error"] == error
    assert slack.posted(CHANNEL) == []


async def test_channel_errors_on_demand_and_undeclared_channels(slack: FakeSlackAPI) -> None:
    client = client_for(slack)
    slack.fail_channel(CHANNEL, "not_in_channel")
    slack.add_channel("C0ARCHIVE", archived=True)
    for channel, error in [
        (CHANNEL, "not_in_channel"),
        ("C0ARCHIVE", "is_archived"),
        ("C0NONE", "channel_not_found"),
    ]:
        with pytest.raises(SlackApiError) as raised:
            await client.chat_postMessage(channel=channel, text="hi")
        assert raised.value.response["error"] == error
    slack.fail_channel(CHANNEL, None)
    await client.chat_postMessage(channel=CHANNEL, text="back")
    assert [m.text for m in slack.posted(CHANNEL)] == ["back"]


# --- Block Kit validation ----------------------------------------------------------------------


async def test_51_blocks_are_invalid_blocks_with_slacks_explanation(slack: FakeSlackAPI) -> None:
    with pytest.raises(SlackApiError) as raised:
        await client_for(slack).chat_postMessage(
            channel=CHANNEL, text="t", blocks=[section(str(n)) for n in range(51)]
        )
    assert raised.value.response["error"] == "invalid_blocks"
    assert "json-pointer:/blocks" in raised.value.response["response_metadata"]["messages"][0]
    assert slack.posted(CHANNEL) == []


async def test_no_text_is_refused_and_slack_sdk_warns_first(slack: FakeSlackAPI) -> None:
    # slack_sdk warns (UserWarning) before sending a message without `text`; under the
    # project's warnings-as-errors that alone would fail a test, so adapters always send text.
    with (
        pytest.warns(UserWarning, match="top-level `text`"),
        pytest.raises(SlackApiError) as raised,
    ):
        await client_for(slack).chat_postMessage(channel=CHANNEL)
    assert raised.value.response["error"] == "no_text"


def _button(label: str, value: str = "v") -> dict[str, Any]:
    return {"type": "button", "text": {"type": "plain_text", "text": label}, "value": value}


def _actions(*elements: dict[str, Any]) -> dict[str, Any]:
    return {"type": "actions", "elements": list(elements)}


def _fields(count: int, size: int = 1) -> dict[str, Any]:
    return {"type": "section", "fields": [{"type": "mrkdwn", "text": "x" * size}] * count}


def _select(*values: str, label: str = "option") -> dict[str, Any]:
    options = [{"text": {"type": "plain_text", "text": label}, "value": v} for v in values]
    return {"type": "static_select", "action_id": "open", "options": options}


@pytest.mark.parametrize(
    ("block", "error"),
    [
        (section("x" * 3000), None),
        (section("x" * 3001), "invalid_blocks"),
        ({"type": "header", "text": {"type": "plain_text", "text": "x" * 150}}, None),
        ({"type": "header", "text": {"type": "plain_text", "text": "x" * 151}}, "invalid_blocks"),
        ({"type": "header", "text": {"type": "mrkdwn", "text": "x"}}, "invalid_blocks"),
        ({"type": "context", "elements": [{"type": "mrkdwn", "text": "x"}] * 10}, None),
        ({"type": "context", "elements": [{"type": "mrkdwn", "text": "x"}] * 11}, "invalid_blocks"),
        (_fields(10, 1000), None),
        (_fields(1, 2000), None),
        (_fields(11), "invalid_blocks"),
        (_fields(1, 2001), "invalid_blocks"),
        (_actions(_button("x" * 75, "v" * 2000)), None),
        (_actions(_button("x" * 76)), "invalid_blocks"),
        (_actions(_button("open", "v" * 2001)), "invalid_blocks"),
        (_actions(*[_button("b")] * 26), "invalid_blocks"),
        (_actions(_select("a", "b")), None),
        (_actions(_select("a", "b", "a")), "invalid_blocks"),
        (_actions(_select(*map(str, range(100)))), None),
        (_actions(_select(*map(str, range(101)))), "invalid_blocks"),
        (_actions(_select()), "invalid_blocks"),
        (_actions(_select("v" * 150, label="x" * 75)), None),
        (_actions(_select("v" * 151)), "invalid_blocks"),
        (_actions(_select("v", label="x" * 76)), "invalid_blocks"),
    ],
)
def test_block_kit_limits(block: dict[str, Any], error: str | None) -> None:
    rejection = check_message("fallback", [block])
    assert (rejection.error if rejection else None) == error


def test_aggregate_block_text_limit_is_msg_blocks_too_long() -> None:
    blocks = [section("x" * 3000)] * 5
    assert check_message("t", blocks) == check_message("t", blocks)  # pure
    rejection = check_message("t", blocks)
    assert rejection is not None and rejection.error == "msg_blocks_too_long"
    assert check_message("t", blocks, limits=BlockKitLimits(total_block_text=15_000)) is None


# --- history, update, ephemeral, info ------------------------------------------------------------


async def test_history_returns_metadata_so_a_bot_finds_its_own_card(slack: FakeSlackAPI) -> None:
    client = client_for(slack)
    for paper in ["2401.00001", "2401.00002", "2401.00003"]:
        await client.chat_postMessage(channel=CHANNEL, text=paper, metadata=card_metadata(paper))

    history = await client.conversations_history(channel=CHANNEL, include_all_metadata=True)
    assert [m["text"] for m in history["messages"]] == ["2401.00003", "2401.00002", "2401.00001"]
    mine = [
        m for m in history["messages"] if m["metadata"]["event_payload"]["paper_id"] == "2401.00002"
    ]
    assert mine[0]["ts"] == slack.posted(CHANNEL)[1].ts
    plain = await client.conversations_history(channel=CHANNEL)
    assert all("metadata" not in m for m in plain["messages"])


async def test_history_pages_with_cursor_and_honours_bounds(slack: FakeSlackAPI) -> None:
    client = client_for(slack)
    stamps = [(await client.chat_postMessage(channel=CHANNEL, text=str(n)))["ts"] for n in range(5)]
    await client.chat_postMessage(channel=CHANNEL, text="reply", thread_ts=stamps[0])

    first = await client.conversations_history(channel=CHANNEL, limit=2)
    assert [m["text"] for m in first["messages"]] == ["4", "3"] and first["has_more"]
    cursor = first["response_metadata"]["next_cursor"]
    second = await client.conversations_history(channel=CHANNEL, limit=10, cursor=cursor)
    assert [m["text"] for m in second["messages"]] == ["2", "1", "0"]  # the reply is threaded
    assert not second["has_more"] and second["response_metadata"]["next_cursor"] == ""
    assert second["messages"][-1]["reply_count"] == 1

    window = await client.conversations_history(channel=CHANNEL, oldest=stamps[1], latest=stamps[3])
    assert [m["text"] for m in window["messages"]] == ["2"]
    window = await client.conversations_history(
        channel=CHANNEL, oldest=stamps[1], latest=stamps[3], inclusive=True
    )
    assert [m["text"] for m in window["messages"]] == ["3", "2", "1"]


async def test_update_ephemeral_and_info(slack: FakeSlackAPI) -> None:
    client = client_for(slack)
    posted = await client.chat_postMessage(channel=CHANNEL, text="draft")
    await client.chat_update(
        channel=CHANNEL, ts=posted["ts"], text="final", metadata=card_metadata("x")
    )
    (message,) = slack.posted(CHANNEL)
    assert (message.text, message.metadata) == ("final", card_metadata("x"))
    assert message.edited is not None and Decimal(message.edited) > Decimal(message.ts)
    with pytest.raises(SlackApiError, match="message_not_found"):
        await client.chat_update(channel=CHANNEL, ts="1.000000", text="lost")

    ephemeral = await client.chat_postEphemeral(channel=CHANNEL, user="U0READER", text="psst")
    assert slack.ephemerals(CHANNEL)[0].ts == ephemeral["message_ts"]
    history = await client.conversations_history(channel=CHANNEL)
    assert [m["text"] for m in history["messages"]] == ["final"]

    info = await client.conversations_info(channel=CHANNEL)
    assert info["channel"]["is_member"] is True and info["channel"]["id"] == CHANNEL


async def test_socket_mode_url_needs_the_app_token(slack: FakeSlackAPI) -> None:
    opened = await client_for(slack).apps_connections_open(app_token=slack.app_token)
    assert opened["url"].startswith("ws://127.0.0.1:")
    with pytest.raises(SlackApiError, match="not_allowed_token_type"):
        await client_for(slack).apps_connections_open(app_token=slack.bot_token)


# --- injected faults --------------------------------------------------------------------------


async def test_429_then_success_stores_the_message_once(slack: FakeSlackAPI) -> None:
    slack.faults.inject("chat.postMessage", Fault.ratelimited(retry_after=0))
    client = client_for(slack, retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=2)])
    # slack_sdk sleeps Retry-After + random.random() seconds: under one second here.
    response = await client.chat_postMessage(channel=CHANNEL, text="once")

    assert [m.ts for m in slack.posted(CHANNEL)] == [response["ts"]]
    first, second = slack.calls("chat.postMessage")
    assert (first.status, first.error, first.fault) == (429, "ratelimited", FaultKind.RATELIMITED)
    assert second.ok and slack.stats.ratelimited == 1 and slack.stats.ratelimited_enforced == 0


async def test_slack_sdk_cannot_parse_a_fractional_retry_after(slack: FakeSlackAPI) -> None:
    # slack_sdk 3.48 does int(Retry-After): a scaled "0.01" escapes as ValueError, not as
    # SlackApiError. Only send RetryAfterStyle.SCALED to clients that parse floats.
    slack.faults.inject("chat.postMessage", Fault.ratelimited(retry_after="0.01"))
    client = client_for(slack, retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=2)])
    with pytest.raises(ValueError, match="invalid literal for int"):
        await client.chat_postMessage(channel=CHANNEL, text="x")
    assert slack.posted(CHANNEL) == []


async def test_503_is_retried_by_the_server_error_handler(slack: FakeSlackAPI) -> None:
    slack.faults.inject("chat.postMessage", Fault.server_error(503))
    with pytest.raises(SlackApiError) as raised:
        await client_for(slack).chat_postMessage(channel=CHANNEL, text="x")
    assert raised.value.response.status_code == 503

    slack.faults.inject("chat.postMessage", Fault.server_error(500))
    handler = AsyncServerErrorRetryHandler(max_retry_count=1, interval_calculator=NO_WAIT)
    await client_for(slack, retry_handlers=[handler]).chat_postMessage(channel=CHANNEL, text="y")
    assert [m.text for m in slack.posted(CHANNEL)] == ["y"] and slack.stats.server_errors == 2


async def test_drop_after_store_plus_a_blind_retry_posts_twice(slack: FakeSlackAPI) -> None:
    # The exactly-once hazard: Slack stored the message, the bot never heard back.
    slack.faults.inject("chat.postMessage", Fault.drop(), after_store=True)
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await client_for(slack).chat_postMessage(channel=CHANNEL, text="card")
    assert len(slack.posted(CHANNEL)) == 1 and slack.calls("chat.postMessage")[0].status is None

    # slack_sdk's default handler list retries a disconnect once, without asking.
    slack.faults.inject("chat.postMessage", Fault.drop(), after_store=True)
    retrying = AsyncConnectionErrorRetryHandler(max_retry_count=1, interval_calculator=NO_WAIT)
    await client_for(slack, retry_handlers=[retrying]).chat_postMessage(channel=OTHER, text="card")
    assert [m.text for m in slack.posted(OTHER)] == ["card", "card"]


async def test_a_delay_past_the_client_timeout(slack: FakeSlackAPI) -> None:
    client = client_for(slack, timeout=0.1)  # typed int, but aiohttp's ClientTimeout takes floats
    slack.faults.inject("chat.postMessage", Fault.delay(5.0), after_store=True)
    with pytest.raises(TimeoutError):
        await client.chat_postMessage(channel=CHANNEL, text="stored, answer lost")
    assert [m.text for m in slack.posted(CHANNEL)] == ["stored, answer lost"]

    slack.faults.inject("chat.postMessage", Fault.delay(0.3))
    with pytest.raises(TimeoutError):
        await client.chat_postMessage(channel=OTHER, text="late")
    assert slack.posted(OTHER) == []
    await slack.wait_until(lambda: bool(slack.posted(OTHER)))  # Slack finishes the job anyway
    assert [m.text for m in slack.posted(OTHER)] == ["late"]


async def test_random_faults_are_reproducible_from_the_seed() -> None:
    async def run(seed: int) -> tuple[list[FaultKind], list[str]]:
        async with FakeSlackAPI() as fake:
            fake.faults.randomly(
                seed=seed,
                rate=0.3,
                faults=[Fault.ratelimited(0), Fault.server_error(), Fault.api_error("fatal_error")],
                after_store_rate=0.2,
                after_store_faults=[Fault.drop()],
            )
            client = client_for(fake)
            for n in range(30):
                with contextlib.suppress(SlackApiError, aiohttp.ClientError):
                    await client.chat_postMessage(channel=CHANNEL, text=str(n))
            return [f.fault.kind for f in fake.faults.fired], [m.text for m in fake.posted(CHANNEL)]

    first = await run(7)
    assert first == await run(7)
    assert len(first[0]) > 3 and len(first[1]) < 30


async def test_response_url_records_and_allows_five_uses(slack: FakeSlackAPI) -> None:
    url = slack.response_url()
    async with aiohttp.ClientSession() as session:
        statuses = []
        for n in range(6):
            async with session.post(url, json={"text": f"reply {n}"}) as response:
                statuses.append(response.status)
    assert statuses == [200] * 5 + [404]
    assert [r.args["text"] for r in slack.responses(url)][:2] == ["reply 0", "reply 1"]
    assert slack.responses(slack.response_url()) == []


async def test_response_url_refuses_what_slack_refuses_with_400_and_the_reason(
    slack: FakeSlackAPI,
) -> None:
    url = slack.response_url()
    twice = [_actions(_select('{"paper":"2505.20256"}', '{"paper":"2505.20256"}'))]
    async with aiohttp.ClientSession() as session:
        async with session.post(url, json={"text": "t", "blocks": twice}) as response:
            status, body = response.status, await response.json()
        async with session.post(url, json={"delete_original": True}) as response:
            assert response.status == 200
    assert status == 400 and body["ok"] is False and body["error"] == "invalid_blocks"
    assert "unique option values [json-pointer:/blocks/0/elements/0/options/1/value]" in str(body)
    assert [r.error for r in slack.responses(url)] == ["invalid_blocks", None]


# --- rate limits ------------------------------------------------------------------------------


async def test_enforced_limits_per_channel_and_workspace() -> None:
    clock = ManualClock()
    policy = SlackRateLimit(channel_burst=2, workspace_burst=4)
    async with FakeSlackAPI(rate_limit=policy, clock=clock) as slack:
        client = client_for(slack)
        for _ in range(2):
            await client.chat_postMessage(channel=CHANNEL, text="burst")
        with pytest.raises(SlackApiError) as raised:
            await client.chat_postMessage(channel=CHANNEL, text="too fast")
        assert raised.value.response.status_code == 429
        assert raised.value.response.headers["Retry-After"] == "1"
        await client.chat_postMessage(channel=OTHER, text="other channel")
        await client.chat_postMessage(channel=OTHER, text="other channel")
        with pytest.raises(SlackApiError, match="ratelimited"):  # workspace bucket is empty
            await client.chat_postMessage(channel="C0THIRD", text="third channel")
        clock.advance(1.0)
        await client.chat_postMessage(channel=CHANNEL, text="after a second")
        assert slack.stats.ratelimited == slack.stats.ratelimited_enforced == 2


@pytest.mark.parametrize(
    ("style", "header"),
    [
        (RetryAfterStyle.SLACK, "1"),
        (RetryAfterStyle.SCALED, "0.01"),
        (RetryAfterStyle.SCALED_FLOOR, "0"),
    ],
)
def test_retry_after_under_time_scaling(style: RetryAfterStyle, header: str) -> None:
    clock = ManualClock()
    policy = SlackRateLimit(channel_burst=1, retry_after=style)
    limiter = RateLimiter(policy, time_scale=0.01, clock=clock)
    assert limiter.admit("chat.postMessage", CHANNEL) is None
    wait = limiter.admit("chat.postMessage", CHANNEL)
    assert wait is not None and wait == pytest.approx(0.01)
    assert limiter.retry_after(wait) == header
    clock.advance(0.01)
    assert limiter.admit("chat.postMessage", CHANNEL) is None
    assert limiter.admit("chat.update", CHANNEL) is None  # not a limited method


async def test_scaled_limits_let_a_scaled_client_through_in_order() -> None:
    # What the delivery engine will do: sleep Retry-After (Slack seconds) × time_scale.
    scale = 0.01
    async with FakeSlackAPI(rate_limit=SlackRateLimit(), time_scale=scale) as slack:
        client = client_for(slack)
        for n in range(8):
            while True:
                try:
                    await client.chat_postMessage(channel=CHANNEL, text=str(n))
                    break
                except SlackApiError as exc:
                    assert exc.response.status_code == 429
                    await asyncio.sleep(int(exc.response.headers["Retry-After"]) * scale)
        assert [m.text for m in slack.posted(CHANNEL)] == [str(n) for n in range(8)]
        assert slack.stats.ratelimited_enforced >= 1


# --- Bolt, through HTTP and through async_dispatch ----------------------------------------------


def bolt_app(slack: FakeSlackAPI) -> AsyncApp:
    """A real AsyncApp whose Web API calls (auth.test) go to the fake."""
    # The client carries the token: passing token= too only makes Bolt log a warning.
    app = AsyncApp(signing_secret=SECRET, client=client_for(slack))

    async def ping(ack: AsyncAck, respond: AsyncRespond) -> None:
        await ack()
        await respond("pong")

    async def open_paper(ack: AsyncAck, respond: AsyncRespond, action: dict[str, Any]) -> None:
        await ack()
        await respond(f"opening {action['value']}")

    app.command("/ping")(ping)
    app.action("open_paper")(open_paper)
    return app


@pytest.fixture
async def bolt_url(slack: FakeSlackAPI) -> AsyncIterator[str]:
    runner = web.AppRunner(bolt_app(slack).web_app(), access_log=None, shutdown_timeout=0.5)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    yield f"http://127.0.0.1:{runner.addresses[0][1]}/slack/events"
    await runner.cleanup()


async def _post(url: str, body: str, headers: dict[str, str]) -> int:
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=body, headers=headers) as r,
    ):
        return r.status


async def test_signed_slash_command_is_acked_and_responds(
    slack: FakeSlackAPI, bolt_url: str
) -> None:
    response_url = slack.response_url()
    body = slash_command_body("/ping", response_url=response_url)
    assert await _post(bolt_url, body, signed_headers(body, SECRET)) == 200
    await slack.wait_until(lambda: len(slack.responses(response_url)) == 1)
    assert slack.responses(response_url)[0].args == {"text": "pong"}
    assert len(slack.calls("auth.test")) == 1


@pytest.mark.parametrize("forgery", ["wrong secret", "stale timestamp"])
async def test_forged_or_stale_requests_get_401(
    slack: FakeSlackAPI, bolt_url: str, forgery: str
) -> None:
    body = slash_command_body("/ping", response_url=slack.response_url())
    if forgery == "wrong secret":
        headers = signed_headers(body, "not-the-secret")
    else:
        headers = signed_headers(body, SECRET, timestamp=int(time.time()) - 5 * 60 - 1)
    assert await _post(bolt_url, body, headers) == 401
    assert slack.responses() == []


async def test_async_dispatch_with_a_signed_command_and_a_button(slack: FakeSlackAPI) -> None:
    app = bolt_app(slack)
    command_url, action_url = slack.response_url(), slack.response_url()
    for body in (
        slash_command_body("/ping", response_url=command_url),
        block_actions_body("open_paper", "2405.12345", response_url=action_url),
    ):
        headers: dict[str, str | Sequence[str]] = {**signed_headers(body, SECRET)}
        response = await app.async_dispatch(AsyncBoltRequest(body=body, headers=headers))
        assert response.status == 200
    await slack.wait_until(lambda: len(slack.responses()) == 2)
    assert slack.responses(command_url)[0].args["text"] == "pong"
    assert slack.responses(action_url)[0].args["text"] == "opening 2405.12345"
