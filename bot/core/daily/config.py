"""Config for the daily run: ``[[subscriptions]]``, ``[schedule]`` and ``[sources]``.

Models only (the composition root mounts them on :class:`bot.config.Config`), plus
:func:`sync_subscriptions`, which brings the table in line with the file at start. The
setting checks are the ones chat commands use (:mod:`bot.core.daily.subscriptions`), so a time or
section name accepted in one place is accepted in the other. Which platforms exist and what
their channel ids look like is not the core's to know: :class:`bot.config.SubscriptionConfig`
checks both against the platform registrations.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from bot.core.daily.schedule import DEFAULT_RECHECK, DEFAULT_WAIT
from bot.core.daily.subscriptions import (
    DEFAULT_TIMEZONE,
    WEEKDAYS,
    Mode,
    Rank,
    SubscriptionError,
    Subscriptions,
    parse_filters,
    parse_sections,
    parse_time,
    parse_timezone,
    parse_weekday,
)
from bot.core.delivery.poster import CONSOLE_CHANNEL
from bot.core.routing.filters import Filters

__all__ = [
    "HttpSourceConfig",
    "ScheduleConfig",
    "SourcesConfig",
    "SubscriptionConfig",
    "SyncReport",
    "sync_subscriptions",
]

_log = logging.getLogger(__name__)

_STRICT = ConfigDict(extra="forbid", frozen=True)
#: Checked and normalised by the same functions the chat commands use.
LocalTime = Annotated[str, AfterValidator(parse_time)]
Timezone = Annotated[str, AfterValidator(parse_timezone)]


class SubscriptionConfig(BaseModel):
    """One ``[[subscriptions]]`` table: a channel and how it gets the daily digest."""

    model_config = _STRICT
    platform: str = Field(description="a registered platform's name (bot.platforms)")
    channel: str = Field(min_length=1, description="its channel id; the console has just one")
    time: LocalTime = Field(default="08:00", description="local posting time, 24-hour HH:MM")
    timezone: Timezone = Field(default=DEFAULT_TIMEZONE, description="IANA timezone name")
    sections: tuple[str, ...] = Field(default=(), description="sections shown; empty = all seven")
    thread: bool = Field(default=False, description="cards in a thread under the day's header")
    paused: bool = False
    include: tuple[str, ...] = Field(default=(), description="terms, any of which must match")
    exclude: tuple[str, ...] = Field(default=(), description="terms, none of which may match")
    authors: tuple[str, ...] = Field(default=(), description="authors followed: always included")
    min_upvotes: int | None = Field(default=None, description="at least this many upvotes")
    top: int | None = Field(default=None, description="at most this many papers, by upvotes")
    mode: Mode = Field(default="cards", description="cards, digest (one message) or weekly")
    weekday: str = Field(default="mon", description="weekly mode: the day it posts")
    empty_note: bool = Field(default=False, description="a one-line note when nothing matches")
    rank: Rank = Field(default="upvotes", description="weekly mode: by upvotes, or likes here")

    @model_validator(mode="before")
    @classmethod
    def _one_console(cls, data: object) -> object:
        """The console is one channel, whatever it is called here (old configs say "terminal").

        ``paperbot post`` prints to the same channel, so a digest is shown once, not once per
        name; the schema-5 migration moved older databases' console rows the same way. The
        console platform and its one channel share the name :data:`CONSOLE_CHANNEL`.
        """
        if isinstance(data, dict) and data.get("platform") == CONSOLE_CHANNEL:
            return {**data, "channel": CONSOLE_CHANNEL}
        return data

    @field_validator("sections")
    @classmethod
    def _sections(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(key.value for key in parse_sections(value))

    @field_validator("weekday")
    @classmethod
    def _weekday(cls, value: str) -> str:
        return WEEKDAYS[parse_weekday(value)]

    @model_validator(mode="after")
    def _filters(self) -> SubscriptionConfig:
        self.filters()  # raises SubscriptionError (a ValueError): pydantic reports the entry
        return self

    def filters(self) -> Filters:
        """The entry's filters, checked as ``/subscribe`` checks them."""
        return parse_filters(
            include=self.include,
            exclude=self.exclude,
            authors=self.authors,
            min_upvotes=self.min_upvotes,
            top=self.top,
        )


