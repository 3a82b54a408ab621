"""``paperbot serve``: every long-running part, in one event loop, started and stopped here.

One ``AsyncExitStack`` owns the archive and each chat app, so start-up order and the reverse
shut-down order are written once. SIGINT and SIGTERM set a stop event; leaving the stack closes
connections cleanly, and the process exits 0.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from contextlib import AsyncExitStack

import aiohttp
from slack_sdk.errors import SlackApiError

from bot.config import Config, Secrets
from bot.core.lookup import Lookup
from bot.core.store import Store

__all__ = ["NothingToServe", "serve"]

_log = logging.getLogger(__name__)


class NothingToServe(Exception):
    """No chat platform has credentials, so there is nothing to run yet."""


async def serve(
    config: Config, secrets: Secrets, db: str, *, stop: asyncio.Event | None = None
) -> None:
    """Run until ``stop`` is set (by default: until SIGINT or SIGTERM).

    Raises:
        NothingToServe: No platform's tokens are set.
        bot.app.SetupError: A platform's credentials are incomplete.
    """
    from bot.app import SetupError

    stop = stop or _stop_on_signals()
    async with AsyncExitStack() as stack:
        store = await stack.enter_async_context(Store.open(db))
        lookup = Lookup(store)
        _log.info("archive: %s", db)
        started = 0
        if secrets.slack_bot_token:
            from bot.slack.app import SlackApp
            from bot.slack.client import SlackSetupError

            try:
                slack = SlackApp(config.slack, secrets, lookup)
                await stack.enter_async_context(slack)
            except SlackSetupError as error:
                raise SetupError(str(error)) from None
            except (OSError, aiohttp.ClientError, SlackApiError) as error:
                raise SetupError(
                    f"slack: cannot start ({type(error).__name__}: {error}); check the network "
                    f"and [slack] api_base_url ({config.slack.api_base_url})"
                ) from None
            _log.info("slack: %s mode, answering slash commands", config.slack.mode)
            started += 1
        running: list[asyncio.Task[None]] = []
        if secrets.discord_token:
            from bot.discord.client import run_bot

            discord = asyncio.create_task(
                run_bot(lookup, config.discord, secrets.discord_token), name="discord"
            )
            stack.push_async_callback(_cancel, discord)
            running.append(discord)
            _log.info("discord: connecting to the gateway, answering slash commands")
            started += 1
        if not started:
            raise NothingToServe(
                "no chat platform is configured: set SLACK_BOT_TOKEN and SLACK_APP_TOKEN, or "
                "DISCORD_TOKEN (see README.md), then run paperbot serve again"
            )
        await _until_stopped(stop, running)
        _log.info("stopping: closing connections")


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # not on every platform
            loop.add_signal_handler(sig, stop.set)
    return stop


async def _until_stopped(stop: asyncio.Event, running: list[asyncio.Task[None]]) -> None:
    """Wait for a stop signal, or for a platform client to end (which is an error)."""
    from bot.app import SetupError
    from bot.discord.errors import DiscordSetupError

    stopper = asyncio.create_task(stop.wait(), name="stop")
    try:
        done, _ = await asyncio.wait([stopper, *running], return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopper.cancel()
    for task in done:
        if task is stopper:
            continue
        error = task.exception()
        if isinstance(error, DiscordSetupError):
            raise SetupError(str(error))
        if error is not None:
            raise error
        raise SetupError(f"{task.get_name()}: the client stopped unexpectedly")


async def _cancel(task: asyncio.Task[None]) -> None:
    """Stop a platform client and wait for it to close its connections."""
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
