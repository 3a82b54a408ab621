"""What ``/subscribe``, ``/unsubscribe`` and ``/subscriptions`` do and say, on every platform.

The adapters decide only what the platform knows: who is an admin (Manage Channels on Discord;
a workspace admin or owner, or the configured allow-list, on Slack), which channel the command
came from, and which channels the asker may see. Everything else is here, once: reading the
arguments, changing the table through :class:`~bot.core.daily.subscriptions.Subscriptions` (which
validates), and the reply. Replies are plain text that Slack's mrkdwn and Discord's Markdown
both show as meant: channels as ``<#id>`` and names in backticks, nothing else.

``/unsubscribe`` in a channel declared in ``config.toml`` pauses it instead of deleting the
row: a deleted row would come back at the next start, when the config is synced again, and the
admin who said stop would be overruled by a file. The paused row is a chat-made row, which the
sync leaves alone; ``/subscribe`` resumes it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final, TypeVar

from bot.core.answers.paper_answers import COMMANDS
from bot.core.clock import Clock
from bot.core.daily.planner import Planner
from bot.core.daily.slots import next_slot
from bot.core.daily.subscriptions import (
    DEFAULT_TIMEZONE,
    Subscription,
    SubscriptionError,
    Subscriptions,
    parse_sections,
    parse_time,
    parse_timezone,
)
from digest_parser import SectionKey

__all__ = [
    "DEFAULT_TIME",
    "SubscribeArgs",
    "SubscriptionDesk",
    "describe",
    "parse_subscribe_text",
]

#: A new subscription's posting time when ``/subscribe`` names none: the digest is usually out
#: by then, and it is the config file's default too.
DEFAULT_TIME: Final = "08:00"
_THREAD_ON: Final = frozenset(
    {"thread", "threaded", "in-thread", "thread=yes", "thread=on", "스레드"}
)
_THREAD_OFF: Final = frozenset(
    {"no-thread", "nothread", "unthreaded", "channel", "thread=no", "thread=off"}
)
_SECTIONS_EVERY: Final = "all"
_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class SubscribeArgs:
    """What ``/subscribe`` was told; ``None`` keeps the current (or default) setting."""

    time: str | None = None
    timezone: str | None = None
    sections: tuple[SectionKey, ...] | None = None  # () = all seven
    in_thread: bool | None = None

    @classmethod
    def checked(
        cls,
        *,
        time: str | None = None,
        timezone: str | None = None,
        sections: str | None = None,
        in_thread: bool | None = None,
    ) -> SubscribeArgs:
        """Typed options (Discord) → validated arguments; blank strings mean "not given".

        Raises:
            SubscriptionError: A value is invalid; the message says which and what would do.
        """
        return cls(
            parse_time(time) if time and time.strip() else None,
            parse_timezone(timezone) if timezone and timezone.strip() else None,
            parse_sections(sections) if sections and sections.strip() else None,
            in_thread,
        )


def parse_subscribe_text(text: str) -> SubscribeArgs:
    """Slack's one string → arguments, in any order: ``09:30 Europe/Berlin limitations thread``.

    A word is a time (``HH:MM``), ``thread``/``no-thread``, section names (comma-separated,
    any alias, ``all``, two-word English names such as ``future work``) or an IANA timezone.

    Raises:
        SubscriptionError: A word is none of these, or one setting is given twice.
    """
    time: str | None = None
    zone: str | None = None
    thread: bool | None = None
    names: list[str] = []
    words = text.replace(",", " , ").split()
    index = 0
    while index < len(words):
        word, lowered = words[index], words[index].casefold()
        index += 1
        if word == ",":
            continue
        if ":" in word and "/" not in word and "=" not in word:
            time = _once("time", time, parse_time(word))
        elif lowered in _THREAD_ON or lowered in _THREAD_OFF:
            thread = _once("thread", thread, lowered in _THREAD_ON)
        elif index < len(words) and SectionKey.lookup(f"{word} {words[index]}") is not None:
            names.append(f"{word} {words[index]}")  # two-word names first: "future work"
            index += 1
        elif lowered == _SECTIONS_EVERY or SectionKey.lookup(word) is not None:
            names.append(word)
        elif "/" in word or word.upper() in ("UTC", "GMT"):
            zone = _once("timezone", zone, parse_timezone(word))
        else:
            raise SubscriptionError(
                f"I don't understand {word!r}. Give a time (`08:00`), a timezone "
                "(`Asia/Seoul`), section names (`limitations,results`, `한계`, `6` or `all`) "
                "and `thread` or `no-thread`, in any order."
            )
    sections = parse_sections(names) if names else None
    return SubscribeArgs(time, zone, sections, thread)


def _once(what: str, old: _T | None, new: _T) -> _T:
    if old is not None and old != new:
        raise SubscriptionError(f"the {what} is given twice; give it once")
    return new


def describe(sub: Subscription, now: float | None = None) -> str:
    """One line of settings: ``08:00 Asia/Seoul · all sections · cards in a thread · next …``."""
    shown = (
        "all sections"
        if not sub.sections
        else ", ".join(f"{k.number} {k.english.lower()}" for k in sub.sections)
    )
    where = "cards in a thread under the day's header" if sub.in_thread else "cards in the channel"
    parts = [f"{sub.time} {sub.timezone}", shown, where]
    if sub.paused:
        parts.append("paused")
    elif now is not None:
        slot = next_slot(now, sub.local_time, sub.zone, sub.slot_weekday)
        parts.append(f"next {slot.local(sub.zone):%a %Y-%m-%d %H:%M %Z}")
    return " · ".join(parts)


def _usage(name: str) -> str:
    help_ = COMMANDS[name]
    examples = ", ".join(f"`{e}`" for e in help_.examples)
    return f"`{help_.usage}`: {help_.summary}. For example {examples}."


class SubscriptionDesk:
    """The three commands over the subscriptions table, for one platform.

    Args:
        subscriptions: The table (it tells the scheduler about every change).
        clock: For the "next delivery" times in replies.
        platform: ``slack`` or ``discord``: the table's key for this adapter's channels.
        planner: Plans what a channel would get, for ``/subscribe preview`` (None: no preview).
    """

    def __init__(
        self,
        subscriptions: Subscriptions,
        clock: Clock,
        platform: str,
        *,
        planner: Planner | None = None,
    ) -> None:
        self._subscriptions = subscriptions
        self._clock = clock
        self.platform = platform
        self._planner = planner

    async def subscribe(self, channel: str, args: SubscribeArgs) -> str:
        """Subscribe ``channel``, or change its settings (and resume it if paused)."""
        old = await self._subscriptions.get(self.platform, channel)
        sections: Iterable[str] | None = args.sections
        if old is None:
            sub = await self._subscriptions.add(
                self.platform,
                channel,
                time=args.time or DEFAULT_TIME,
                timezone=args.timezone or DEFAULT_TIMEZONE,
                sections=sections or (),
                in_thread=bool(args.in_thread),
            )
            verb = "Subscribed"
        else:
            sub = await self._subscriptions.update(
                self.platform,
                channel,
                time=args.time,
                timezone=args.timezone,
                sections=sections,
                in_thread=args.in_thread,
                paused=False,
            )
            verb = "Resumed" if old.paused else "Updated" if sub != old else "Already subscribed"
        return (
            f"{verb} <#{channel}>: {describe(sub, self._clock.now())}.\n"
            "Each day's new digest arrives at that time. Change it with "
            "`/subscribe 09:30 Europe/Berlin limitations,results thread`; "
            "stop with `/unsubscribe`."
        )

    async def unsubscribe(self, channel: str) -> str:
        """Stop the daily digest here: delete the row, or pause it if the config declares it."""
        old = await self._subscriptions.get(self.platform, channel)
        if old is None:
            return f"<#{channel}> is not subscribed, so there is nothing to stop. " + _usage(
                "subscribe"
            )
        if old.source == "config":
            await self._subscriptions.update(self.platform, channel, paused=True)
            return (
                f"Paused <#{channel}>: it is declared in paperbot's config file, so it stays "
                "listed but gets no digests until `/subscribe` resumes it here (or the entry "
                "is removed from the config)."
            )
        await self._subscriptions.remove(self.platform, channel)
        return (
            f"Unsubscribed <#{channel}>: no more daily digests here. Cards already posted stay, "
            "and `/subscribe` starts again with the settings you give it."
        )

    async def listing(self, visible: Sequence[str] | None = None) -> str:
        """Every subscription of this platform (only ``visible`` channels, when given)."""
        subs = await self._subscriptions.list(self.platform)
        if visible is not None:
            allowed = set(visible)
            subs = tuple(s for s in subs if s.channel in allowed)
        if not subs:
            return "No channel here is subscribed yet. " + _usage("subscribe")
        now = self._clock.now()
        lines = [f"• <#{s.channel}> — {describe(s, now)}" for s in subs]
        count = f"{len(subs)} subscribed channel{'s' if len(subs) != 1 else ''}"
        return "\n".join([f"{count}:", *lines])

    @staticmethod
    def usage(name: str) -> str:
        """The usage line of ``subscribe``, ``unsubscribe`` or ``subscriptions``."""
        return _usage(name)

    @staticmethod
    def refusal(who_may: str) -> str:
        """The polite no for a member who may not manage subscriptions."""
        return (
            f"Sorry, only {who_may} can manage paperbot's daily digests. "
            "`/paper`, `/section`, `/digest` and `/paper-search` work for everyone."
        )
