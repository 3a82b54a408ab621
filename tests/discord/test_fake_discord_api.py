"""The loopback Discord fake, exercised by the real discord.py client.

Each test starts a fresh fake on 127.0.0.1 and, where it needs one, a real ``discord.Client``
logged in against it. Nothing sleeps waiting for luck: tests await the fake's state
(``wait_until``) or discord.py's own coroutines, bounded by the fake's ``wait_timeout``.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

# The fakes import discord.py first, with the stdlib ``audioop`` DeprecationWarning silenced
# (see tests/fakes/discord_client.py); a bare ``import discord`` ahead of them fails collection.
from tests.fakes import discord_payloads as build
from tests.fakes.discord_api import (
    MESSAGE_CREATE,
    FakeDiscord,
    Fault,
    RateLimits,
    RouteLimit,
    running_client,
)
from tests.fakes.discord_faults import FaultPlan
from tests.fakes.discord_ratelimit import RateLimiter, ScaledTime
from tests.fakes.discord_state import InteractionRecord
from tests.fakes.discord_validation import FormErrors, validate_commands, validate_message

import discord  # isort: skip
from discord import app_commands  # isort: skip

GUILD_READY = 0.1  # discord.py waits this long after the last GUILD_CREATE before on_ready


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


def make_bot() -> tuple[discord.Client, app_commands.CommandTree[discord.Client]]:
    """A client with the commands the tests invoke, registered globally."""
    client = discord.Client(intents=discord.Intents.default(), guild_ready_timeout=GUILD_READY)
    tree = app_commands.CommandTree(client)

    @tree.command()
    async def ping(interaction: discord.Interaction) -> None:
        """Answer privately."""
        await interaction.response.send_message("pong", ephemeral=True)

    @tree.command()
    async def slow(interaction: discord.Interaction) -> None:
        """Defer, then follow up with a card."""
        await interaction.response.defer(thinking=True)
        await interaction.followup.send("done", embed=discord.Embed(title="Card"))

    @tree.command()
    @app_commands.describe(query="Words from the title")
    async def paper(interaction: discord.Interaction, query: str) -> None:
        """Look a paper up."""
        await interaction.response.send_message(f"looking for {query}")

    @paper.autocomplete("query")
    async def paper_titles(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        titles = ["Diffusion Forcing", "Diffusion Policy", "Direct Preference Optimization"]
        return [app_commands.Choice(name=t, value=t) for t in titles if t.startswith(current)]

    return client, tree


def text_channel(client: discord.Client, channel_id: int) -> discord.TextChannel:
    channel = client.get_channel(channel_id)
    assert isinstance(channel, discord.TextChannel)
    return channel


# -- login, gateway, commands ----------------------------------------------------------------


async def test_client_logs_in_reaches_ready_and_sees_the_guild(fake: FakeDiscord) -> None:
    client, _ = make_bot()
    async with running_client(client, fake):
        assert client.is_ready()
        assert client.user is not None and client.user.id == int(fake.bot_user["id"])
        guild = client.get_guild(fake.guild_id)
        assert guild is not None and guild.name == "paperbot-test"
        assert [c.name for c in guild.text_channels] == ["papers", "general"]
        assert client.application_id == fake.application_id
    session = fake.gateway.sessions[0]
    assert session.identify["intents"] == discord.Intents.default().value
    assert fake.gateway.heartbeats >= 1  # discord.py beats once right after HELLO
    assert [r.route for r in fake.requests[:2]] == [
        "GET /users/@me",
        "GET /oauth2/applications/@me",
    ]


async def test_command_tree_sync_to_a_guild_stores_the_commands(fake: FakeDiscord) -> None:
    client, tree = make_bot()
    async with running_client(client, fake):
        guild = discord.Object(fake.guild_id)
        tree.copy_global_to(guild=guild)
        synced = await tree.sync(guild=guild)
        resynced = await tree.sync(guild=guild)
    stored = fake.commands(fake.guild_id)
    assert sorted(c["name"] for c in stored) == ["paper", "ping", "slow"]
    assert {c.id for c in synced} == {int(c["id"]) for c in stored} == {c.id for c in resynced}
    paper = next(c for c in stored if c["name"] == "paper")
    assert paper["options"][0]["autocomplete"] is True
    assert fake.commands() == []  # nothing global


async def test_invalid_commands_are_refused_like_discord(fake: FakeDiscord) -> None:
    client, _ = make_bot()
    bad = [{"name": "Bad Name", "description": "", "type": 1}]
    async with running_client(client, fake):
        with pytest.raises(discord.HTTPException) as caught:
            await client.http.bulk_upsert_guild_commands(fake.application_id, fake.guild_id, bad)
    assert caught.value.status == 400 and caught.value.code == 50035
    assert "In 0.name" in caught.value.text and "In 0.description" in caught.value.text


# -- interactions ----------------------------------------------------------------------------


async def test_slash_command_ephemeral_reply_reaches_the_callback(fake: FakeDiscord) -> None:
    client, _ = make_bot()
    async with running_client(client, fake):
        record = await fake.slash_command("ping")
    assert record.response_type == 4
    assert record.content == "pong" and record.flags == 64 and record.ephemeral
    assert fake.messages() == []  # ephemeral replies are not channel history
    callback = fake.requests_matching("POST /interactions/*/*/callback")[0]
    assert callback.query == {"with_response": "1"} and callback.status == 200


async def test_deferred_command_followup_edits_the_thinking_message(fake: FakeDiscord) -> None:
    client, _ = make_bot()
    async with running_client(client, fake):
        record = await fake.slash_command("slow")
        followups = await fake.wait_for_followups(record)
    assert record.response_type == 5
    assert record.original is not None and followups[0].id == record.original.id
    assert followups[0].content == "done" and followups[0].embeds[0]["title"] == "Card"
    assert followups[0].flags == 0  # the loading flag is gone, and the defer was public
    assert [m.content for m in fake.messages()] == ["done"]


async def test_autocomplete_gets_a_type_8_answer_with_choices(fake: FakeDiscord) -> None:
    client, _ = make_bot()
    async with running_client(client, fake):
        record = await fake.autocomplete("paper", {"query": "Diff"}, focused="query")
    assert record.response_type == 8
    assert [c["name"] for c in record.choices] == ["Diffusion Forcing", "Diffusion Policy"]


async def test_persistent_button_click_updates_the_message(fake: FakeDiscord) -> None:
    class More(discord.ui.View):
        def __init__(self) -> None:
            super().__init__(timeout=None)

        @discord.ui.button(label="More", custom_id="paper:more")
        async def more(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
            await interaction.response.edit_message(content="expanded", view=self)

    client, _ = make_bot()
    async with running_client(client, fake):
        client.add_view(More())
        await text_channel(client, fake.channel_id).send("card", view=More())
        card = (await fake.wait_for_messages(1))[0]
        record = await fake.click(card, "paper:more")
    assert record.response_type == 7
    assert card.content == "expanded"
    assert card.components[0]["components"][0]["custom_id"] == "paper:more"


async def test_callbacks_are_answered_once_and_expire() -> None:
    clock = ManualClock()
    async with FakeDiscord(clock=clock, interaction_deadline=3.0) as fake:
        payload = {"id": "1", "token": "t", "type": 2, "channel_id": str(fake.channel_id)}
        fake.state.interactions[1] = InteractionRecord(1, "t", payload, created_at=clock.now)
        fake.state.interactions[2] = InteractionRecord(2, "t2", payload, created_at=clock.now)
        body = {"type": 4, "data": {"content": "hi"}}
        url = f"{fake.base_url}/interactions/{{}}/{{}}/callback?with_response=1"
        async with aiohttp.ClientSession() as http:
            statuses = []
            for interaction_id, token in [("1", "t"), ("1", "t"), ("9", "t")]:
                async with http.post(url.format(interaction_id, token), json=body) as reply:
                    statuses.append((reply.status, await reply.json()))
            too_long = {"type": 4, "data": {"content": "x" * 2001}}
            async with http.post(url.format("2", "t2"), json=too_long) as invalid:
                errors = (await invalid.json())["errors"]
                assert invalid.status == 400 and "content" in errors["data"]
            clock.now += 3.5
            async with http.post(url.format("2", "t2"), json=body) as late:
                assert (late.status, (await late.json())["code"]) == (404, 10062)
    (ok, first), (again, second), (unknown, third) = statuses
    assert ok == 200 and first["resource"]["message"]["content"] == "hi"
    assert first["interaction"]["response_message_id"] == first["resource"]["message"]["id"]
    assert (again, second["code"]) == (400, 40060) and (unknown, third["code"]) == (404, 10062)


# -- messages: nonce, limits, errors, history, threads ---------------------------------------


async def test_send_records_nonce_and_allowed_mentions_and_dedupes_the_nonce(
    fake: FakeDiscord,
) -> None:
    client, _ = make_bot()
    none = discord.AllowedMentions.none()
    async with running_client(client, fake):
        channel = text_channel(client, fake.channel_id)
        first = await channel.send("card", nonce="card-1", allowed_mentions=none)
        again = await channel.send("card", nonce="card-1", allowed_mentions=none)
        general = int(fake.state.guilds[0]["channels"][1]["id"])
        other = await text_channel(client, general).send("card", nonce="card-1")
    assert first.id == again.id != other.id  # nonces are deduplicated per channel
    stored = fake.messages()
    assert len(stored) == 1 and len(fake.messages(general)) == 1
    assert stored[0].nonce == "card-1" and stored[0].enforce_nonce
    assert stored[0].allowed_mentions == {"parse": []}


async def test_a_nonce_is_forgotten_after_the_window() -> None:
    clock = ManualClock()
    async with FakeDiscord(clock=clock, nonce_window=300.0, rate_limits=RateLimits.off()) as fake:
        client, _ = make_bot()
        async with running_client(client, fake):
            channel = text_channel(client, fake.channel_id)
            first = await channel.send("card", nonce="card-1")
            clock.now += 301.0
            second = await channel.send("card", nonce="card-1")
    assert first.id != second.id


async def test_embed_over_a_limit_raises_http_exception_400(fake: FakeDiscord) -> None:
    client, _ = make_bot()
    async with running_client(client, fake):
        channel = text_channel(client, fake.channel_id)
        with pytest.raises(discord.HTTPException) as caught:
            await channel.send(embed=discord.Embed(title="x" * 257))
    assert caught.value.status == 400 and caught.value.code == 50035
    assert "In embeds.0.title: Must be 256 or fewer in length." in caught.value.text
    assert fake.messages() == []


async def test_missing_permissions_and_unknown_channel(fake: FakeDiscord) -> None:
    client, _ = make_bot()
    fake.forbid(fake.channel_id, 50013)
    async with running_client(client, fake):
        with pytest.raises(discord.Forbidden) as forbidden:
            await text_channel(client, fake.channel_id).send("card")
        with pytest.raises(discord.NotFound) as missing:
            await client.get_partial_messageable(12345).send("card")
    assert forbidden.value.code == 50013 and missing.value.code == 10003


async def test_history_pages_newest_first_and_threads_take_the_message_id(
    fake: FakeDiscord,
) -> None:
    client, _ = make_bot()
    async with running_client(client, fake):
        channel = text_channel(client, fake.channel_id)
        sent = [await channel.send(f"card {i}") for i in range(5)]
        newest = [m.content async for m in channel.history(limit=3)]
        after = [m.content async for m in channel.history(after=sent[1], oldest_first=True)]
        thread = await sent[0].create_thread(name="discussion")
        await thread.send("reply")
        fetched = await client.fetch_channel(thread.id)
    assert isinstance(fetched, discord.Thread) and fetched.name == "discussion"
    assert newest == ["card 4", "card 3", "card 2"]
    assert after == ["card 2", "card 3", "card 4"]
    assert thread.id == sent[0].id and thread.parent_id == fake.channel_id
    assert [m.content for m in fake.messages(thread.id)] == ["reply"]


async def test_edit_delete_and_file_uploads(fake: FakeDiscord) -> None:
    client, _ = make_bot()
    async with running_client(client, fake):
        channel = text_channel(client, fake.channel_id)
        card = await channel.send("draft", file=discord.File(io.BytesIO(b"png"), "card.png"))
        edited = await card.edit(content="final", embed=discord.Embed(title="Card"))
        doomed = await channel.send("oops")
        await doomed.delete()
    assert card.attachments[0].filename == "card.png"
    assert edited.content == "final" and edited.embeds[0].title == "Card"
    assert [m.content for m in fake.messages()] == ["final"]
    upload = fake.requests_matching(MESSAGE_CREATE)[0]
    assert upload.files == ["card.png"] and upload.json["content"] == "draft"
    assert upload.uploads[0].content == b"png"
    kept = fake.messages()[0].attachments
    assert [(a.filename, a.content, a.size) for a in kept] == [("card.png", b"png", 3)]


class CardView(discord.ui.View):
    """Two button rows, as a paper card with paging and actions has."""

    def __init__(self) -> None:
        super().__init__(timeout=None)
        self.add_item(discord.ui.Button(label="Prev", custom_id="card:prev", row=0))
        self.add_item(discord.ui.Button(label="Next", custom_id="card:next", row=0))
        self.add_item(discord.ui.Button(label="Save", custom_id="card:save", row=1))


async def test_edits_keep_components_and_follow_discords_attachment_rule(
    fake: FakeDiscord,
) -> None:
    client, _ = make_bot()
    async with running_client(client, fake):
        channel = text_channel(client, fake.channel_id)
        card = await channel.send("draft", file=discord.File(io.BytesIO(b"v1"), "card.txt"))
        card = await card.edit(content="final", view=CardView())  # files untouched
        stored = fake.messages()[0]
        rows = [[c["custom_id"] for c in row["components"]] for row in stored.components]
        kept = [(a.filename, a.content) for a in stored.attachments]
        extra = discord.File(io.BytesIO(b"v2"), "more.txt")
        card = await card.edit(attachments=[card.attachments[0], extra])  # keep one, add one
        both = [(a.filename, a.content) for a in stored.attachments]
        await card.edit(attachments=[])
    assert rows == [["card:prev", "card:next"], ["card:save"]]
    assert stored.content == "final" and kept == [("card.txt", b"v1")]
    assert both == [("card.txt", b"v1"), ("more.txt", b"v2")]
    assert stored.attachments == [] and stored.payload["attachments"] == []
    assert [r["type"] for r in stored.components] == [1, 1]  # still there after file edits


def make_export_bot() -> discord.Client:
    """A client whose commands answer with files, privately, in each way discord.py can."""
    client = discord.Client(intents=discord.Intents.default(), guild_ready_timeout=GUILD_READY)
    tree = app_commands.CommandTree(client)

    @tree.command()
    async def export(interaction: discord.Interaction) -> None:
        """Send the export as the response, then a second file as a followup."""
        bib = discord.File(io.BytesIO(b"@article{a,\n}\n"), filename="saved.bib")
        await interaction.response.send_message(file=bib, ephemeral=True)
        notes = discord.File(io.BytesIO("노트\n".encode()), filename="notes.txt")
        await interaction.followup.send("notes", file=notes, ephemeral=True)

    @tree.command(name="export-later")
    async def export_later(interaction: discord.Interaction) -> None:
        """Defer privately, then deliver the file through the followup."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        csv = discord.File(io.BytesIO(b"id,title\n1,x\n"), filename="papers.csv")
        await interaction.followup.send(file=csv, ephemeral=True)

    class Attach(discord.ui.View):
        def __init__(self) -> None:
            super().__init__(timeout=None)

        @discord.ui.button(label="Attach", custom_id="card:attach")
        async def attach(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
            png = discord.File(io.BytesIO(b"\x89PNG"), filename="figure.png")
            await interaction.response.edit_message(attachments=[png], view=self)

    client.add_view(Attach())

    @tree.command()
    async def card(interaction: discord.Interaction) -> None:
        """A public card with a button that attaches a figure."""
        await interaction.response.send_message("card", view=Attach())

    return client


async def test_interaction_responses_and_followups_keep_file_bytes(fake: FakeDiscord) -> None:
    client = make_export_bot()
    async with running_client(client, fake):
        record = await fake.slash_command("export")
        followup = (await fake.wait_for_followups(record))[0]
        later = await fake.slash_command("export-later")
        delivered = (await fake.wait_for_followups(later))[0]
    assert record.ephemeral and record.response_type == 4
    assert [(a.filename, a.content) for a in record.attachments] == [
        ("saved.bib", b"@article{a,\n}\n")
    ]
    assert record.original is not None
    assert record.original.payload["attachments"][0]["size"] == len(b"@article{a,\n}\n")
    assert followup.ephemeral and followup.content == "notes"
    assert followup.attachments[0].filename == "notes.txt"
    assert followup.attachments[0].text == "노트\n"
    assert later.ephemeral and later.original is not None
    assert delivered.id == later.original.id  # the deferred placeholder, edited
    assert delivered.flags == 64  # still ephemeral, no longer loading
    assert delivered.attachments[0].content == b"id,title\n1,x\n"
    assert fake.messages() == []  # ephemeral: nothing in channel history


async def test_an_update_callback_can_attach_a_file(fake: FakeDiscord) -> None:
    client = make_export_bot()
    async with running_client(client, fake):
        record = await fake.slash_command("card")
        assert record.original is not None
        clicked = await fake.click(record.original, "card:attach")
    assert clicked.response_type == 7
    assert [(a.filename, a.content) for a in fake.messages()[0].attachments] == [
        ("figure.png", b"\x89PNG")
    ]
    assert fake.messages()[0].components[0]["components"][0]["custom_id"] == "card:attach"


# -- rate limits and faults ------------------------------------------------------------------


async def test_queued_429_is_retried_by_discord_py_and_stored_once(fake: FakeDiscord) -> None:
    client, _ = make_bot()
    fake.inject(Fault.rate_limit(retry_after=0.5, match=MESSAGE_CREATE))
    async with running_client(client, fake):
        await text_channel(client, fake.channel_id).send("card", nonce="card-1")
    assert len(fake.messages()) == 1
    assert fake.rate_limited == 1
    attempts = fake.requests_matching(MESSAGE_CREATE)
    assert [r.status for r in attempts] == [429, 200]
    assert attempts[0].response_headers["Via"] == "1.1 google"
    assert attempts[0].response_headers["Content-Type"] == "application/json"


async def test_global_429_and_429_without_via(fake: FakeDiscord) -> None:
    client, _ = make_bot()
    fake.inject(Fault.rate_limit(retry_after=0.5, is_global=True, match=MESSAGE_CREATE))
    async with running_client(client, fake):
        channel = text_channel(client, fake.channel_id)
        await channel.send("retried after the global limit")
        fake.inject(Fault.rate_limit(via=False, match=MESSAGE_CREATE))
        with pytest.raises(discord.HTTPException) as caught:
            await channel.send("treated as a Cloudflare ban")
    assert caught.value.status == 429
    first = fake.requests_matching(MESSAGE_CREATE)[0].response_headers
    assert first["X-RateLimit-Global"] == "true" and first["X-RateLimit-Scope"] == "global"
    assert fake.rate_limited == 2 and len(fake.messages()) == 1


async def test_bucket_headers_let_discord_py_wait_instead_of_hitting_429(
    fake: FakeDiscord,
) -> None:
    client, _ = make_bot()
    async with running_client(client, fake):
        channel = text_channel(client, fake.channel_id)
        for i in range(6):
            await channel.send(f"card {i}")
    attempts = fake.requests_matching(MESSAGE_CREATE)
    headers = attempts[4].response_headers
    assert headers["X-RateLimit-Limit"] == "5" and headers["X-RateLimit-Remaining"] == "0"
    assert 0 < float(headers["X-RateLimit-Reset-After"]) <= 0.05  # 5 s scaled by 0.01
    assert headers["X-RateLimit-Bucket"] == attempts[0].response_headers["X-RateLimit-Bucket"]
    assert fake.rate_limited == 0 and len(fake.messages()) == 6


async def test_lost_response_then_retry_with_the_same_nonce_posts_once(fake: FakeDiscord) -> None:
    client, _ = make_bot()
    fake.inject(Fault.drop(after_commit=True, match=MESSAGE_CREATE))
    async with running_client(client, fake):
        channel = text_channel(client, fake.channel_id)
        with pytest.raises(aiohttp.ServerDisconnectedError):
            await channel.send("card", nonce="card-1")
        retried = await channel.send("card", nonce="card-1")
    assert [m.id for m in fake.messages()] == [retried.id]
    assert [r.status for r in fake.requests_matching(MESSAGE_CREATE)] == [None, 200]


async def test_server_error_after_commit_is_retried_and_deduplicated(fake: FakeDiscord) -> None:
    client, _ = make_bot()  # discord.py waits a real 1 s before retrying a 5xx
    fake.inject(Fault.server_error(500, after_commit=True, match=MESSAGE_CREATE))
    async with running_client(client, fake):
        await text_channel(client, fake.channel_id).send("card", nonce="card-1")
    assert len(fake.messages()) == 1
    assert [r.status for r in fake.requests_matching(MESSAGE_CREATE)] == [500, 200]


async def test_delays_hold_the_reply_before_or_after_the_message_is_stored(
    fake: FakeDiscord,
) -> None:
    client, _ = make_bot()
    async with running_client(client, fake):
        channel = text_channel(client, fake.channel_id)
        for after_commit in (True, False):
            fake.inject(Fault.delay(20.0, after_commit=after_commit, match=MESSAGE_CREATE))
            with pytest.raises(TimeoutError):
                async with asyncio.timeout(0.05):  # the bot gives up before the 0.2 s reply
                    await channel.send(f"after_commit={after_commit}")
            stored = [m.content for m in fake.messages()]
            assert stored == ["after_commit=True"]  # stored at once only after commit
        await fake.wait_for_messages(2)  # the held request is processed once its delay ends


def test_random_faults_repeat_with_the_seed() -> None:
    faults = [Fault.rate_limit(match=MESSAGE_CREATE), Fault.drop(match=MESSAGE_CREATE)]

    def draw(seed: int) -> list[str | None]:
        plan = FaultPlan()
        plan.randomly(faults, probability=0.5, seed=seed)
        picks = [plan.take("POST", "/channels/1/messages") for _ in range(20)]
        return [f.kind if f else None for f in picks]

    assert draw(7) == draw(7) != draw(8)
    assert FaultPlan().take("GET", "/channels/1/messages") is None


def test_rate_limiter_buckets_per_channel_and_global_window() -> None:
    clock = ManualClock()
    config = RateLimits(routes={"POST /c": RouteLimit(2, 5.0)}, global_per_second=3)
    limiter = RateLimiter(config, ScaledTime(0.01, clock))
    verdicts = [limiter.check("POST /c", "1").retry_after for _ in range(3)]
    assert verdicts[:2] == [None, None] and verdicts[2] == pytest.approx(0.05)
    assert limiter.check("POST /c", "2").retry_after is not None  # global: 4th request
    clock.now += 0.05
    assert limiter.check("POST /c", "1").retry_after is None


# -- validation ------------------------------------------------------------------------------


def _error_paths(body: dict[str, Any]) -> set[str]:
    """Where Discord would complain, as the dotted paths discord.py prints ("embeds.0.title")."""
    errors = FormErrors()
    validate_message(body, errors)
    return _flatten(errors.body()["errors"]) if errors else set()


def _flatten(tree: dict[str, Any], prefix: str = "") -> set[str]:
    paths = {prefix.rstrip(".")} if "_errors" in tree else set()
    for key, child in tree.items():
        if key != "_errors":
            paths |= _flatten(child, f"{prefix}{key}.")
    return paths


def _row(*components: dict[str, Any]) -> dict[str, Any]:
    return {"components": [{"type": 1, "components": list(components)}]}


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"content": "x" * 2001}, "content"),
        ({"embeds": [{"title": "t"}] * 11}, "embeds"),
        ({"embeds": [{"description": "x" * 4097}]}, "embeds.0.description"),
        ({"embeds": [{"fields": [{"name": "n", "value": "v"}] * 26}]}, "embeds.0.fields"),
        ({"embeds": [{"fields": [{"name": "n" * 257, "value": "v"}]}]}, "embeds.0.fields.0.name"),
        ({"embeds": [{"fields": [{"name": "n", "value": "v" * 1025}]}]}, "embeds.0.fields.0.value"),
        ({"embeds": [{"footer": {"text": "x" * 2049}}]}, "embeds.0.footer.text"),
        ({"embeds": [{"author": {"name": "x" * 257}}]}, "embeds.0.author.name"),
        ({"embeds": [{"description": "x" * 4000}, {"description": "x" * 2001}]}, "embeds"),
        (  # titles, footers and field texts of every embed count towards the 6,000 too
            {
                "embeds": [
                    {"title": "t" * 256, "description": "x" * 4096},
                    {"fields": [{"name": "n", "value": "v" * 1000}], "footer": {"text": "f" * 648}},
                ]
            },
            "embeds",
        ),
        ({"components": [{"type": 1, "components": []}] * 6}, "components"),
        (
            _row({"type": 3, "custom_id": "s", "options": [{}] * 26}),
            "components.0.components.0.options",
        ),
        (
            _row({"type": 3, "custom_id": "s", "options": [{"label": "a", "value": "v"}] * 2}),
            "components.0.components.0.options.1",
        ),
        (_row({"type": 2, "custom_id": "x" * 101}), "components.0.components.0.custom_id"),
        (_row(*[{"type": 2, "custom_id": str(i)} for i in range(6)]), "components.0.components"),
        ({"content": "x", "nonce": "n" * 26}, "nonce"),
    ],
)
def test_message_limits(body: dict[str, Any], path: str) -> None:
    assert _error_paths(body) == {path}