class ScheduleConfig(BaseModel):
    """``[schedule]``: how the scheduler treats late digests and start-up."""

    model_config = _STRICT
    wait_hours: float = Field(
        default=DEFAULT_WAIT / 3600, ge=0, lt=24, description="wait this long for a late digest"
    )
    recheck_seconds: float = Field(
        default=DEFAULT_RECHECK, gt=0, description="while waiting, re-read the archive this often"
    )
    post_at_start: bool = Field(
        default=False, description="at start, post the newest digest to channels lacking it"
    )


class HttpSourceConfig(BaseModel):
    """One ``[[sources.http]]`` table: a URL polled each day until that day's digest is out."""

    model_config = _STRICT
    url: str = Field(description="http(s) URL with {date}, e.g. .../hf-daily-papers-{date}.md")
    start: LocalTime = Field(default="07:00", description="start polling at this local time")
    timezone: Timezone = Field(default=DEFAULT_TIMEZONE, description="whose date and clock")
    give_up_hours: float = Field(default=6.0, gt=0, lt=24, description="stop polling after")
    interval_seconds: float = Field(default=300.0, gt=0, description="between polls (404/304)")
    timeout_seconds: float = Field(default=30.0, gt=0, description="per request")
    max_backoff_seconds: float = Field(default=1800.0, gt=0, description="after errors")

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        if "{date}" not in value or not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL containing {date}")
        return value


class SourcesConfig(BaseModel):
    """``[sources]``: where digests come from besides ``paperbot ingest``."""

    model_config = _STRICT
    watch: tuple[str, ...] = Field(default=(), description="directories whose *.md are ingested")
    watch_interval_seconds: float = Field(default=2.0, gt=0, description="directory scan period")
    http: tuple[HttpSourceConfig, ...] = ()


@dataclass(slots=True)
class SyncReport:
    """What :func:`sync_subscriptions` did, as ``platform:channel`` names."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept_chat: list[str] = field(default_factory=list)  # declared, but set from chat: left


async def sync_subscriptions(
    subscriptions: Subscriptions, declared: Sequence[SubscriptionConfig]
) -> SyncReport:
    """Make the config-made rows match ``declared``; never touch chat-made ones.

    Raises:
        SubscriptionError: A channel is declared twice.
    """
    report = SyncReport()
    wanted: dict[tuple[str, str], SubscriptionConfig] = {}
    for entry in declared:
        key: tuple[str, str] = (entry.platform, entry.channel)
        if key in wanted:
            raise SubscriptionError(f"[[subscriptions]]: {key[0]}:{key[1]} is declared twice")
        wanted[key] = entry
    existing = {(s.platform, s.channel): s for s in await subscriptions.list()}
    for (platform, channel), entry in wanted.items():
        name, old = f"{platform}:{channel}", existing.get((platform, channel))
        if old is not None and old.source == "chat":
            report.kept_chat.append(name)
            continue
        filters, weekday = entry.filters(), parse_weekday(entry.weekday)
        settings = (entry.time, entry.timezone, entry.sections, entry.thread, entry.paused,
                    filters, entry.mode, weekday, entry.empty_note, entry.rank)  # fmt: skip
        if old is not None and settings == (
            old.time, old.timezone, tuple(k.value for k in old.sections), old.in_thread,
            old.paused, old.filters, old.mode, old.weekday, old.empty_note, old.rank,
        ):  # fmt: skip
            continue
        await subscriptions.add(
            platform, channel, time=entry.time, timezone=entry.timezone, sections=entry.sections,
            in_thread=entry.thread, paused=entry.paused, source="config", filters=filters,
            mode=entry.mode, weekday=weekday, empty_note=entry.empty_note, rank=entry.rank,
        )  # fmt: skip
        (report.added if old is None else report.updated).append(name)
    for (platform, channel), old in existing.items():
        if old.source == "config" and (platform, channel) not in wanted:
            await subscriptions.remove(platform, channel)
            report.removed.append(f"{platform}:{channel}")
    if report.kept_chat:
        _log.info("subscriptions set from chat kept over config: %s", ", ".join(report.kept_chat))
    return report
