"""The real bot against the loopback Discord: login, sync, commands, autocomplete, components.

Every interaction goes through the fake's gateway (INTERACTION_CREATE) and comes back through
discord.py's HTTP layer (callback, followups, channel messages), so what is asserted is what
Discord would have received. Every message body is also judged by ``limits_check``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.discord.conftest import GUILD_READY, NEWEST, PINGING_PAPER, config_for, make_bot
from tests.discord.limits_check import PING, assert_sendable, texts_of
from tests.fakes import discord_payloads as build
from tests.fakes.discord_api import (
    MESSAGE_CREATE,
    FakeDiscord,
    Fault,
    InteractionRecord,
    StoredMessage,
    running_client,
)

import discord  # isort: skip  (after the fakes: see tests/fakes/discord_client.py)

from bot.core.archive.lookup import Lookup
from bot.core.delivery.poster import PostKey
from bot.discord.client import PaperBot, run_bot
from bot.discord.config import DiscordConfig
from bot.discord.errors import DiscordSetupError
from bot.discord.i18n import KOREAN
from bot.discord.render import clear_render_cache, render_cache_size

CARD = "2601.01234"  # the example digest's first paper, all seven sections
DEFERRED, MESSAGE, CHOICES, UPDATE = 5, 4, 8, 7


def custom_ids(components: list[dict[str, Any]]) -> list[str]:
    return [c["custom_id"] for row in components for c in row["components"] if "custom_id" in c]


def first_embed(record: InteractionRecord | StoredMessage) -> dict[str, Any]:
    assert record.embeds, f"no embed in {record}"
    return record.embeds[0]


def message_bodies(fake: FakeDiscord) -> Iterator[dict[str, Any]]:
    """Every message body the bot sent: channel posts, interaction responses, followups."""
    for request in fake.requests:
        body = request.json if isinstance(request.json, dict) else {}
        if request.route.endswith("/callback"):
            body = body.get("data") or {}
        if request.method in ("POST", "PATCH") and ("embeds" in body or "content" in body):
            yield {"embeds": [], **body}


def assert_private_answer(record: InteractionRecord) -> None:
    assert record.response_type == MESSAGE and record.ephemeral
    assert_sendable(record.data, "interaction response")


# -- login, READY, sync ----------------------------------------------------------------------


async def test_login_ready_and_commands_synced_to_the_dev_guild_in_korean_too(
    fake: FakeDiscord, lookup: Lookup
) -> None:
    bot = make_bot(fake, lookup)
    async with running_client(bot, fake):
        assert bot.is_ready() and bot.user is not None
        assert bot.application_id == fake.application_id
    routes = [r.route for r in fake.requests]
    assert routes[:2] == ["GET /users/@me", "GET /oauth2/applications/@me"]
    assert fake.gateway.sessions[0].identify["intents"] == 1  # GUILDS only
    assert fake.commands() == []
    commands = {c["name"]: c for c in fake.commands(fake.guild_id)}
    assert sorted(commands) == ["digest", "paper", "paper-search", "section"]
    assert {c.name for c in bot.synced} == set(commands)
    for command in commands.values():
        descriptions = [command, *command["options"]]
        for item in descriptions:
            assert item["description_localizations"]["ko"] == KOREAN[item["description"]]
    paper = {o["name"]: o for o in commands["paper"]["options"]}
    assert paper["ref"]["required"] and not paper["section"].get("required")
    assert all(o["autocomplete"] for o in paper.values())
    assert commands["paper"]["description"] == "Show a paper's summary card, or one section of it"


async def test_without_a_dev_guild_commands_sync_globally(
    fake: FakeDiscord, lookup: Lookup
) -> None:
    bot = make_bot(fake, lookup, config={"dev_guild_id": None, "shard_count": 1})
    async with running_client(bot, fake):
        record = await fake.slash_command("digest")
    assert sorted(c["name"] for c in fake.commands()) == sorted(
        ["digest", "paper", "paper-search", "section"]
    )
    assert fake.commands(fake.guild_id) == [] and bot.shard_count == 1
    assert_private_answer(record)


# -- the commands ----------------------------------------------------------------------------


async def test_paper_answers_privately_with_the_card_and_a_share_button(
    fake: FakeDiscord, lookup: Lookup
) -> None:
    async with running_client(make_bot(fake, lookup), fake):
        record = await fake.slash_command("paper", {"ref": f"https://arxiv.org/abs/{CARD}v2"})
    assert_private_answer(record)
    embed = first_embed(record)
    assert embed["url"] == f"https://huggingface.co/papers/{CARD}"
    assert embed["title"] == "작은 언어 모델을 위한 자기 검증 추론"
    assert embed["footer"]["text"] == f"{CARD} · 2026-01-05 · 1/3"
    assert [f["name"] for f in embed["fields"]][-1] == "7 · 후속 연구 아이디어 또는 확장 방향"
    assert custom_ids(record.components) == [
        f"paperbot:section:{CARD}:2026-01-05",
        f"paperbot:share:paper:{CARD}:2026-01-05",
        f"paperbot:like:{CARD}:2026-01-05",
        f"paperbot:save:{CARD}:2026-01-05",
    ]
    assert fake.messages() == []  # nothing public yet


async def test_paper_with_a_section_alias_answers_that_section_whole(
    fake: FakeDiscord, lookup: Lookup
) -> None:
    async with running_client(make_bot(fake, lookup), fake):
        record = await fake.slash_command("paper", {"ref": CARD, "section": "한계"})
    assert_private_answer(record)
    embed = first_embed(record)
    assert embed["author"]["name"] == "6 · 한계점 및 잠재적 실패 요인 · Limitations"
    assert "검증 질문 자체가 틀리면" in embed["description"]
    assert custom_ids(record.components) == [
        f"paperbot:share:section:limitations:{CARD}:2026-01-05"
    ]


async def test_unknown_paper_section_and_date_get_the_message_and_suggestions(
    fake: FakeDiscord, lookup: Lookup
) -> None:
    async with running_client(make_bot(fake, lookup), fake):
        paper = await fake.slash_command("paper", {"ref": "2601.01235"})
        section = await fake.slash_command("section", {"name": "conclusion", "paper": CARD})
        date = await fake.slash_command("digest", {"date": "2026-01-04"})
        garbage = await fake.slash_command("paper", {"ref": "@everyone please"})
    for record in (paper, section, date, garbage):
        assert_private_answer(record)
        assert first_embed(record)["title"] == "Not found"
    assert "2601.01235 is not in any digest" in first_embed(paper)["description"]
    assert CARD in first_embed(paper)["fields"][0]["value"]
    assert first_embed(paper)["footer"]["text"] == "Usage: /paper REF [SECTION] [DATE]"
    assert "`limitations` — Limitations · 한계점" in first_embed(section)["fields"][0]["value"]
    assert "2026-01-05" in first_embed(date)["fields"][0]["value"]
    assert not PING.search(first_embed(garbage)["description"])


async def test_help_and_empty_arguments_show_usage(fake: FakeDiscord, lookup: Lookup) -> None:
    async with running_client(make_bot(fake, lookup), fake):
        paper = await fake.slash_command("paper", {"ref": "help"})
        section = await fake.slash_command("section", {"name": "도움말"})
        search = await fake.slash_command("paper-search", {"query": " "})
        digest = await fake.slash_command("digest", {"date": "help"})
    assert first_embed(paper)["title"] == "/paper REF [SECTION] [DATE]"
    assert "/paper 2505.19590" in first_embed(paper)["fields"][0]["value"]
    assert "future-work" in first_embed(section)["fields"][-1]["value"]
    assert first_embed(search)["title"] == "/paper-search QUERY"
    assert first_embed(digest)["title"] == "/digest [DATE]"
    for record in (paper, section, search, digest):
        assert_private_answer(record)


async def test_section_without_a_paper_pages_through_the_newest_digest(
    fake: FakeDiscord, lookup: Lookup
) -> None:
    async with running_client(make_bot(fake, lookup), fake):
        record = await fake.slash_command("section", {"name": "results"})
        assert record.original is not None
        turned = await fake.click(record.original, f"paperbot:page:results:{NEWEST}:2")
    assert_private_answer(record)
    embed = first_embed(record)
    assert embed["title"] == f"5 · 정량적 결과 · Results — {NEWEST}"
    assert len(embed["fields"]) == 5 and "Results of paper 1" in embed["fields"][0]["value"]
    assert custom_ids(record.components) == [
        f"paperbot:share:page:results:{NEWEST}:1",
        f"paperbot:page:results:{NEWEST}:2",
    ]
    assert turned.response_type == UPDATE
    page_two = turned.data["embeds"][0]
    assert [f["name"][:2] for f in page_two["fields"]] == ["6.", "7."]
    assert_sendable(turned.data)


async def test_digest_lists_the_papers_one_line_each(fake: FakeDiscord, lookup: Lookup) -> None:
    async with running_client(make_bot(fake, lookup), fake):
        newest = await fake.slash_command("digest")
        older = await fake.slash_command("digest", {"date": "2026-01-05"})
    assert_private_answer(newest)
    embed = first_embed(newest)
    assert embed["title"] == f"Hugging Face Daily Papers – {NEWEST} · 7 papers"
    assert embed["description"].count("\n") == 6
    assert not PING.search(embed["description"])
    assert f"[{CARD}](https://huggingface.co/papers/{CARD})" in first_embed(older)["description"]


async def test_paper_search_defers_then_finds_korean_text(
    fake: FakeDiscord, lookup: Lookup
) -> None:
    async with running_client(make_bot(fake, lookup), fake):
        found = await fake.slash_command("paper-search", {"query": "되돌아가기"})
        nothing = await fake.slash_command("paper-search", {"query": "양자 중력"})
        answers = [(await fake.wait_for_followups(r))[0] for r in (found, nothing)]
    for record, answer in zip((found, nothing), answers, strict=True):
        assert record.response_type == DEFERRED and record.ephemeral
        assert answer.flags & 64 and record.original is answer
        assert_sendable(answer.sent, "search answer")
    description = first_embed(answers[0])["description"]
    assert CARD in description and "**되돌아가기**" in description
    assert custom_ids(answers[0].components) == ["paperbot:share:search:되돌아가기"]
    assert "No paper matches" in first_embed(answers[1])["description"]
    assert answers[1].components == []


async def test_slow_answers_defer_then_follow_up(fake: FakeDiscord, lookup: Lookup) -> None:
    async with running_client(make_bot(fake, lookup, defer_after=0.0), fake):
        record = await fake.slash_command("paper", {"ref": CARD})
        followups = await fake.wait_for_followups(record)
    assert record.response_type == DEFERRED and record.ephemeral
    assert record.original is not None and followups[0].id == record.original.id
    assert followups[0].embeds[0]["url"].endswith(CARD)
    assert followups[0].flags & 64  # still ephemeral after the edit


# -- autocomplete ----------------------------------------------------------------------------


async def test_autocomplete_papers_sections_and_dates(fake: FakeDiscord, lookup: Lookup) -> None:
    async with running_client(make_bot(fake, lookup), fake):
        newest = await fake.autocomplete("paper", {"ref": ""}, focused="ref")
        by_prefix = await fake.autocomplete(
            "section", {"name": "x", "paper": "2601.0"}, focused="paper"
        )
        alias = await fake.autocomplete("section", {"name": "한계"}, focused="name")
        number = await fake.autocomplete("paper", {"ref": CARD, "section": "7"}, focused="section")
        dates = await fake.autocomplete("digest", {"date": "2026"}, focused="date")
    for record in (newest, by_prefix, alias, number, dates):
        assert record.response_type == CHOICES
        assert 1 <= len(record.choices) <= 25
        assert all(1 <= len(c["name"]) <= 100 and len(c["value"]) <= 100 for c in record.choices)
    assert [c["value"] for c in newest.choices] == [f"2601.0900{n}" for n in range(1, 8)]
    assert newest.choices[1]["name"] == "2601.09002 · Paper 2"
    assert {c["value"] for c in by_prefix.choices} >= {CARD, "2601.09001"}
    assert alias.choices[0] == {
        "name": "6 · Limitations · 한계점 및 잠재적 실패 요인",
        "value": "limitations",
    }
    assert number.choices[0]["value"] == "future-work"
    assert [c["value"] for c in dates.choices] == [NEWEST, "2026-01-05"]


# -- components: the section menu and "Post to channel" --------------------------------------


async def test_the_section_menu_answers_privately_with_the_section_whole(
    fake: FakeDiscord, lookup: Lookup
) -> None:
    async with running_client(make_bot(fake, lookup), fake):
        card = await fake.slash_command("paper", {"ref": CARD})
        assert card.original is not None
        chosen = await fake.click(
            card.original,
            f"paperbot:section:{CARD}:2026-01-05",
            component_type=3,
            values=["architecture"],
        )
    assert_private_answer(chosen)
    embed = first_embed(chosen)
    assert embed["author"]["name"].startswith("3 · 모델 아키텍처 및 학습 설정")
    assert "1.5B 파라미터" in embed["description"]


async def test_share_posts_the_card_in_the_channel_once(fake: FakeDiscord, lookup: Lookup) -> None:
    share_id = f"paperbot:share:paper:{CARD}:2026-01-05"
    async with running_client(make_bot(fake, lookup), fake):
        card = await fake.slash_command("paper", {"ref": CARD})
        assert card.original is not None
        first = await fake.click(card.original, share_id)
        again = await fake.click(card.original, share_id)
        confirmations = [await fake.wait_for_followups(r) for r in (first, again)]
    posted = fake.messages()
    assert len(posted) == 1, "a second click must not post a second card"
    message = posted[0]
    assert message.nonce == PostKey(str(fake.channel_id), "share", f"{share_id}#0").token
    assert message.enforce_nonce and message.allowed_mentions == {"parse": []}
    assert message.embeds[0]["url"].endswith(CARD)
    assert custom_ids(message.components) == [
        f"paperbot:section:{CARD}:2026-01-05",
        f"paperbot:like:{CARD}:2026-01-05",
        f"paperbot:save:{CARD}:2026-01-05",
    ]
    assert first.response_type == DEFERRED and first.ephemeral
    for followups in confirmations:
        assert followups[0].content.startswith("Posted: https://discord.com/channels/")


async def test_a_429_is_retried_by_discord_py_and_the_card_posted_once(
    fake: FakeDiscord, lookup: Lookup
) -> None:
    fake.inject(Fault.rate_limit(retry_after=0.5, match=MESSAGE_CREATE))
    async with running_client(make_bot(fake, lookup), fake):
        card = await fake.slash_command("paper", {"ref": CARD})
        assert card.original is not None
        share = await fake.click(card.original, f"paperbot:share:paper:{CARD}:2026-01-05")
        await fake.wait_for_followups(share)
    assert fake.rate_limited == 1
    assert [r.status for r in fake.requests_matching(MESSAGE_CREATE)] == [429, 200]
    assert len(fake.messages()) == 1


async def test_sharing_where_the_bot_may_not_post_says_why(
    fake: FakeDiscord, lookup: Lookup
) -> None:
    fake.forbid(fake.channel_id, 50013)
    async with running_client(make_bot(fake, lookup), fake):
        record = await fake.slash_command("digest")
        assert record.original is not None
        share = await fake.click(record.original, f"paperbot:share:digest:{NEWEST}")
        followups = await fake.wait_for_followups(share)
    assert "cannot post in this channel" in followups[0].content
    assert fake.messages() == []


async def test_a_digest_quoting_mentions_pings_no_one(fake: FakeDiscord, lookup: Lookup) -> None:
    async with running_client(make_bot(fake, lookup), fake):
        records = [
            await fake.slash_command("paper", {"ref": PINGING_PAPER}),
            await fake.slash_command("section", {"name": "limitations"}),
            await fake.slash_command("digest"),
            await fake.slash_command("paper-search", {"query": "everyone"}),
        ]
        await fake.wait_for_followups(records[-1])
        for record in records:
            assert record.original is not None
            share_id = next(i for i in custom_ids(record.original.components) if ":share:" in i)
            await fake.wait_for_followups(await fake.click(record.original, share_id))
    assert len(fake.messages()) == 4
    sent = list(message_bodies(fake))
    assert len(sent) >= 4 + 4 + 4  # answers, shared posts, "Posted" confirmations
    for body in sent:
        texts = [str(body.get("content") or ""), *(t for e in body["embeds"] for t in texts_of(e))]
        assert not any(PING.search(t) for t in texts), texts
        assert body.get("allowed_mentions") == {"parse": []}, body
    assert "@\u200beveryone" in first_embed(records[0])["title"]
    for message in fake.messages():
        assert message.nonce and message.enforce_nonce


async def test_automatic_sharding_follows_discord_and_answers_in_every_shard(
    lookup: Lookup,
) -> None:
    bot_user = build.user_payload(username="paperbot", bot=True)
    human = build.user_payload(username="tester")
    guilds = [build.default_guild(bot_user, human, guild_id=n << 22) for n in (1000, 1001)]

    class QuickShards(PaperBot):
        async def before_identify_hook(
            self, shard_id: int | None, *, initial: bool = False
        ) -> None:
            return None  # discord.py waits 5 s between IDENTIFYs, as Discord requires

    async with FakeDiscord(
        guilds=guilds, bot_user=bot_user, shard_count=2, time_scale=0.01
    ) as fake:
        config = config_for(fake, dev_guild_id=None)
        bot = QuickShards(lookup=lookup, config=config, guild_ready_timeout=GUILD_READY)
        async with running_client(bot, fake):
            assert bot.shard_count == 2
            second = int(guilds[1]["channels"][0]["id"])
            records = [
                await fake.slash_command("digest"),
                await fake.slash_command("digest", channel_id=second),
            ]
    assert {s.shard for s in fake.gateway.sessions} == {(0, 2), (1, 2)}
    for record in records:
        assert_private_answer(record)


async def test_failures_are_told_to_the_user_not_left_thinking(
    fake: FakeDiscord, lookup: Lookup
) -> None:
    async with running_client(make_bot(fake, lookup), fake):
        card = await fake.slash_command("paper", {"ref": CARD})
        assert card.original is not None
        fake.inject(Fault.rate_limit(via=False, match=MESSAGE_CREATE))  # discord.py gives up
        failed = await fake.click(card.original, f"paperbot:share:paper:{CARD}:2026-01-05")
        told = await fake.wait_for_followups(failed)
        old = "paperbot:share:paper:from-an-old-version"
        button = {"type": 2, "style": 1, "label": "Post to channel", "custom_id": old}
        posted_long_ago = {
            **card.original.payload,
            "components": [{"type": 1, "components": [button]}],
        }
        stale = await fake.click(posted_long_ago, old)
    busy = "Sorry, Discord could not take my answer just now (error 429)"
    assert told[0].content.startswith(busy)
    assert told[0].flags & 64
    assert stale.ephemeral and "older paperbot" in stale.content
    assert fake.messages() == []


async def test_the_newest_digest_is_rendered_before_the_first_command(
    fake: FakeDiscord, lookup: Lookup
) -> None:
    clear_render_cache()
    async with running_client(make_bot(fake, lookup), fake):
        rendered = render_cache_size()
    assert rendered >= 7 * 7  # seven papers of seven sections each


async def test_run_bot_refuses_a_missing_or_wrong_token(fake: FakeDiscord, lookup: Lookup) -> None:
    config = config_for(fake)
    with pytest.raises(DiscordSetupError, match="DISCORD_TOKEN is not set"):
        await run_bot(lookup, config, "")
    with pytest.raises(DiscordSetupError, match="refused DISCORD_TOKEN") as refused:
        await run_bot(lookup, config, "not-the-token", guild_ready_timeout=GUILD_READY)
    assert "not-the-token" not in str(refused.value)


async def test_run_bot_out_of_reach_is_a_setup_error(
    lookup: Lookup, closed_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)  # restored after
    base = f"http://127.0.0.1:{closed_port}/api/v10"
    with pytest.raises(DiscordSetupError, match=f"^cannot reach Discord at {base} "):
        await run_bot(lookup, DiscordConfig(api_base_url=base), "a-token")