def test_message_at_the_limits_is_accepted() -> None:
    embed = {
        "title": "t" * 256,
        "description": "d" * 4096,
        "fields": [{"name": "n" * 256, "value": "v" * 1024}],
        "footer": {"text": "f" * 100},
        "author": {"name": "a" * 256},
    }
    assert _error_paths({"content": "x" * 2000, "embeds": [embed]}) == set()


def test_ten_embeds_of_6000_characters_and_2000_of_content_are_accepted() -> None:
    """The most a message may carry: the content does not count towards the embeds' 6,000."""
    embeds = [{"description": "d" * 590, "footer": {"text": "f" * 10}}] * 10
    assert _error_paths({"content": "x" * 2000, "embeds": embeds}) == set()
    over = [*embeds[:9], {"description": "d" * 591, "footer": {"text": "f" * 10}}]
    assert _error_paths({"content": "x" * 2000, "embeds": over}) == {"embeds"}


def test_command_limits() -> None:
    choices = [{"name": f"c{i}", "value": str(i)} for i in range(26)]
    option = {"name": "q", "description": "q", "type": 3, "choices": choices}
    commands: list[dict[str, Any]] = [
        {"name": "x" * 33, "description": "ok"},
        {"name": "ok", "description": "d" * 101},
        {"name": "opts", "description": "ok", "options": [option]},
        {"name": "paper", "description": "Look a paper up"},
    ]
    errors = FormErrors()
    validate_commands(commands, errors)
    assert _flatten(errors.body()["errors"]) == {"0.name", "1.description", "2.options.0.choices"}


