"""``[discord] shard_ids``: two processes split the shards and together answer every guild.

Two real bots (as two ``serve`` processes would run them) connect to one loopback gateway with
``shard_count = 2`` and ``shard_ids`` ``[0]`` and ``[1]``; the fake routes each guild to shard
``(guild_id >> 22) % 2``, as Discord does. Each bot records the guilds of the interactions it
receives through discord.py's own ``on_interaction`` event.
"""

from __future__ import annotations

from contextlib import AsyncExitStack
from typing import Any

from tests.discord.conftest import GUILD_READY, config_for
from tests.fakes import discord_payloads as build
from tests.fakes.discord_api import FakeDiscord, running_client

import discord  # isort: skip  (after the fakes: see tests/fakes/discord_client.py)

from bot.core.archive.lookup import Lookup
from bot.discord.client import PaperBot


class QuickShards(PaperBot):
    """discord.py waits 5 s between IDENTIFYs, as Discord requires; the fake does not."""

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        return None


def sharded_bot(fake: FakeDiscord, lookup: Lookup, shard: int, seen: list[int]) -> PaperBot:
    config = config_for(fake, dev_guild_id=None, shard_count=2, shard_ids=(shard,))
    bot = QuickShards(lookup=lookup, config=config, guild_ready_timeout=GUILD_READY)

    async def on_interaction(interaction: discord.Interaction[Any]) -> None:
        assert interaction.guild_id is not None
        seen.append(interaction.guild_id)

    bot.add_listener(on_interaction, "on_interaction")
    return bot


async def test_two_processes_with_shard_ids_0_and_1_each_answer_only_their_guilds(
    lookup: Lookup,
) -> None:
    bot_user = build.user_payload(username="paperbot", bot=True)
    human = build.user_payload(username="tester")
    ids = (1000, 1001, 1002, 1003)  # shard (n << 22 >> 22) % 2: 0, 1, 0, 1
    guilds = [build.default_guild(bot_user, human, guild_id=n << 22) for n in ids]
    seen: dict[int, list[int]] = {0: [], 1: []}
    async with (
        FakeDiscord(guilds=guilds, bot_user=bot_user, shard_count=2, time_scale=0.01) as fake,
        AsyncExitStack() as both,
    ):
        for shard in (0, 1):
            bot = sharded_bot(fake, lookup, shard, seen[shard])
            await both.enter_async_context(running_client(bot, fake))
            assert bot.shard_count == 2 and bot.shard_ids == [shard]
            assert {g.id for g in bot.guilds} == {n << 22 for n in ids if n % 2 == shard}
        for guild in guilds:
            record = await fake.slash_command("digest", channel_id=int(guild["channels"][0]["id"]))
            assert record.answered
    assert sorted(s.shard for s in fake.gateway.sessions if s.shard) == [(0, 2), (1, 2)]
    assert seen == {0: [1000 << 22, 1002 << 22], 1: [1001 << 22, 1003 << 22]}
