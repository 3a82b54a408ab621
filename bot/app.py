"""The parts ``post`` and ``serve`` both build from config: a target, a poster, the worker.

``serve``'s composition root is :mod:`bot.service`, where one ``AsyncExitStack`` owns every
long-running part. ``paperbot post`` needs only a poster and the outbox worker, so those are
built here, once, for both (and for tests) instead of each wiring them.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Literal

from bot.config import Config, PacingConfig, Secrets
from bot.core.clock import Clock
from bot.core.delivery.channel_ids import ChannelIdError, check_channel_id
from bot.core.delivery.pacing import Pacer, Pacing
from bot.core.delivery.poster import Poster
from bot.core.delivery.worker import RetryPolicy, Worker
from bot.storage.sqlite.store import Store

__all__ = ["SetupError", "Target", "make_worker", "open_poster", "parse_target"]

Platform = Literal["console", "slack", "discord"]
_TARGET = re.compile(r"^(console)$|^(slack|discord):(.*)$")


class SetupError(Exception):
    """Something a user must fix before paperbot can start (a missing token, a bad target)."""


@dataclass(frozen=True, slots=True)
class Target:
    """Where ``paperbot post`` sends a digest: ``console``, ``slack:C…`` or ``discord:123…``."""

    platform: Platform
    channel: str

    def __str__(self) -> str:
        return self.platform if self.platform == "console" else f"{self.platform}:{self.channel}"


def parse_target(text: str) -> Target:
    """Parse ``--to``, checking the channel id's shape before anything is planned for it.

    Raises:
        SetupError: Not one of the three forms, or not a channel id of its platform (the
            message says what one looks like and where to copy it).
    """
    match = _TARGET.match(text.strip())
    if match is None:
        raise SetupError(
            f"unknown target {text!r}: use console, slack:CHANNEL_ID or discord:CHANNEL_ID"
        )
    if match.group(1):
        return Target("console", "console")
    platform: Platform = "slack" if match.group(2) == "slack" else "discord"
    try:
        return Target(platform, check_channel_id(platform, match.group(3).strip()))
    except ChannelIdError as error:
        raise SetupError(str(error)) from None


@asynccontextmanager
async def open_poster(target: Target, config: Config, secrets: Secrets) -> AsyncIterator[Poster]:
    """A connected poster for ``target``, closed on exit.

    Raises:
        SetupError: The platform's token is not set in the environment.
    """
    if target.platform == "console":
        from bot.console.poster import ConsolePoster

        yield ConsolePoster()
        return
    if target.platform == "slack":
        from bot.slack.client import SlackSetupError
        from bot.slack.poster import slack_poster

        try:
            # 429s go back to the outbox worker (rate_limit_retries=0): it waits Retry-After on
            # the injected clock and keeps the row's place in the channel's order.
            poster = slack_poster(config.slack, secrets.slack_bot_token, rate_limit_retries=0)
            async with poster as slack:
                yield slack
        except SlackSetupError as error:
            raise SetupError(str(error)) from None
        return
    from bot.discord.errors import DiscordSetupError
    from bot.discord.poster import discord_poster

    try:
        async with discord_poster(config.discord, secrets.discord_token) as discord:
            yield discord
    except DiscordSetupError as error:
        raise SetupError(str(error)) from None


def _pacing(config: PacingConfig) -> Pacing:
    return Pacing(
        per_channel=config.per_channel_per_second,
        channel_burst=config.channel_burst,
        overall=config.overall_per_second,
        overall_burst=config.overall_burst,
    )


def make_worker(store: Store, posters: dict[str, Poster], config: Config, clock: Clock) -> Worker:
    """The outbox worker, paced and retrying as ``[delivery]`` says."""
    delivery = config.delivery
    pacers = {
        "slack": Pacer(clock, _pacing(delivery.slack)),
        "discord": Pacer(clock, _pacing(delivery.discord)),
    }
    policy = RetryPolicy(delivery.max_attempts, delivery.base_delay, delivery.max_delay)
    return Worker(store, posters, clock, pacers=pacers, policy=policy)
