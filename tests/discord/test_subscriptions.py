"""/subscribe, /unsubscribe and /subscriptions through the real bot and the loopback Discord.

Admin is the Manage Channels permission (bit 4) or Administrator (bit 3) in the member's
``permissions`` of the interaction; the fake's default member has neither.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.discord.conftest import NEWEST, PINGING_PAPER, make_bot
from tests.fakes.clock import FakeClock
from tests.fakes.discord_api import FakeDiscord, InteractionRecord, running_client
from tests.fakes.discord_payloads import DEFAULT_PERMISSIONS

from bot.core.archive.lookup import Lookup  # isort: skip  (after the fakes import discord.py)
from bot.core.answers.subscription_answers import SubscriptionDesk
from bot.core.cards.paper_meta import PaperMeta
from bot.core.daily.planner import Planner
from bot.core.daily.subscriptions import Subscriptions
from bot.core.delivery.outbox import Outbox
from bot.discord.i18n import KOREAN
from bot.storage.sqlite.store import Store

MANAGER = str(int(DEFAULT_PERMISSIONS) | 1 << 4)
#: The newest digest's seven papers (paper 1 quotes @everyone).
NEWEST_PAPERS = [f"2601.0900{n}" for n in range(1, 8)]
ADMINISTRATOR = str(int(DEFAULT_PERMISSIONS) | 1 << 3)
MESSAGE = 4


@pytest.fixture
async def subscriptions(tmp_path: Path) -> AsyncIterator[Subscriptions]:
    async with Store.open(tmp_path / "subs.db") as store:
        yield Subscriptions(store, FakeClock())  # 2026-01-01T00:00Z


@pytest.fixture
async def fake_with_bot(
    fake: FakeDiscord, lookup: Lookup, subscriptions: Subscriptions
) -> AsyncIterator[FakeDiscord]:
    desk = SubscriptionDesk(subscriptions, FakeClock(), "discord")
    async with running_client(make_bot(fake, lookup, desk=desk), fake):
        yield fake


def private_text(record: InteractionRecord) -> str:
    assert record.response_type == MESSAGE and record.ephemeral
    assert record.data.get("allowed_mentions") == {"parse": []}
    return record.content


async def test_commands_are_for_channel_managers_and_translated(fake_with_bot: FakeDiscord) -> None:
    commands = {c["name"]: c for c in fake_with_bot.commands(fake_with_bot.guild_id)}
    for name in ("subscribe", "unsubscribe", "subscriptions"):
        assert commands[name]["default_member_permissions"] == str(1 << 4)
        for item in (commands[name], *commands[name]["options"]):
            assert item["description_localizations"]["ko"] == KOREAN[item["description"]]
    options = {o["name"]: o for o in commands["subscribe"]["options"]}
    # str ×3, bool, str ×3, int ×2, str (choices) ×2, bool ×2, str (choices); 25 allowed
    assert [o["type"] for o in options.values()] == [3, 3, 3, 5, 3, 3, 3, 4, 4, 3, 3, 5, 5, 3]
    assert [c["value"] for c in options["rank"]["choices"]] == ["upvotes", "likes"]
    assert all(len(o["description"]) <= 100 for o in options.values())
    assert (options["top"]["min_value"], options["top"]["max_value"]) == (0, 100)
    assert [c["value"] for c in options["mode"]["choices"]] == ["cards", "digest", "weekly"]
    assert options["mode"]["choices"][0]["name_localizations"]["ko"] == "카드: 논문마다 카드 하나"
    assert [c["value"] for c in options["weekday"]["choices"]][4] == "fri"
    for typed in ("timezone", "sections", "include", "exclude", "authors"):
        assert options[typed]["autocomplete"], typed
    assert not any(o.get("required") for o in options.values())


async def test_a_manager_subscribes_lists_and_unsubscribes(
    fake_with_bot: FakeDiscord, subscriptions: Subscriptions
) -> None:
    fake, channel = fake_with_bot, fake_with_bot.channel_id
    options = {"time": "7:30", "timezone": "America/New_York", "sections": "한계, results"}
    said = private_text(
        await fake.slash_command("subscribe", {**options, "thread": True}, permissions=MANAGER)
    )
    assert said.startswith(f"Subscribed <#{channel}>: 07:30 America/New_York · 5 results, 6 l")
    assert "cards in a thread under the day's header · next Thu 2026-01-01 07:30 EST" in said
    sub = await subscriptions.get("discord", str(channel))
    assert sub is not None and sub.in_thread and sub.source == "chat"
    other = await fake.create_channel("reading-group")
    await fake.slash_command("subscribe", channel_id=other, permissions=ADMINISTRATOR)
    await subscriptions.add("discord", "424242", time="08:00")  # another server's channel
    listing = private_text(await fake.slash_command("subscriptions", permissions=MANAGER))
    assert listing.startswith("2 subscribed channels:")
    assert f"<#{other}> — 08:00 Asia/Seoul · all sections" in listing
    assert "424242" not in listing
    gone = private_text(await fake.slash_command("unsubscribe", permissions=MANAGER))
    assert gone.startswith(f"Unsubscribed <#{channel}>")
    assert await subscriptions.get("discord", str(channel)) is None


@pytest.mark.parametrize("command", ["subscribe", "unsubscribe", "subscriptions"])
async def test_members_without_manage_channels_are_refused_politely(
    fake_with_bot: FakeDiscord, subscriptions: Subscriptions, command: str
) -> None:
    said = private_text(await fake_with_bot.slash_command(command))
    assert said.startswith("Sorry, only members with the Manage Channels permission")
    assert await subscriptions.list() == ()


async def test_a_bad_option_explains_itself_and_changes_nothing(
    fake_with_bot: FakeDiscord, subscriptions: Subscriptions
) -> None:
    record = await fake_with_bot.slash_command(
        "subscribe", {"timezone": "@everyone/Mars"}, permissions=MANAGER
    )
    said = private_text(record)
    assert "unknown timezone '@\u200beveryone/Mars'" in said
    assert "`/subscribe [TIME] [TIMEZONE] [SECTIONS] [thread] [include:…" in said
    assert await subscriptions.list() == ()


async def test_timezone_and_section_autocomplete(fake_with_bot: FakeDiscord) -> None:
    zones = await fake_with_bot.autocomplete("subscribe", {"timezone": "berl"}, focused="timezone")
    assert [c["value"] for c in zones.choices] == ["Europe/Berlin"]
    seoul = await fake_with_bot.autocomplete("subscribe", {"timezone": "seo"}, focused="timezone")
    assert seoul.choices[0]["value"] == "Asia/Seoul"
    sections = await fake_with_bot.autocomplete(
        "subscribe", {"sections": "results,lim"}, focused="sections"
    )
    assert sections.choices[0]["value"] == "results,limitations"


@pytest.fixture
async def planned(
    fake: FakeDiscord, lookup: Lookup, subscriptions: Subscriptions
) -> AsyncIterator[FakeDiscord]:
    """The bot with a planner over the archive (newest: the pinging digest)."""
    store: Any = lookup.store
    clock = FakeClock()
    planner = Planner(store, Outbox(store, clock))
    desk = SubscriptionDesk(subscriptions, clock, "discord", planner=planner, archive=store)
    async with running_client(make_bot(fake, lookup, desk=desk), fake):
        yield fake


async def test_filters_are_saved_listed_and_previewed_without_pinging(
    planned: FakeDiscord, subscriptions: Subscriptions
) -> None:
    options = {"include": '"Paper 2",Paper', "exclude": '"Paper 3"', "top": 3, "mode": "digest"}
    said = private_text(await planned.slash_command("subscribe", options, permissions=MANAGER))
    assert (
        'digest mode (one listing a day) · include "Paper 2", "Paper" · exclude "Paper 3"' in said
    )
    sub = await subscriptions.get("discord", str(planned.channel_id))
    assert sub is not None and sub.mode == "digest" and sub.filters.top == 3
    listing = private_text(await planned.slash_command("subscriptions", permissions=MANAGER))
    assert 'exclude "Paper 3" · top 3' in listing
    record = await planned.slash_command("subscribe", {"preview": True}, permissions=MANAGER)
    preview = private_text(record)
    assert preview.startswith(f"Preview for <#{planned.channel_id}> (nothing is changed)")
    assert f"From the digest of {NEWEST}" in preview and PINGING_PAPER in preview
    assert 'excluded by "Paper 3"' in preview and "upvotes unknown" in preview
    assert "@everyone" not in preview and "<@123456789012345678>" not in preview
    assert len(preview) <= 2000
    assert await subscriptions.get("discord", str(planned.channel_id)) == sub


@pytest.mark.parametrize(
    "options",
    [
        {"include": "x" * 10_000},
        {"include": "@everyone"},
        {"exclude": "<@123>"},
        {"authors": "<!channel>"},
    ],
)
async def test_hostile_filters_are_refused_and_ping_nobody(
    planned: FakeDiscord, subscriptions: Subscriptions, options: dict[str, object]
) -> None:
    said = private_text(await planned.slash_command("subscribe", options, permissions=MANAGER))
    assert "`/subscribe [TIME]" in said and len(said) <= 2000
    for ping in ("@everyone", "<@123>", "<!channel>"):
        assert ping not in said
    assert await subscriptions.list() == ()


#: Filter terms that would format (a masked link, bold, spoiler, code, italics, strike, an
#: angle-bracket link) if a reply echoed them as they are; matching takes them literally.
MARKUP_TERMS = ("[click](https://evil.example)", "**x**", "||x||", "`x`", "*x*", "_x_", "~x~",
                "<https://evil|x>")  # fmt: skip


async def test_hostile_markup_is_kept_and_shown_as_typed_in_every_reply(
    planned: FakeDiscord, subscriptions: Subscriptions
) -> None:
    """Markup in a term is accepted (matching is literal) but never rendered: /subscribe,
    /subscriptions and the preview all escape it, Markdown and ``<`` alike."""
    options = {"exclude": ",".join(f'"{term}"' for term in MARKUP_TERMS)}
    said = private_text(await planned.slash_command("subscribe", options, permissions=MANAGER))
    listing = private_text(await planned.slash_command("subscriptions", permissions=MANAGER))
    record = await planned.slash_command("subscribe", {"preview": True}, permissions=MANAGER)
    preview = private_text(record)
    shown = (
        r'exclude "\[click](https://evil.example)", "\*\*x\*\*", "\|\|x\|\|", "\`x\`", '
        r'"\*x\*", "\_x\_", "\~x\~", "\<https://evil|x>"'
    )
    for reply in (said, listing, preview):
        assert shown in reply
        for term in MARKUP_TERMS:
            assert f'"{term}"' not in reply
    assert "7 of 7 papers would be posted" in preview
    sub = await subscriptions.get("discord", str(planned.channel_id))
    assert sub is not None and [t.text for t in sub.filters.exclude] == list(MARKUP_TERMS)


async def test_a_regex_is_a_literal_term_and_weekly_shows_the_weekday(
    planned: FakeDiscord, subscriptions: Subscriptions
) -> None:
    preview = private_text(
        await planned.slash_command(
            "subscribe", {"include": ".*", "preview": True}, permissions=MANAGER
        )
    )
    assert "none of the 7 papers would be posted" in preview
    assert await subscriptions.list() == ()
    options = {"mode": "weekly", "weekday": "fri", "empty_note": True}
    said = private_text(await planned.slash_command("subscribe", options, permissions=MANAGER))
    assert "Fridays 08:00 Asia/Seoul · weekly mode" in said and "top 10" in said
    assert "a note on days nothing matches" in said


async def enrich(lookup: Lookup, *metas: PaperMeta) -> None:
    """Hugging Face's metadata for some of the newest digest's papers, as enrichment keeps it."""
    store: Any = lookup.store
    await store.metadata.save(list(metas))


def values(record: InteractionRecord) -> list[str]:
    """The autocomplete answer's values; every name shows its value (within Discord's limits)."""
    assert record.response_type == 8  # choices
    assert all(c["name"] == c["value"] and len(c["value"]) <= 100 for c in record.choices)
    return [c["value"] for c in record.choices]


async def test_include_completes_the_second_term_channel_terms_first(
    planned: FakeDiscord, lookup: Lookup
) -> None:
    await enrich(
        lookup,
        PaperMeta(NEWEST_PAPERS[0], keywords=("@everyone", "reinforcement learning")),
        PaperMeta(NEWEST_PAPERS[1], keywords=("reinforcement learning", "retrieval", "<@1> re")),
    )
    await planned.slash_command("subscribe", {"include": "reward"}, permissions=MANAGER)
    typed = {"include": '"강화 학습",re'}
    record = await planned.autocomplete("subscribe", typed, focused="include", permissions=MANAGER)
    assert values(record) == [
        '"강화 학습",reward', '"강화 학습","reinforcement learning"', '"강화 학습",retrieval',
    ]  # fmt: skip
    # Papers without keywords offer their title words: "Paper" of papers 3 to 7.
    exclude = await planned.autocomplete(
        "subscribe", {"exclude": "RL pa"}, focused="exclude", permissions=MANAGER
    )
    assert values(exclude) == ["RL Paper"]
    # The channel's own terms are for its managers only.
    member = await planned.autocomplete("subscribe", typed, focused="include")
    assert values(member) == ['"강화 학습","reinforcement learning"', '"강화 학습",retrieval']


async def test_authors_are_suggested_from_the_newest_digest(
    planned: FakeDiscord, lookup: Lookup
) -> None:
    await enrich(
        lookup,
        PaperMeta(NEWEST_PAPERS[0], authors=("Yann LeCun", "@everyone")),
        PaperMeta(NEWEST_PAPERS[1], authors=("Geoffrey Hinton", "Yann LeCun")),
        PaperMeta(NEWEST_PAPERS[2], authors=("<@123456789012345678>",)),
    )
    await planned.slash_command("subscribe", {"authors": '"Alan Kay"'}, permissions=MANAGER)

    async def authors(typed: str) -> list[str]:
        options = {"authors": typed}
        return values(
            await planned.autocomplete("subscribe", options, focused="authors", permissions=MANAGER)
        )

    assert await authors("") == ['"Alan Kay"', '"Yann LeCun"', '"Geoffrey Hinton"']
    assert await authors("hin") == ['"Geoffrey Hinton"']
    assert await authors('"Yann LeCun",') == [
        '"Yann LeCun","Alan Kay"',
        '"Yann LeCun","Geoffrey Hinton"',
    ]


@pytest.mark.parametrize(
    "options",
    [
        {"include": "@everyone"},
        {"include": "RL,@every"},
        {"exclude": "RL,<@123"},
        {"authors": "<!channel>,Hin"},
        {"include": "x" * 10_000},
    ],
)
async def test_hostile_typing_is_answered_with_no_suggestions(
    planned: FakeDiscord, lookup: Lookup, options: dict[str, str]
) -> None:
    await enrich(lookup, PaperMeta(NEWEST_PAPERS[0], keywords=("everyone",), authors=("Hinton",)))
    (focused,) = options
    record = await planned.autocomplete("subscribe", options, focused=focused, permissions=MANAGER)
    assert values(record) == []


async def test_suggestions_keep_to_25_choices_of_100_characters(
    planned: FakeDiscord, lookup: Lookup
) -> None:
    def keyword(n: int, size: int) -> str:
        return f"kw{n:02} ".ljust(size, "y")  # has a space: offered quoted

    # 42 keywords, 6 a paper in order: 10 of 96 characters, then 32 of 95.
    words = [keyword(n, 96) for n in range(10)] + [keyword(n, 95) for n in range(10, 42)]
    await enrich(
        lookup,
        *(
            PaperMeta(p, keywords=tuple(words[6 * i : 6 * i + 6]))
            for i, p in enumerate(NEWEST_PAPERS)
        ),
    )
    first = await planned.autocomplete("subscribe", {"include": ""}, focused="include")
    assert values(first) == [f'"{word}"' for word in words[:25]]  # 98 characters each
    second = await planned.autocomplete("subscribe", {"include": "RL,kw"}, focused="include")
    assert values(second) == [f'RL,"{keyword(n, 95)}"' for n in range(10, 35)]  # 100 each
