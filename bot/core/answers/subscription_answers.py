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

import copy
import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Final, Literal

from bot.core.answers.filter_suggestions import DigestVocabulary
from bot.core.answers.paper_answers import COMMANDS
from bot.core.answers.subscribe_args import SubscribeArgs, parse_subscribe_text
from bot.core.answers.subscription_preview import PLAIN, Voice, preview_text
from bot.core.clock import Clock
from bot.core.daily.planner import Planner, Routing
from bot.core.daily.slots import next_slot
from bot.core.daily.subscriptions import (
    DEFAULT_TIMEZONE,
    Subscription,
    Subscriptions,
)
from bot.core.routing.suggestions import TypedTerms

if TYPE_CHECKING:
    from bot.core.archive.repositories import ArchiveRepository
    from bot.core.daily.planner import DayPlan

__all__ = [
    "DEFAULT_TIME",
    "SETTINGS_HELP",
    "FilterOption",
    "SubscribeArgs",
    "SubscriptionDesk",
    "Voice",
    "describe",
    "parse_subscribe_text",
]

#: A new subscription's posting time when ``/subscribe`` names none: the digest is usually out
#: by then, and it is the config file's default too.
DEFAULT_TIME: Final = "08:00"
_DAY_NAMES: Final = ("Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays",
                     "Sundays")  # fmt: skip
#: What ``/subscribe help`` adds to the usage line: every setting, one line each.
SETTINGS_HELP: Final = "\n".join(
    [
        "Settings (any order; those not given are kept):",
        "• `09:30`, `Europe/Berlin`: posting time and IANA timezone",
        "• `limitations,results` or `all`: sections on the cards; `thread` / `no-thread`",
        '• `include:"강화 학습",RL`: only papers mentioning a term (quote phrases; literal text, '
        "whole words, Korean as substrings)",
        "• `exclude:survey`: never papers mentioning a term",
        '• `authors:"Yann LeCun",Hinton`: always papers by these authors',
        "• `min_upvotes:5`, `top:10`: an upvote floor and the N most upvoted "
        "(Hugging Face numbers)",
        "• `mode:cards` (a card per paper), `mode:digest` (one listing a day), "
        "`mode:weekly` with `weekday:fri` (the week's top papers), and `rank:likes` for the "
        "week's most liked here (👍 on the cards) instead of Hugging Face upvotes",
        "• `empty:note` or `empty:silent`: a one-line note on a day nothing matches, or not",
        "• `include:` with nothing (or `none`) clears that filter; `filters:none` clears all",
        "• `preview`: which papers of the newest digest this channel would get, and why not "
        "the others; changes nothing",
    ]
)


#: The ``/subscribe`` options whose terms are suggested as they are typed.
FilterOption = Literal["include", "exclude", "authors"]


