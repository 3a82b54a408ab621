"""What ``/subscribe`` was told: Slack's one string or Discord's typed options, checked once.

Slack sends one string, read in any order::

    09:30 Europe/Berlin limitations,results thread
    include:"강화 학습",RL exclude:survey authors:"Yann LeCun",Hinton min_upvotes:5 top:10
    mode:digest weekday:fri rank:likes empty:note filters:none preview

A ``key:value`` setting's value runs to the next space outside double quotes, so a quoted
phrase may hold spaces and commas; the terms are read by
:func:`~bot.core.routing.terms.parse_terms` (literal text, never a pattern; mentions refused).
``include:`` with nothing, or ``none``, clears that setting; ``filters:none`` clears them all.
Settings not given keep their current value. Every error is a
:class:`~bot.core.daily.subscriptions.SubscriptionError` whose message never repeats more than
a few dozen characters of what was typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, TypeVar

from bot.core.daily.subscriptions import (
    Mode,
    Rank,
    SubscriptionError,
    parse_filters,
    parse_mode,
    parse_rank,
    parse_sections,
    parse_time,
    parse_timezone,
    parse_weekday,
)
from bot.core.routing.filters import NO_FILTERS, Filters
from bot.core.routing.terms import FilterError, split_quoted
from digest_parser import SectionKey

__all__ = ["CLEAR", "FILTER_KEYS", "SubscribeArgs", "parse_subscribe_text"]

_THREAD_ON: Final = frozenset(
    {"thread", "threaded", "in-thread", "thread=yes", "thread=on", "스레드"}
)
_THREAD_OFF: Final = frozenset(
    {"no-thread", "nothread", "unthreaded", "channel", "thread=no", "thread=off"}
)
_SECTIONS_EVERY: Final = "all"
_PREVIEW: Final = frozenset({"preview", "dry-run", "미리보기"})
#: A filter value that clears the setting (as does an empty value).
CLEAR: Final = frozenset({"", "none", "-", "off", "없음"})
#: The filter settings, as ``Filters.build`` names them.
FILTER_KEYS: Final = ("include", "exclude", "authors", "min_upvotes", "top")
_KEYS: Final = {
    **{key: key for key in FILTER_KEYS},
    "min-upvotes": "min_upvotes",
    "minupvotes": "min_upvotes",
    "upvotes": "min_upvotes",
    "author": "authors",
    "mode": "mode",
    "weekday": "weekday",
    "day": "weekday",
    "rank": "rank",
    "empty": "empty",
    "filters": "filters",
}
_EMPTY: Final = {"note": True, "on": True, "yes": True, "silent": False, "off": False, "no": False}
_SHOWN: Final = 40  # characters of a bad word repeated in an error
_T = TypeVar("_T")

Changes = tuple[tuple[str, object], ...]


def shown(word: str) -> str:
    """``word`` quoted for an error message, cut to a few dozen characters."""
    return repr(word if len(word) <= _SHOWN else word[:_SHOWN] + "…")


@dataclass(frozen=True, slots=True)
class SubscribeArgs:
    """What ``/subscribe`` was told; ``None`` keeps the current (or default) setting."""

    time: str | None = None
    timezone: str | None = None
    sections: tuple[SectionKey, ...] | None = None  # () = all seven
    in_thread: bool | None = None
    filter_changes: Changes = ()  # (name, value) as Filters.build takes them; None/() clears
    clear_filters: bool = False  # filters:none — start from no filters
    mode: Mode | None = None
    weekday: int | None = None  # 0 = Monday
    empty_note: bool | None = None
    preview: bool = False  # show what the channel would get; change nothing
    rank: Rank | None = None  # weekly mode: by upvotes or by this channel's 👍

    @property
    def changes_filters(self) -> bool:
        """Whether any filter setting was given."""
        return self.clear_filters or bool(self.filter_changes)

    def filters(self, old: Filters | None) -> Filters:
        """The filters these arguments make of ``old`` (the channel's current ones, if any).

        Raises:
            SubscriptionError: Cannot happen for checked arguments; kept for the type.
        """
        base = NO_FILTERS if self.clear_filters or old is None else old
        return parse_filters(base, **dict(self.filter_changes)) if self.filter_changes else base

    @property
    def settings_given(self) -> bool:
        """Whether anything besides ``preview`` was given."""
        return self != SubscribeArgs(preview=self.preview)

    @classmethod
    def checked(
        cls,
        *,
        time: str | None = None,
        timezone: str | None = None,
        sections: str | None = None,
        in_thread: bool | None = None,
        include: str | None = None,
        exclude: str | None = None,
        authors: str | None = None,
        min_upvotes: int | None = None,
        top: int | None = None,
        mode: str | None = None,
        weekday: str | None = None,
        empty_note: bool | None = None,
        preview: bool = False,
        rank: str | None = None,
    ) -> SubscribeArgs:
        """Typed options (Discord) → validated arguments; blank strings mean "not given".

        A term option of ``none`` clears that filter; ``0`` clears ``min_upvotes`` or ``top``.

        Raises:
            SubscriptionError: A value is invalid; the message says which and what would do.
        """
        changes: list[tuple[str, object]] = []
        for name, value in (("include", include), ("exclude", exclude), ("authors", authors)):
            if value is not None and value.strip():
                changes.append((name, _terms(value)))
        for name, number in (("min_upvotes", min_upvotes), ("top", top)):
            if number is not None:
                changes.append((name, number or None))
        checked_changes = _checked(tuple(changes))
        return cls(
            parse_time(time) if time and time.strip() else None,
            parse_timezone(timezone) if timezone and timezone.strip() else None,
            parse_sections(sections) if sections and sections.strip() else None,
            in_thread,
            checked_changes,
            False,
            parse_mode(mode) if mode and mode.strip() else None,
            parse_weekday(weekday) if weekday and weekday.strip() else None,
            empty_note,
            preview,
            parse_rank(rank) if rank and rank.strip() else None,
        )


def _terms(value: str) -> object:
    """A term setting's value: ``None`` clears it, text is parsed by ``Filters.build``."""
    return () if value.strip().casefold() in CLEAR else value


def _checked(changes: Changes) -> Changes:
    """Validate filter changes now, so a bad term is refused before anything is written."""
    parse_filters(NO_FILTERS, **dict(changes))
    return changes


def _tokens(text: str) -> list[str]:
    """Split at white space outside double quotes (straight or curly); quotes are kept."""
    try:
        return split_quoted(text, keep_quotes=True)
    except FilterError as error:
        raise SubscriptionError(str(error)) from None


def _setting(token: str) -> tuple[str, str] | None:
    """``include:RL`` → ``("include", "RL")``; None when ``token`` is not a known setting."""
    for sep in (":", "="):
        key, found, value = token.partition(sep)
        if found and key.casefold() in _KEYS:
            return _KEYS[key.casefold()], value
    return None


class _Reader:
    """The settings of one ``/subscribe`` text, each given at most once."""

    def __init__(self) -> None:
        self.changes: dict[str, object] = {}
        self.clear = False
        self.mode: Mode | None = None
        self.weekday: int | None = None
        self.empty: bool | None = None
        self.rank: Rank | None = None

    def read(self, key: str, value: str) -> None:
        if key in FILTER_KEYS:
            if key in self.changes:
                raise SubscriptionError(f"{key} is given twice; give it once")
            cleared = value.strip().casefold() in CLEAR
            self.changes[key] = (
                (() if key not in ("min_upvotes", "top") else None) if cleared else value
            )
        elif key == "filters":
            if value.strip().casefold() not in CLEAR:
                raise SubscriptionError("use filters:none to clear every filter")
            self.clear = True
        elif key == "mode":
            self.mode = _once("mode", self.mode, parse_mode(value))
        elif key == "weekday":
            self.weekday = _once("weekday", self.weekday, parse_weekday(value))
        elif key == "rank":
            self.rank = _once("rank", self.rank, parse_rank(value))
        else:
            found = _EMPTY.get(value.strip().casefold())
            if found is None:
                raise SubscriptionError(
                    "use empty:note (a one-line note on a day nothing matches) or empty:silent"
                )
            self.empty = _once("empty", self.empty, found)


def parse_subscribe_text(text: str) -> SubscribeArgs:
    """Slack's one string → arguments, in any order (see the module docstring).

    A plain word is a time (``HH:MM``), ``thread``/``no-thread``, section names
    (comma-separated, any alias, ``all``, two-word English names such as ``future work``), an
    IANA timezone or ``preview``; a ``key:value`` word is a routing setting.

    Raises:
        SubscriptionError: A word is none of these, a value is invalid, or one setting is given
            twice.
    """
    reader = _Reader()
    preview = False
    plain: list[str] = []
    for token in _tokens(text):
        setting = _setting(token)
        if setting is not None:
            reader.read(*setting)
        elif token.casefold() in _PREVIEW:
            preview = True
        else:
            plain.append(token)
    time, zone, sections, thread = _plain_words(" ".join(plain))
    changes = _checked(tuple(reader.changes.items()))
    return SubscribeArgs(
        time, zone, sections, thread, changes, reader.clear, reader.mode, reader.weekday,
        reader.empty, preview, reader.rank,
    )  # fmt: skip


def _plain_words(
    text: str,
) -> tuple[str | None, str | None, tuple[SectionKey, ...] | None, bool | None]:
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
        if ":" in word and "/" not in word and "=" not in word and len(word) <= 8:
            time = _once("time", time, parse_time(word))
        elif lowered in _THREAD_ON or lowered in _THREAD_OFF:
            thread = _once("thread", thread, lowered in _THREAD_ON)
        elif index < len(words) and SectionKey.lookup(f"{word} {words[index]}") is not None:
            names.append(f"{word} {words[index]}")  # two-word names first: "future work"
            index += 1
        elif lowered == _SECTIONS_EVERY or SectionKey.lookup(word) is not None:
            names.append(word)
        elif ("/" in word and len(word) <= 64) or word.upper() in ("UTC", "GMT"):
            zone = _once("timezone", zone, parse_timezone(word))
        else:
            raise SubscriptionError(
                f"I don't understand {shown(word)}. Give a time (`08:00`), a timezone "
                "(`Asia/Seoul`), section names (`limitations,results`, `한계`, `6` or `all`), "
                "`thread` or `no-thread`, routing settings such as `include:RL` or "
                "`mode:digest`, or `preview`, in any order."
            )
    sections = parse_sections(names) if names else None
    return time, zone, sections, thread


def _once(what: str, old: _T | None, new: _T) -> _T:
    if old is not None and old != new:
        raise SubscriptionError(f"the {what} is given twice; give it once")
    return new