# -- sharding --------------------------------------------------------------------------------


async def test_auto_sharded_client_identifies_every_shard_and_splits_guilds() -> None:
    bot = build.user_payload(username="paperbot", bot=True)
    human = build.user_payload(username="tester")
    guilds = [build.default_guild(bot, human, guild_id=n << 22) for n in (1000, 1001)]

    class QuickShards(discord.AutoShardedClient):
        async def before_identify_hook(
            self, shard_id: int | None, *, initial: bool = False
        ) -> None:
            return None  # discord.py sleeps 5 s before every non-initial IDENTIFY

    async with FakeDiscord(guilds=guilds, bot_user=bot, shard_count=2) as fake:
        client = QuickShards(intents=discord.Intents.default(), guild_ready_timeout=GUILD_READY)
        async with running_client(client, fake):
            assert client.shard_count == 2
            assert {g.id: g.shard_id for g in client.guilds} == {1000 << 22: 0, 1001 << 22: 1}
    assert {s.shard for s in fake.gateway.sessions} == {(0, 2), (1, 2)}


async def test_gateway_reconnect_resumes_the_session(fake: FakeDiscord) -> None:
    client, _ = make_bot()
    async with running_client(client, fake, reconnect=True):
        await fake.gateway.reconnect()
        await fake.wait_until(lambda: fake.gateway.sessions[0].resumes == 1, "a RESUME")
        await fake.wait_until(lambda: bool(fake.gateway.live_sessions()), "a live session")
        record = await fake.slash_command("ping")
    assert record.content == "pong" and len(fake.gateway.sessions) == 1


async def test_replies_are_exact_json_and_require_the_bot_token(fake: FakeDiscord) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{fake.base_url}/users/@me") as anonymous:
            assert anonymous.status == 401
        headers = {"Authorization": f"Bot {fake.token}"}
        async with http.get(f"{fake.base_url}/gateway/bot", headers=headers) as reply:
            assert reply.headers["Content-Type"] == "application/json"
            body = await reply.json()
    assert body["url"] == fake.gateway_url and body["shards"] == 1
    assert body["session_start_limit"]["max_concurrency"] == 1
