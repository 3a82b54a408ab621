"""File uploads and direct messages on the fake Slack API, driven by the real slack_sdk client.

``files_upload_v2`` is three HTTP exchanges (get an upload URL, POST the bytes there, complete
the upload) and a DM is a conversation the bot opens with a user; if the fake got any of them
wrong, an adapter test could pass against the fake and fail against Slack.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import AsyncIterator

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from tests.fakes.slack_api import UPLOAD_URL, FakeSlackAPI
from tests.fakes.slack_faults import Fault
from tests.fakes.slack_ratelimit import ManualClock, RateLimiter, SlackRateLimit


def test_tiered_methods_share_one_bucket_per_method_at_the_tier_rate() -> None:
    # Tier 3 is 50 calls a minute: after the burst, the next call waits 60/50 = 1.2 s.
    clock = ManualClock()
    limiter = RateLimiter(SlackRateLimit(tier_burst=2), time_scale=1.0, clock=clock)
    assert limiter.admit("conversations.open", "") is None
    assert limiter.admit("conversations.open", "") is None
    wait = limiter.admit("conversations.open", "")
    assert wait is not None and wait == pytest.approx(1.2)
    assert limiter.retry_after(wait) == "2"
    assert limiter.admit("files.getUploadURLExternal", "") is None  # its own bucket
    clock.advance(1.2)
    assert limiter.admit("conversations.open", "") is None


CHANNEL = "C0PAPERS"
ALICE = "U0ALICE"
CLOSED = "U0CLOSED"
PDF = b"%PDF-1.7\n\x00\x01\xff binary \r\n bytes\n"


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlackAPI]:
    async with FakeSlackAPI(channels={CHANNEL}, dm_refused={CLOSED: "cannot_dm_bot"}) as fake:
        yield fake


def client_for(slack: FakeSlackAPI) -> AsyncWebClient:
    """The real client, without retry handlers: every answer reaches the test as sent."""
    return AsyncWebClient(token=slack.bot_token, base_url=slack.base_url, retry_handlers=[])


# --- files --------------------------------------------------------------------------------------


async def test_files_upload_v2_to_a_channel_reads_back_the_exact_bytes(
    slack: FakeSlackAPI,
) -> None:
    response = await client_for(slack).files_upload_v2(
        channel=CHANNEL, filename="digest.pdf", content=PDF, initial_comment="today's digest"
    )

    (uploaded,) = slack.uploads(CHANNEL)
    assert uploaded.content == PDF
    assert (uploaded.name, uploaded.title, uploaded.initial_comment) == (
        "digest.pdf",
        "digest.pdf",
        "today's digest",
    )
    assert response["file"]["id"] == uploaded.id
    get_url, upload, complete = slack.requests
    assert (get_url.method, upload.method, complete.method) == (
        "files.getUploadURLExternal",
        UPLOAD_URL,
        "files.completeUploadExternal",
    )
    assert get_url.args["length"] == str(len(PDF))
    assert upload.body == PDF and "Authorization" not in upload.headers
    assert complete.channel == CHANNEL and all(r.ok for r in slack.requests)


async def test_files_upload_v2_to_a_user_lands_in_the_dm(slack: FakeSlackAPI) -> None:
    await client_for(slack).files_upload_v2(
        channels=[ALICE], filename="notes.md", content="# héllo", title="Notes"
    )

    (uploaded,) = slack.uploads(ALICE)
    assert slack.uploads(slack.dm_channel_id(ALICE)) == [uploaded]
    assert (uploaded.channel, uploaded.user_facing_channel) == ("D0ALICE", ALICE)
    assert (uploaded.title, uploaded.content) == ("Notes", "# héllo".encode())


async def test_a_multipart_upload_and_a_private_completion(slack: FakeSlackAPI) -> None:
    client = client_for(slack)
    reserved = await client.files_getUploadURLExternal(filename="a.txt", length=3)
    assert reserved["upload_url"].startswith("http://127.0.0.1:")
    form = aiohttp.FormData()
    form.add_field("filename", b"abc", filename="a.txt")
    async with aiohttp.ClientSession() as session:
        async with session.post(reserved["upload_url"], data=form) as answer:
            assert (answer.status, await answer.text()) == (200, "OK - 3")
        async with session.post(slack.upload_url("F404"), data=b"x") as answer:
            assert answer.status == 404

    await client.files_completeUploadExternal(files=[{"id": reserved["file_id"]}])
    (private,) = slack.workspace.files.uploaded
    assert (private.content, private.channel) == (b"abc", None)
    with pytest.raises(SlackApiError, match="file_not_found"):  # completed once only
        await client.files_completeUploadExternal(files=[{"id": reserved["file_id"]}])


async def test_upload_refusals_share_nothing(slack: FakeSlackAPI) -> None:
    client = client_for(slack)
    with pytest.raises(SlackApiError, match="invalid_channel"):
        await client.files_upload_v2(channel="C0NOWHERE", filename="a", content=b"a")
    with pytest.raises(SlackApiError, match="cannot_dm_bot"):
        await client.files_upload_v2(channels=[CHANNEL, CLOSED], filename="b", content=b"b")
    with pytest.raises(SlackApiError, match="missing_argument"):
        await client.files_getUploadURLExternal(filename="empty", length=0)
    unsent = await client.files_getUploadURLExternal(filename="c", length=1)
    with pytest.raises(SlackApiError, match="file_not_found"):  # bytes never uploaded
        await client.files_completeUploadExternal(files=[{"id": unsent["file_id"]}])
    assert slack.workspace.files.uploaded == []


# --- direct messages ------------------------------------------------------------------------------


async def test_open_a_dm_and_post_into_it_by_dm_id_or_user_id(slack: FakeSlackAPI) -> None:
    client = client_for(slack)
    opened = await client.conversations_open(users=ALICE)
    dm = opened["channel"]["id"]
    assert dm == slack.dm_channel_id(ALICE) == "D0ALICE"
    again = await client.conversations_open(users=ALICE, return_im=True)
    assert again["already_open"] and again["channel"]["user"] == ALICE

    first = await client.chat_postMessage(channel=dm, text="by DM id")
    second = await client.chat_postMessage(channel=ALICE, text="by user id")

    assert second["channel"] == dm  # Slack answers with the DM, not the user
    assert [m.text for m in slack.direct_messages(ALICE)] == ["by DM id", "by user id"]
    assert [m.ts for m in slack.direct_messages(ALICE)] == [first["ts"], second["ts"]]
    assert slack.direct_messages("U0NOBODY") == []
    info = await client.conversations_info(channel=dm)
    assert info["channel"]["is_im"] and info["channel"]["user"] == ALICE


@pytest.mark.parametrize("error", ["user_disabled", "user_not_found", "cannot_dm_bot"])
async def test_a_user_refusing_dms_gets_the_documented_error(
    slack: FakeSlackAPI, error: str
) -> None:
    slack.refuse_dms(ALICE, error)
    client = client_for(slack)
    for call in (
        client.conversations_open(users=ALICE),
        client.chat_postMessage(channel=ALICE, text="hi"),
        client.chat_postMessage(channel="D0ALICE", text="hi"),
    ):
        with pytest.raises(SlackApiError) as raised:
            await call
        assert raised.value.response.status_code == 200
        assert raised.value.response["error"] == error
    assert slack.direct_messages(ALICE) == []

    slack.allow_dms(ALICE)
    await client.chat_postMessage(channel=ALICE, text="now")
    assert [m.text for m in slack.direct_messages(ALICE)] == ["now"]


async def test_messages_tab_disabled_opens_the_dm_but_refuses_the_post(
    slack: FakeSlackAPI,
) -> None:
    slack.refuse_dms(ALICE, "messages_tab_disabled")
    client = client_for(slack)
    opened = await client.conversations_open(users=ALICE)
    with pytest.raises(SlackApiError, match="messages_tab_disabled"):
        await client.chat_postMessage(channel=opened["channel"]["id"], text="hi")


async def test_constructor_refusals_and_declared_channels(slack: FakeSlackAPI) -> None:
    client = client_for(slack)
    with pytest.raises(SlackApiError, match="cannot_dm_bot"):
        await client.conversations_open(users=CLOSED)
    with pytest.raises(SlackApiError, match="user_not_found"):
        await client.conversations_open(users="not-a-user")
    with pytest.raises(SlackApiError, match="method_not_supported_for_channel_type"):
        await client.conversations_open(channel=CHANNEL)
    # Declared channels still refuse unknown C… IDs; DMs are not channel_not_found.
    with pytest.raises(SlackApiError, match="channel_not_found"):
        await client.chat_postMessage(channel="C0UNKNOWN", text="x")
    await client.chat_postMessage(channel="D0BOB", text="x")
    assert [m.text for m in slack.direct_messages("U0BOB")] == ["x"]


# --- faults and rate limits -------------------------------------------------------------------


async def test_injected_faults_reach_the_new_methods(slack: FakeSlackAPI) -> None:
    client = client_for(slack)
    slack.faults.inject("conversations.open", Fault.api_error("fatal_error"))
    slack.faults.inject(UPLOAD_URL, Fault.server_error(503))
    slack.faults.inject("files.completeUploadExternal", Fault.ratelimited(7), channel=CHANNEL)
    with pytest.raises(SlackApiError, match="fatal_error"):
        await client.conversations_open(users=ALICE)
    with pytest.raises(SlackRequestError, match="status: 503"):
        await client.files_upload_v2(channel=CHANNEL, filename="a", content=b"a")
    with pytest.raises(SlackApiError) as raised:
        await client.files_upload_v2(channel=CHANNEL, filename="a", content=b"a")
    assert raised.value.response.status_code == 429
    assert raised.value.response.headers["Retry-After"] == "7"
    assert slack.uploads(CHANNEL) == [] and slack.faults.pending == 0


@pytest.mark.parametrize(
    "method", ["files.getUploadURLExternal", "files.completeUploadExternal", "conversations.open"]
)
async def test_the_new_methods_check_the_token(slack: FakeSlackAPI, method: str) -> None:
    wrong = AsyncWebClient(token="xoxb-wrong", base_url=slack.base_url, retry_handlers=[])
    with pytest.raises(SlackApiError, match="invalid_auth"):
        await wrong.api_call(method, params={"users": ALICE, "filename": "a", "length": 1})
    with pytest.raises(SlackApiError, match="not_allowed_token_type"):
        await client_for(slack).api_call(method, params={"token": slack.app_token})
    assert [r.error for r in slack.calls(method)] == ["invalid_auth", "not_allowed_token_type"]


@pytest.mark.parametrize(
    ("method", "tier_seconds"),
    [("conversations.open", 60 / 50), ("files.getUploadURLExternal", 60 / 100)],
)
async def test_429_with_retry_after_for_tiered_methods(method: str, tier_seconds: float) -> None:
    clock = ManualClock()
    policy = SlackRateLimit(tier_burst=2)
    async with FakeSlackAPI(rate_limit=policy, clock=clock) as slack:
        client = client_for(slack)

        async def call() -> AsyncSlackResponse:
            if method == "conversations.open":
                return await client.conversations_open(users=ALICE)
            return await client.files_getUploadURLExternal(filename="a", length=1)

        await call()
        await call()
        with pytest.raises(SlackApiError) as raised:
            await call()
        assert raised.value.response.status_code == 429
        assert raised.value.response["error"] == "ratelimited"
        assert raised.value.response.headers["Retry-After"] == str(math.ceil(tier_seconds))
        clock.advance(tier_seconds)
        await call()
        assert slack.stats.ratelimited_enforced == 1


async def test_a_scaled_client_gets_through_a_tiered_limit_in_order() -> None:
    # Retry-After is in Slack seconds; the client sleeps it × time_scale, as the engine will.
    # Tier 4 refills one call per 0.6 Slack seconds: 30 ms here, far longer than a loopback
    # upload takes, so the second upload always meets a 429.
    scale = 0.05
    policy = SlackRateLimit(tier_burst=1)
    async with FakeSlackAPI(rate_limit=policy, time_scale=scale) as slack:
        client = client_for(slack)
        for n in range(4):
            while True:
                try:
                    await client.files_upload_v2(
                        channel=CHANNEL, filename=f"{n}.txt", content=str(n)
                    )
                    break
                except SlackApiError as exc:
                    assert exc.response.status_code == 429
                    await asyncio.sleep(int(exc.response.headers["Retry-After"]) * scale)
        assert [f.content for f in slack.uploads(CHANNEL)] == [b"0", b"1", b"2", b"3"]
        assert slack.stats.ratelimited_enforced >= 1
