"""Subscriptions: which channel gets the daily digest, when, and how.

One row per channel (platform, channel), made in ``config.toml`` (``source='config'``) or from
chat by an admin (``source='chat'``). Config is synced into the table at every start, but a
chat-made row is never overwritten by it: the person who typed ``/subscribe`` in the channel
knows better than a file. A chat edit of a config-made row turns it into a chat row for the
same reason.

Settings are validated here, once, for config and chat alike, with messages a chat reply can
show as they are::

    SubscriptionError        a setting is invalid, or the channel is not subscribed
    └── NotSubscribed        update or remove of a channel without a subscription
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Literal, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.core.routing.filters import NO_FILTERS, Filters
from bot.core.routing.terms import FilterError
from digest_parser import SectionKey

if TYPE_CHECKING:
    from bot.core.clock import Clock
    from bot.core.daily.repositories import DailyStore

__all__ = [
    "DEFAULT_TIMEZONE",
    "MODES",
    "RANKS",
    "WEEKDAYS",
    "Mode",
    "NotSubscribed",
    "Rank",
    "Subscription",
    "SubscriptionError",
    "Subscriptions",
    "parse_filters",
    "parse_mode",
    "parse_rank",
    "parse_sections",
    "parse_time",
    "parse_timezone",
    "parse_weekday",
]

_log = logging.getLogger(__name__)

DEFAULT_TIMEZONE: Final = "Asia/Seoul"  # the digest is Korean; most readers are in KST
Source = Literal["config", "chat"]
#: How a channel gets its papers: a card each, one listing a day, or a weekly top listing.
Mode = Literal["cards", "digest", "weekly"]
MODES: Final[tuple[Mode, ...]] = ("cards", "digest", "weekly")
#: How a weekly listing ranks: Hugging Face's upvotes, or the 👍 given in this channel.
Rank = Literal["upvotes", "likes"]
RANKS: Final[tuple[Rank, ...]] = ("upvotes", "likes")
#: Weekday names as ``/subscribe weekday:`` takes them; index 0 is Monday, as in ``date.weekday``.
WEEKDAYS: Final = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEKDAY_NAMES: Final = {
    **{name: n for n, name in enumerate(WEEKDAYS)},
    **{
        name: n
        for n, name in enumerate(
            ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        )
    },
    **{name: n for n, name in enumerate("월화수목금토일")},
    **{f"{name}요일": n for n, name in enumerate("월화수목금토일")},
}
_TIME: Final = re.compile(r"([01]?[0-9]|2[0-3]):([0-5][0-9])")


class SubscriptionError(ValueError):
    """A subscription setting is invalid; the message says which and what would do."""


class NotSubscribed(SubscriptionError):
    """The channel has no subscription to change or remove."""


def parse_time(text: str) -> str:
    """``"8:05"`` or ``"08:05"`` → ``"08:05"``.

    Raises:
        SubscriptionError: Not a 24-hour ``HH:MM`` time.
    """
    found = _TIME.fullmatch(text.strip())
    if found:
        return f"{int(found[1]):02d}:{found[2]}"
    raise SubscriptionError(f"invalid time {text!r}: use 24-hour HH:MM, for example 08:00")


def parse_timezone(text: str) -> str:
    """Check an IANA timezone name (``Asia/Seoul``, ``Europe/Berlin``, ``UTC``).

    Raises:
        SubscriptionError: zoneinfo does not know it.
    """
    name = text.strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise SubscriptionError(
            f"unknown timezone {text!r}: use an IANA name such as Asia/Seoul, "
            "America/New_York or Europe/Berlin"
        ) from None
    return name


def parse_sections(names: str | Iterable[str]) -> tuple[SectionKey, ...]:
    """Section names (comma- or space-separated, any accepted spelling) → keys in order.

    Empty or ``all`` means every section, returned as ``()``.

    Raises:
        SubscriptionError: A name matches no section; the message lists the valid ones.
    """
    parts = names.replace(",", " ").split() if isinstance(names, str) else list(names)
    if [p.strip().lower() for p in parts] in ([], ["all"]):
        return ()
    found: set[SectionKey] = set()
    for part in parts:
        key = SectionKey.lookup(part)
        if key is None:
            valid = ", ".join(SectionKey.valid_names())
            raise SubscriptionError(f"unknown section {part!r}; use any of: {valid}, or all")
        found.add(key)
    return tuple(k for k in SectionKey.ordered() if k in found)


def parse_mode(text: str) -> Mode:
    """``cards``, ``digest`` or ``weekly`` (any case).

    Raises:
        SubscriptionError: Another word.
    """
    return _one_of(
        text,
        MODES,
        "unknown mode: use cards (a card per paper), digest (one message a day) "
        "or weekly (the week's top papers in one message)",
    )


def parse_rank(text: str) -> Rank:
    """``upvotes`` or ``likes`` (any case).

    Raises:
        SubscriptionError: Another word.
    """
    return _one_of(
        text,
        RANKS,
        "unknown rank: use upvotes (Hugging Face's) or likes (the 👍 given in this channel)",
    )


_Word = TypeVar("_Word", bound=str)


def _one_of(text: str, words: tuple[_Word, ...], refusal: str) -> _Word:
    """The one of ``words`` that ``text`` is, in any case; else :class:`SubscriptionError`."""
    name = text.strip().casefold()
    for word in words:
        if name == word:
            return word
    raise SubscriptionError(refusal)


def parse_weekday(text: str) -> int:
    """``mon``, ``Monday``, ``월`` or ``월요일`` → 0 (Monday) … 6 (Sunday).

    Raises:
        SubscriptionError: Not a weekday.
    """
    found = _WEEKDAY_NAMES.get(text.strip().casefold())
    if found is None:
        raise SubscriptionError(f"unknown weekday: use one of {', '.join(WEEKDAYS)}")
    return found


def parse_filters(old: Filters | None = None, **given: object) -> Filters:
    """Filters from settings given as text or lists (``include``, ``exclude``, ``authors``,
    ``min_upvotes``, ``top``); the others are kept from ``old``.

    Raises:
        SubscriptionError: A term or number is invalid; the message never repeats a mention.
    """
    try:
        return (old or Filters()).replace(**given) if given or old else Filters()
    except FilterError as error:
        raise SubscriptionError(str(error)) from None


@dataclass(frozen=True, slots=True)
class Subscription:
    """One channel's daily delivery settings, as stored."""

    platform: str
    channel: str
    time: str  # local "HH:MM"
    timezone: str  # IANA name
    sections: tuple[SectionKey, ...]  # () = all
    in_thread: bool
    paused: bool
    source: Source
    created_at: float
    updated_at: float
    filters: Filters = NO_FILTERS
    mode: Mode = "cards"
    weekday: int = 0  # weekly mode: 0 = Monday
    empty_note: bool = False  # post a one-line note on a day nothing matches
    rank: Rank = "upvotes"  # weekly mode: what the week's top is ranked by

    @property
    def zone(self) -> ZoneInfo:
        """The channel's timezone."""
        return ZoneInfo(self.timezone)

    @property
    def local_time(self) -> dt.time:
        """The posting time on the channel's wall clock."""
        return dt.time.fromisoformat(self.time)

    @property
    def slot_weekday(self) -> int | None:
        """The weekday of its slots in weekly mode; None: every day."""
        return self.weekday if self.mode == "weekly" else None


