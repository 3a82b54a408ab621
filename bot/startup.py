"""What ``paperbot serve`` checks and says as it starts, in lines a person reads.

A new user's first run must answer two questions without reading code: will my channel get
the digest, and when? So a declared channel whose platform has no token stops start-up
naming the variable to set; a chat-made one is warned about; and every subscription's next
posting time is logged, with what ``post_at_start`` is posting now. Kept out of
:mod:`bot.app`, which reads as the order things start in. Which platform needs which variable
comes from the registrations (:mod:`bot.platforms`).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Collection, Iterable, Mapping

from bot.config import Config, Secrets
from bot.core.daily.config import SyncReport
from bot.core.daily.schedule import ScheduleStatus
from bot.core.daily.subscriptions import Subscription
from bot.platforms import PLATFORMS, find_platform
from bot.registry import either

__all__ = ["log_schedule", "log_sync", "missing_tokens", "unserved", "warn_half_set"]

_log = logging.getLogger(__name__)


def _token_env(platform: str) -> str | None:
    """The variable that switches ``platform`` on, or None if it needs none (the console)."""
    found = find_platform(platform)
    token = found.token if found is not None else None
    return token.env if token is not None else None


def missing_tokens(config: Config, secrets: Secrets) -> str | None:
    """Why declared channels cannot be posted to, or None: checked before anything opens.

    A paused declaration needs no token. The message names variables, never values.
    """
    problems = []
    for platform in PLATFORMS:
        token = platform.token
        if token is None or getattr(secrets, token.field):
            continue
        names = [
            f"{sub.platform}:{sub.channel}"
            for sub in config.subscriptions
            if sub.platform == platform.name and not sub.paused
        ]
        if names:
            problems.append(
                f"[[subscriptions]] declares {', '.join(names)}, but {token.env} is not set: "
                f"export {token.env}{platform.token_hint}, or set paused = true there"
            )
    return "; ".join(problems) or None


def warn_half_set(secrets: Secrets) -> None:
    """A platform's other secrets without the one that switches it on: say why it is off."""
    for platform in PLATFORMS:
        token, others = platform.token, platform.secrets[1:]
        if token is None or getattr(secrets, token.field):
            continue
        if any(getattr(secrets, other.field) for other in others):
            title = platform.title
            _log.warning(
                "%s's other secrets are set but %s is not: %s is off", title, token.env, title
            )


def unserved(subscriptions: Iterable[Subscription], served: Collection[str]) -> str | None:
    """Active subscriptions (made in chat) on a platform without its token, in one line."""
    waiting: dict[str, list[str]] = {}
    for sub in subscriptions:
        if sub.platform not in served and _token_env(sub.platform) and not sub.paused:
            waiting.setdefault(sub.platform, []).append(f"{sub.platform}:{sub.channel}")
    parts = [
        f"{', '.join(names)} subscribed, but {_token_env(platform)} is not set"
        for platform, names in waiting.items()
    ]
    return "; ".join(parts) + ": nothing is posted there until it is" if parts else None


def log_sync(report: SyncReport) -> None:
    """What the config's ``[[subscriptions]]`` changed in the database, if anything."""
    changes = [
        f"{what} {', '.join(names)}"
        for what, names in (
            ("added", report.added),
            ("updated", report.updated),
            ("removed", report.removed),
        )
        if names
    ]
    if changes:
        _log.info("config subscriptions: %s", "; ".join(changes))


def log_schedule(
    schedule: Iterable[ScheduleStatus],
    served: Collection[str],
    posting_now: Mapping[tuple[str, str], dt.date],
) -> None:
    """One line per subscription: when it is posted next, and what is posted right now."""
    listed = False
    for item in schedule:
        listed = True
        sub = item.subscription
        name = f"{sub.platform}:{sub.channel}"
        if sub.platform not in served:
            continue  # reported by :func:`unserved`
        if item.next_run is None:
            _log.info("%s: paused, nothing is posted there", name)
            continue
        when = "daily" if sub.slot_weekday is None else f"{item.next_run:%A}s"
        line = (
            f"{name}: next posting {item.next_run:%Y-%m-%d %H:%M %Z} "
            f"({when} at {sub.local_time:%H:%M} {sub.timezone}"
            + ("" if sub.mode == "cards" else f", {sub.mode} mode")
            + ")"
        )
        if day := posting_now.get((sub.platform, sub.channel)):
            line += f"; posting the {day} digest now ([schedule] post_at_start)"
        _log.info("%s", line)
    if not listed:
        chats = either([p.title for p in PLATFORMS if p.token is not None])
        _log.info(
            "no subscriptions: nothing is posted on a schedule; declare [[subscriptions]] "
            "in the config, or /subscribe in a %s channel",
            chats,
        )