def describe(sub: Subscription, now: float | None = None, voice: Voice = PLAIN) -> str:
    """One line of settings: ``08:00 Asia/Seoul · digest mode · include "RL" · top 10 · next …``.

    Args:
        sub: The subscription.
        now: For the next delivery (None: not shown).
        voice: Escapes the filter terms for the platform.
    """
    if sub.mode == "cards":
        shown = (
            "all sections"
            if not sub.sections
            else ", ".join(f"{k.number} {k.english.lower()}" for k in sub.sections)
        )
        where = (
            "cards in a thread under the day's header" if sub.in_thread else "cards in the channel"
        )
        parts = [f"{sub.time} {sub.timezone}", shown, where]
    elif sub.mode == "digest":
        parts = [f"{sub.time} {sub.timezone}", "digest mode (one listing a day)"]
    else:
        parts = [
            f"{_DAY_NAMES[sub.weekday]} {sub.time} {sub.timezone}",
            "weekly mode (the week's most liked here in one listing)"
            if sub.rank == "likes"
            else "weekly mode (the week's top papers in one listing)",
        ]
    parts.extend(voice.literal(part) for part in Routing.of(sub).effective_filters.parts())
    if sub.empty_note:
        parts.append("a note on days nothing matches")
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
        archive: The archive: which digest is the newest, for the preview, and its papers'
            keywords and authors, for :meth:`suggest` (None: only the channel's own terms).
        voice: How the platform escapes untrusted text and how long a reply may be; adapters
            set theirs with :meth:`speaking`.
    """

    def __init__(
        self,
        subscriptions: Subscriptions,
        clock: Clock,
        platform: str,
        *,
        planner: Planner | None = None,
        archive: ArchiveRepository | None = None,
        voice: Voice = PLAIN,
    ) -> None:
        self._subscriptions = subscriptions
        self._clock = clock
        self.platform = platform
        self._planner = planner
        self._archive = archive
        self._vocabulary = None if archive is None else DigestVocabulary(archive, clock)
        self.voice = voice

    def speaking(self, voice: Voice) -> SubscriptionDesk:
        """The same desk replying in ``voice`` (an adapter's escape and message limit).

        It shares this desk's vocabulary, so the newest digest is read once for both.
        """
        desk = copy.copy(self)
        desk.voice = voice
        return desk

    async def subscribe(self, channel: str, args: SubscribeArgs) -> str:
        """Subscribe ``channel``, or change its settings (and resume it if paused).

        Raises:
            SubscriptionError: A setting is invalid (a weekday without weekly mode is kept, not
                refused: it applies once the mode is weekly).
        """
        old = await self._subscriptions.get(self.platform, channel)
        sections: Iterable[str] | None = args.sections
        filters = args.filters(old.filters if old else None) if args.changes_filters else None
        if old is None:
            sub = await self._subscriptions.add(
                self.platform,
                channel,
                time=args.time or DEFAULT_TIME,
                timezone=args.timezone or DEFAULT_TIMEZONE,
                sections=sections or (),
                in_thread=bool(args.in_thread),
                filters=filters,
                mode=args.mode or "cards",
                weekday=args.weekday if args.weekday is not None else 0,
                empty_note=bool(args.empty_note),
                rank=args.rank or "upvotes",
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
                filters=filters,
                mode=args.mode,
                weekday=args.weekday,
                empty_note=args.empty_note,
                rank=args.rank,
            )
            verb = "Resumed" if old.paused else "Updated" if sub != old else "Already subscribed"
        when = (
            f"Each {_DAY_NAMES[sub.weekday][:-1]}, the week's top papers arrive at that time."
            if sub.mode == "weekly"
            else "Each day's new digest arrives at that time."
        )
        return (
            f"{verb} <#{channel}>: {describe(sub, self._clock.now(), self.voice)}.\n"
            f"{when} Change it with "
            "`/subscribe 09:30 Europe/Berlin limitations,results thread` or "
            "`/subscribe include:RL top:10 mode:digest` (`/subscribe preview` shows what that "
            "would bring); stop with `/unsubscribe`."
        )

    async def preview(self, channel: str, args: SubscribeArgs) -> str:
        """Which papers ``channel`` would get under its settings changed by ``args``, and why
        not the others: of the newest digest, or in weekly mode of the week ending today.

        Changes nothing.
        """
        if self._planner is None or self._archive is None:
            return "Preview is not available here: this paperbot does not plan deliveries."
        self._planner.forget()  # the archive and its upvotes as they are now, not at last ask
        old = await self._subscriptions.get(self.platform, channel)
        sub = self._would_be(channel, old, args)
        routing = Routing.of(sub)
        plan: DayPlan | None
        if sub.mode == "weekly":
            last = dt.datetime.fromtimestamp(self._clock.now(), sub.zone).date()
            plan = await self._planner.week(self.platform, channel, last, routing)
            first = plan.first if plan is not None else last
            period = f"the week {first.isoformat()} to {last.isoformat()}"
            if plan is None:
                return f"No digest is archived for {period}, so there is nothing to preview yet."
        else:
            newest = await self._archive.latest_date()
            plan = (
                None
                if newest is None
                else await self._planner.day(self.platform, channel, newest, routing)
            )
            if newest is None or plan is None:
                return "No digest is archived yet, so there is nothing to preview."
            first = last = newest
            period = f"the digest of {newest.isoformat()}"
        corpus = await self._planner.corpus(first, last)
        settings = describe(dataclasses.replace(sub, paused=False), None, self.voice)
        head = f"Preview for <#{channel}> (nothing is changed): {settings}"
        if old is None:
            foot = (
                "This channel is not subscribed: the same `/subscribe` without `preview` starts it."
            )
        elif args.settings_given:
            foot = "Not saved: the same `/subscribe` without `preview` saves these settings."
        else:
            foot = (
                "Change them with `/subscribe include:… exclude:… top:N`, `preview` to try first."
            )
        return preview_text(
            plan, corpus.entries, head=head, period=period, foot=foot,
            empty_note=sub.empty_note, voice=self.voice,
        )  # fmt: skip

    def _would_be(
        self, channel: str, old: Subscription | None, args: SubscribeArgs
    ) -> Subscription:
        """The subscription ``args`` would make (validated already; nothing is written)."""
        now = self._clock.now()
        base = old or Subscription(
            self.platform, channel, DEFAULT_TIME, DEFAULT_TIMEZONE, (), False, False, "chat",
            created_at=now, updated_at=now,
        )  # fmt: skip
        return dataclasses.replace(
            base,
            time=args.time or base.time,
            timezone=args.timezone or base.timezone,
            sections=base.sections if args.sections is None else args.sections,
            in_thread=base.in_thread if args.in_thread is None else args.in_thread,
            filters=args.filters(base.filters) if args.changes_filters else base.filters,
            mode=args.mode or base.mode,
            weekday=base.weekday if args.weekday is None else args.weekday,
            empty_note=base.empty_note if args.empty_note is None else args.empty_note,
            rank=args.rank or base.rank,
        )

    async def suggest(
        self,
        channel: str | None,
        option: FilterOption,
        typed: str,
        *,
        count: int,
        longest: int,
        length: Callable[[str], int] = len,
    ) -> tuple[str, ...]:
        """Values for a filter option being typed: its last term completed, the rest kept.

        The channel's own terms for that option come first, then the newest digest's
        keywords (for ``include`` and ``exclude``; title words while it has no metadata) or
        authors, most frequent first; see :class:`~bot.core.routing.suggestions.TypedTerms`.
        Typed text that could not be saved (a mention, too long) gets none, before anything
        is read.

        Args:
            channel: Whose terms come first; ``None`` for an asker who may not see them.
            option: Which filter is being typed.
            typed: What is typed of it so far (untrusted).
            count: The most values (the platform's choice limit).
            longest: The longest value, in ``length`` units.
            length: How the platform counts characters.
        """
        terms = TypedTerms.read(typed)
        if terms is None:
            return ()
        offered: list[str] = []
        if channel is not None:
            sub = await self._subscriptions.get(self.platform, channel)
            if sub is not None:
                f = sub.filters
                own = {"include": f.include, "exclude": f.exclude, "authors": f.authors}[option]
                offered.extend(term.text for term in own)
        if self._vocabulary is not None:
            vocabulary = await self._vocabulary.newest()
            offered.extend(vocabulary.authors if option == "authors" else vocabulary.keywords)
        return terms.complete(offered, count=count, longest=longest, length=length)

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
        lines = [f"• <#{s.channel}> — {describe(s, now, self.voice)}" for s in subs]
        count = f"{len(subs)} subscribed channel{'s' if len(subs) != 1 else ''}"
        return "\n".join([f"{count}:", *lines])

    @staticmethod
    def usage(name: str) -> str:
        """The usage line of ``subscribe``, ``unsubscribe`` or ``subscriptions``."""
        return _usage(name)

    @staticmethod
    def help(name: str) -> str:
        """``/… help``: the usage line, and for ``subscribe`` every setting."""
        return _usage(name) + ("\n" + SETTINGS_HELP if name == "subscribe" else "")

    @staticmethod
    def refusal(who_may: str) -> str:
        """The polite no for a member who may not manage subscriptions."""
        return (
            f"Sorry, only {who_may} can manage paperbot's daily digests. "
            "`/paper`, `/section`, `/digest` and `/paper-search` work for everyone."
        )