class Subscriptions:
    """The subscriptions table: every write validates and then tells the scheduler."""

    def __init__(
        self, store: DailyStore, clock: Clock, *, on_change: Callable[[], object] | None = None
    ) -> None:
        self._rows = store.subscriptions
        self._clock = clock
        self.on_change = on_change  # the scheduler's notify(): a changed time may be sooner

    async def get(self, platform: str, channel: str) -> Subscription | None:
        """The channel's subscription, or ``None``."""
        return await self._rows.get(platform, channel)

    async def list(self, platform: str | None = None) -> tuple[Subscription, ...]:
        """Every subscription (of one platform), ordered by platform and channel."""
        return await self._rows.all(platform)

    async def add(
        self,
        platform: str,
        channel: str,
        *,
        time: str,
        timezone: str = DEFAULT_TIMEZONE,
        sections: str | Iterable[str] = (),
        in_thread: bool = False,
        paused: bool = False,
        source: Source = "chat",
        filters: Filters | None = None,
        mode: str = "cards",
        weekday: int | str = 0,
        empty_note: bool = False,
        rank: str = "upvotes",
    ) -> Subscription:
        """Subscribe a channel, or replace its settings if it is subscribed already.

        Raises:
            SubscriptionError: A setting is invalid; nothing was written.
        """
        if not platform or not channel:
            raise SubscriptionError("a subscription needs a platform and a channel")
        now = self._clock.now()
        day = weekday if isinstance(weekday, int) else parse_weekday(weekday)
        if not 0 <= day <= 6:
            raise SubscriptionError("weekday must be 0 (Monday) to 6 (Sunday)")
        subscription = Subscription(
            platform, channel, parse_time(time), parse_timezone(timezone),
            parse_sections(sections), in_thread, paused, source, created_at=now, updated_at=now,
            filters=filters or Filters(), mode=parse_mode(mode), weekday=day,
            empty_note=empty_note, rank=parse_rank(rank),
        )  # fmt: skip
        await self._rows.put(subscription)  # an existing row keeps its created_at
        return await self._changed(platform, channel)

    async def update(
        self,
        platform: str,
        channel: str,
        *,
        time: str | None = None,
        timezone: str | None = None,
        sections: str | Iterable[str] | None = None,
        in_thread: bool | None = None,
        paused: bool | None = None,
        filters: Filters | None = None,
        mode: str | None = None,
        weekday: int | str | None = None,
        empty_note: bool | None = None,
        rank: str | None = None,
    ) -> Subscription:
        """Change some settings of a subscription; it becomes a chat-made one.

        Raises:
            NotSubscribed: The channel has no subscription.
            SubscriptionError: A setting is invalid; nothing was written.
        """
        old = await self.get(platform, channel)
        if old is None:
            raise NotSubscribed(f"{platform} channel {channel} is not subscribed")
        return await self.add(
            platform,
            channel,
            time=old.time if time is None else time,
            timezone=old.timezone if timezone is None else timezone,
            sections=old.sections if sections is None else sections,
            in_thread=old.in_thread if in_thread is None else in_thread,
            paused=old.paused if paused is None else paused,
            source="chat",
            filters=old.filters if filters is None else filters,
            mode=old.mode if mode is None else mode,
            weekday=old.weekday if weekday is None else weekday,
            empty_note=old.empty_note if empty_note is None else empty_note,
            rank=old.rank if rank is None else rank,
        )

    async def remove(self, platform: str, channel: str) -> bool:
        """Unsubscribe; False if the channel was not subscribed. Its history is kept."""
        removed = await self._rows.remove(platform, channel)
        if removed:
            self._notify()
        return removed

    async def _changed(self, platform: str, channel: str) -> Subscription:
        found = await self.get(platform, channel)
        assert found is not None  # written just now, under the write lock
        self._notify()
        return found

    def _notify(self) -> None:
        if self.on_change is not None:
            self.on_change()
