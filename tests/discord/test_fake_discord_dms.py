"""Direct messages through the loopback Discord fake, driven by the real discord.py client.

Why these tests: a bot that DMs users (reminders, exports) meets two production-only failures,
a user who refuses DMs (403 / 50007) and one Discord does not know (404 / 10013). The fake
must answer both exactly as Discord does so the bot's handling is tested against what
discord.py really raises, and DM routes must be rate limited like every other route.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator

import aiohttp
import pytest

# The fakes import discord.py first (see tests/fakes/discord_client.py).
from tests.fakes.discord_api import FakeDiscord, RateLimits, RouteLimit, running_client
from tests.fakes.discord_ratelimit import MESSAGE_CREATE_ROUTE

import discord  # isort: skip

GUILD_READY = 0.1
CREATE_DM = "POST /users/@me/channels"
UNKNOWN_USER_ID = 4242 << 22


class ManualClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(time_scale=0.01) as server:
        yield server


def make_client() -> discord.Client:
    """A plain client with the default intents (they include ``DIRECT_MESSAGES``)."""
    return discord.Client(intents=discord.Intents.default(), guild_ready_timeout=GUILD_READY)


async def test_fetch_user_create_dm_and_send_are_stored_per_user(fake: FakeDiscord) -> None:
    member = int(fake.user["id"])
    client = make_client()
    async with running_client(client, fake):
        user = await client.fetch_user(member)
        dm = await user.create_dm()
        echoed = asyncio.ensure_future(client.wait_for("message"))
        first = await user.send("hello")
        second = await dm.send("again")
        seen = await asyncio.wait_for(echoed, fake.wait_timeout)
    assert user.name == "tester" and isinstance(dm, discord.DMChannel)
    assert dm.recipient is not None and dm.recipient.id == member
    assert first.channel.id == second.channel.id == dm.id == fake.dm_channel_id(member)
    assert [m.content for m in fake.direct_messages(member)] == ["hello", "again"]
    assert fake.messages() == []  # nothing leaked into the guild channel
    assert isinstance(seen.channel, discord.DMChannel) and seen.content == "hello"
    assert fake.state.channels[dm.id]["type"] == 1
    assert "guild_id" not in fake.direct_messages(member)[0].payload


async def test_the_dm_channel_id_is_the_same_for_every_create(fake: FakeDiscord) -> None:
    member = int(fake.user["id"])
    headers = {"Authorization": f"Bot {fake.token}"}
    url = f"{fake.base_url}/users/@me/channels"
    async with aiohttp.ClientSession(headers=headers) as http:
        bodies = []
        for _ in range(2):
            async with http.post(url, json={"recipient_id": str(member)}) as reply:
                assert reply.status == 200
                bodies.append(await reply.json())
    assert bodies[0]["id"] == bodies[1]["id"] == str(fake.dm_channel_id(member))
    assert bodies[0]["type"] == 1
    assert [u["id"] for u in bodies[0]["recipients"]] == [str(member)]


async def test_a_user_who_refuses_dms_raises_forbidden_50007(fake: FakeDiscord) -> None:
    member = int(fake.user["id"])
    fake.refuse_dms(member)
    client = make_client()
    async with running_client(client, fake):
        user = await client.fetch_user(member)
        with pytest.raises(discord.Forbidden) as caught:
            await user.send("you will not see this")
        fake.accept_dms(member)
        await user.send("now you do")
    assert caught.value.status == 403 and caught.value.code == 50007
    assert caught.value.text == "Cannot send messages to this user"
    assert [m.content for m in fake.direct_messages(member)] == ["now you do"]


async def test_unknown_users_are_404_10013_and_the_bot_cannot_dm_itself(
    fake: FakeDiscord,
) -> None:
    client = make_client()
    async with running_client(client, fake):
        with pytest.raises(discord.NotFound) as fetched:
            await client.fetch_user(UNKNOWN_USER_ID)
        with pytest.raises(discord.NotFound) as opened:
            await client.http.start_private_message(UNKNOWN_USER_ID)
        with pytest.raises(discord.HTTPException) as itself:
            await client.http.start_private_message(int(fake.bot_user["id"]))
    assert fetched.value.code == opened.value.code == 10013
    assert (itself.value.status, itself.value.code) == (400, 50007)
    assert fake.direct_messages(UNKNOWN_USER_ID) == []


async def test_a_user_outside_the_guild_gets_a_dm_with_a_file(fake: FakeDiscord) -> None:
    stranger = fake.add_user("stranger")
    client = make_client()
    async with running_client(client, fake):
        user = await client.fetch_user(int(stranger["id"]))
        attachment = discord.File(io.BytesIO(b"@article{x}\n"), filename="saved.bib")
        sent = await user.send("your export", file=attachment)
    stored = (await fake.wait_for_direct_messages(int(stranger["id"]), 1))[0]
    assert stored.content == "your export"
    assert [(a.filename, a.content) for a in stored.attachments] == [
        ("saved.bib", b"@article{x}\n")
    ]
    assert sent.attachments[0].size == len(b"@article{x}\n")


async def test_dm_routes_have_rate_limit_buckets_discord_py_waits_for() -> None:
    # 0.2 s windows: long enough that a loaded machine does not see a window reset between
    # two back-to-back requests, short enough to keep the test quick.
    limits = RateLimits(
        routes={CREATE_DM: RouteLimit(1, 2.0), MESSAGE_CREATE_ROUTE: RouteLimit(2, 2.0)}
    )
    async with FakeDiscord(time_scale=0.1, rate_limits=limits) as fake:
        first, second = int(fake.user["id"]), int(fake.add_user("second")["id"])
        client = make_client()
        async with running_client(client, fake):
            for user_id in (first, second):  # the second create waits for the bucket
                user = await client.fetch_user(user_id)
                for n in range(3):  # the third message waits for the DM channel's bucket
                    await user.send(f"dm {n}")
        creates = fake.requests_matching(CREATE_DM)
        sends = fake.requests_matching(f"POST /channels/{fake.dm_channel_id(first)}/messages")
    assert fake.rate_limited == 0  # discord.py read the headers and waited instead
    assert [r.response_headers["X-RateLimit-Limit"] for r in creates] == ["1", "1"]
    assert creates[0].response_headers["X-RateLimit-Remaining"] == "0"
    assert [r.response_headers["X-RateLimit-Remaining"] for r in sends] == ["1", "0", "1"]
    assert len(fake.direct_messages(first)) == len(fake.direct_messages(second)) == 3


async def test_a_burst_of_dm_creates_gets_429_with_retry_after() -> None:
    clock = ManualClock()  # frozen: the window cannot reset between the two requests
    limits = RateLimits(routes={CREATE_DM: RouteLimit(1, 5.0)})
    async with FakeDiscord(time_scale=0.01, clock=clock, rate_limits=limits) as fake:
        headers = {"Authorization": f"Bot {fake.token}"}
        body = {"recipient_id": fake.user["id"]}
        url = f"{fake.base_url}/users/@me/channels"
        replies = []
        async with aiohttp.ClientSession(headers=headers) as http:
            for advance in (0.0, 0.0, 0.05):
                clock.now += advance
                async with http.post(url, json=body) as reply:
                    replies.append((reply.status, await reply.json(), dict(reply.headers)))
    (ok, _, _), (limited, refusal, refused_headers), (again, _, _) = replies
    assert (ok, limited, again) == (200, 429, 200)
    assert refusal["retry_after"] == pytest.approx(0.05) and refusal["global"] is False
    assert refused_headers["X-RateLimit-Remaining"] == "0"
    assert refused_headers["X-RateLimit-Scope"] == "user"
