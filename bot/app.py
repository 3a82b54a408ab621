"""The composition root: everything ``serve``, ``post`` and the other commands build from config.

One ``AsyncExitStack`` in :func:`serve` owns every long-running part (the archive, each
platform's chat app and poster, and the delivery leadership, which runs the scheduler, the
digest sources and the delivery loop while this process holds the delivery lease:
:mod:`bot.duties`), so start-up order and the reverse shut-down order are written once. SIGINT and
SIGTERM set a stop event: no new sends start, sends in flight finish or are left ``sending``
for reconciliation, connections close, exit 0. ``paperbot post`` needs only a target, a poster
and the outbox worker, built here too (:func:`parse_target`, :func:`open_poster`,
:func:`make_worker` from :mod:`bot.duties`). No platform is named: their registrations
(:mod:`bot.platforms`) say what each one needs.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from bot.config import Config, Secrets
from bot.core.archive.lookup import Lookup
from bot.core.clock import Clock, SystemClock
from bot.core.daily.config import sync_subscriptions
from bot.core.daily.planner import Planner
from bot.core.daily.subscriptions import Subscriptions
from bot.core.delivery.leadership import Leadership
from bot.core.delivery.lease import Lease, delivery_lease
from bot.core.delivery.outbox import Outbox
from bot.core.delivery.poster import Poster
from bot.core.voice.desk import VoiceDesk
from bot.core.voice.editor import CountEditor
from bot.database_url import shown_location
from bot.duties import DeliveryDuties, make_worker
from bot.heap import settled_heap
from bot.platforms import PLATFORMS, find_platform, listing_fits
from bot.registry import ChannelIdError, Platform, SetupError, either
from bot.startup import log_sync, missing_tokens, unserved, warn_half_set
from bot.storage import open_store
from bot.supervise import ServingContext, halt, stop_on_signals, until_stopped

if TYPE_CHECKING:
    from rich.console import Console

__all__ = [
    "NothingToServe",
    "SetupError",
    "Target",
    "database_location",
    "make_worker",
    "open_poster",
    "parse_target",
    "serve",
]

_log = logging.getLogger(__name__)

_ONE_CHANNEL: Final = "|".join(re.escape(p.name) for p in PLATFORMS if p.one_channel)
_WITH_IDS: Final = "|".join(re.escape(p.name) for p in PLATFORMS if p.channel_ids)
_TARGET: Final = re.compile(rf"^({_ONE_CHANNEL})$|^({_WITH_IDS}):(.*)$")


class NothingToServe(Exception):
    """No chat platform has credentials and no channel is subscribed: nothing to run."""


@dataclass(frozen=True, slots=True)
class Target:
    """Where ``paperbot post`` sends a digest: ``console``, ``slack:C…`` or ``discord:123…``."""

    platform: str
    channel: str

    @property
    def in_terminal(self) -> bool:
        """Its cards show in this process's terminal (they are their own progress)."""
        found = find_platform(self.platform)
        return found is not None and found.in_terminal

    def __str__(self) -> str:
        found = find_platform(self.platform)
        one = found is not None and found.one_channel is not None
        return self.platform if one else f"{self.platform}:{self.channel}"


def parse_target(text: str) -> Target:
    """Parse ``--to``, checking the channel id's shape before anything is planned for it.

    Raises:
        SetupError: Not one of the registered forms, or not a channel id of its platform (the
            message says what one looks like and where to copy it).
    """
    match = _TARGET.match(text.strip())
    if match is None:
        forms = either([p.target_form for p in PLATFORMS])
        raise SetupError(f"unknown target {text!r}: use {forms}")
    if match.group(1):
        platform = _registered(match.group(1))
        return Target(platform.name, platform.one_channel or platform.name)
    platform = _registered(match.group(2))
    try:
        return Target(platform.name, platform.check_channel(match.group(3).strip()))
    except ChannelIdError as error:
        raise SetupError(str(error)) from None


def database_location(db: Path | str | None, config: Config) -> str:
    """The database ``--db`` names, else ``$PAPERBOT_DATABASE_URL``, else ``[storage]``'s
    ``url``, else its ``path`` (SQLite)."""
    return str(db) if db is not None else config.storage.location()


