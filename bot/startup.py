"""What ``paperbot serve`` checks and says as it starts, in lines a person reads.

A new user's first run must answer two questions without reading code: will my channel get
the digest, and when? So a declared channel whose platform has no token stops start-up
naming the variable to set; a chat-made one is warned about; and every subscription's next
posting time is logged, with what ``post_at_start`` is posting now. Kept out of
:mod:`bot.service`, which reads as the order things start in.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Collection, Iterable, Mapping
from typing import Final

from bot.config import SECRET_ENV, Config, Secrets
from bot.core.daily.config import SyncReport
from bot.core.daily.schedule import ScheduleStatus
from bot.core.daily.subscriptions import Subscription

__all__ = ["log_schedule", "log_sync", "missing_tokens", "unserved", "warn_half_set"]

_log = logging.getLogger(__name__)

#: Per platform: the secret that starts it, and what else it will ask for (checked then).
_NEEDS: Final = {
    "slack": (
        "slack_bot_token",
        ' and SLACK_APP_TOKEN (or SLACK_SIGNING_SECRET with [slack] mode = "http"; see README.md)',
    ),
    "discord": ("discord_token", " (see README.md)"),
}


def _token_env(platform: str) -> str:
    return SECRET_ENV[_NEEDS[platform][0]]


def missing_tokens(config: Config, secrets: Secrets) -> str | None:
    """Why declared channels cannot be posted to, or None: checked before anything opens.

    A paused declaration needs no token. The message names variables, never values.
    """
    problems = []
    for platform, (secret, also) in _NEEDS.items():
        if getattr(secrets, secret):
            continue
        names = [
            f"{sub.platform}:{sub.channel}"
            for sub in config.subscriptions
            if sub.platform == platform and not sub.paused
        ]
        if names:
            env = _token_env(platform)
            problems.append(
                f"[[subscriptions]] declares {', '.join(names)}, but {env} is not set: "
                f"export {env}{also}, or set paused = true there"
            )
    return "; ".join(problems) or None


def warn_half_set(secrets: Secrets) -> None:
    """Slack's other secrets without its bot token: say why Slack does not start."""
    if (secrets.slack_app_token or secrets.slack_signing_secret) and not secrets.slack_bot_token:
        _log.warning("Slack's other secrets are set but SLACK_BOT_TOKEN is not: Slack is off")


def unserved(subscriptions: Iterable[Subscription], served: Collection[str]) -> str | None:
    """Active subscriptions (made in chat) on a platform without its token, in one line."""
    waiting: dict[str, list[str]] = {}
    for sub in subscriptions:
        if sub.platform not in served and sub.platform in _NEEDS and not sub.paused:
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
        line = (
            f"{name}: next posting {item.next_run:%Y-%m-%d %H:%M %Z} "
            f"(daily at {sub.local_time:%H:%M} {sub.timezone})"
        )
        if day := posting_now.get((sub.platform, sub.channel)):
            line += f"; posting the {day} digest now ([schedule] post_at_start)"
        _log.info("%s", line)
    if not listed:
        _log.info(
            "no subscriptions: nothing is posted on a schedule; declare [[subscriptions]] "
            "in the config, or /subscribe in a Slack or Discord channel"
        )