@asynccontextmanager
async def open_poster(
    target: Target, config: Config, secrets: Secrets, *, terminal: Console | None = None
) -> AsyncIterator[Poster]:
    """A connected poster for ``target``, closed on exit.

    Args:
        terminal: Where a platform that prints shows its cards (None: stdout).

    Raises:
        SetupError: The platform's token is not set in the environment, or is refused.
    """
    platform = _registered(target.platform)
    try:
        async with platform.poster(config, secrets, terminal) as poster:
            yield poster
    except platform.setup_errors() as error:
        raise SetupError(str(error)) from None


def _registered(name: str) -> Platform:
    found = find_platform(name)
    if found is None:
        raise SetupError(f"unknown platform {name!r}")
    return found


async def serve(
    config: Config,
    secrets: Secrets,
    db: str,
    *,
    stop: asyncio.Event | None = None,
    clock: Clock | None = None,
) -> None:
    """Run until ``stop`` is set (by default: until SIGINT or SIGTERM).

    Every process answers commands; the one holding the delivery leases also runs the
    schedule, the delivery and the digest sources (:mod:`bot.duties`), and the others stand
    by to take over (:class:`~bot.core.delivery.leadership.Leadership`).

    Raises:
        NothingToServe: No platform's tokens are set and no subscription is declared.
        SetupError: A platform's credentials are incomplete or refused (a declared
            subscription's platform has no token).
    """
    if problem := missing_tokens(config, secrets):  # before the archive is even created
        raise SetupError(problem)
    warn_half_set(secrets)
    stop = stop or stop_on_signals()
    clock = clock or SystemClock()
    async with AsyncExitStack() as stack:
        store = await stack.enter_async_context(open_store(db))
        lookup = Lookup(store)
        _log.info("archive: %s", shown_location(db))
        subscriptions = Subscriptions(store, clock)
        log_sync(await sync_subscriptions(subscriptions, config.subscriptions))
        running: list[asyncio.Task[None]] = []
        subscribed = {sub.platform for sub in await subscriptions.list()}
        posters: dict[str, Poster] = {}
        editor = CountEditor(store, posters, clock)  # runs while this process delivers
        voice = VoiceDesk(store, clock, editor=editor)
        for platform in PLATFORMS:
            if not _switched_on(platform, secrets, subscribed):
                continue
            planner = Planner(
                store, Outbox(store, clock), listing_fits, likes=store.reactions.counts
            )
            serving = ServingContext(
                platform.name, stack, config, secrets, lookup, subscriptions, clock, running,
                planner, voice,
            )  # fmt: skip
            try:
                posters[platform.name] = await platform.serve(serving)
            except platform.setup_errors() as error:
                raise SetupError(str(error)) from None
        waiting = unserved(await subscriptions.list(), posters)
        if not posters:
            chat = ", or ".join(p.credentials for p in PLATFORMS if p.credentials)
            raise NothingToServe(
                f"nothing to serve: {waiting} (see README.md)"
                if waiting
                else f"nothing to serve: set {chat} (see README.md), or declare "
                "[[subscriptions]] in the config"
            )
        if waiting:
            _log.warning("%s", waiting)
        lease = Lease(
            store,
            clock,
            [delivery_lease(p) for p in posters],
            ttl=config.delivery.lease_seconds,
            role="serve",
        )
        duties = DeliveryDuties(store, posters, editor, subscriptions, config, clock)
        leadership = Leadership(lease, clock, duties)
        leading = asyncio.create_task(leadership.run(), name="delivery leadership")
        stack.push_async_callback(halt, leading, leadership.stop)
        running.append(leading)
        setup_errors = tuple(e for p in PLATFORMS if p.name in posters for e in p.setup_errors())
        with settled_heap():
            await until_stopped(stop, running, setup_errors)
        _log.info("stopping: finishing sends in flight, closing connections")


def _switched_on(platform: Platform, secrets: Secrets, subscribed: set[str]) -> bool:
    """A platform with credentials serves when its token is set; one without (the console)
    when a channel of it is subscribed."""
    token = platform.token
    return bool(getattr(secrets, token.field)) if token else platform.name in subscribed
