"""A channel's filters: what it wants to see of a day's papers.

Stored with the subscription (as JSON, :meth:`Filters.to_json`), set in ``config.toml``, by
``/subscribe include:… exclude:… authors:… min_upvotes:… top:…`` and by ``paperbot post``
flags; validated here once for all three, with :class:`~bot.core.routing.terms.FilterError`
messages a chat reply can show as they are.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final

from bot.core.routing.terms import FilterError, Term, parse_terms

__all__ = ["MAX_TOP", "MAX_UPVOTES", "NO_FILTERS", "Filters"]

#: The most papers ``top`` may ask for: more than any digest has had (47).
MAX_TOP: Final = 100
MAX_UPVOTES: Final = 100_000

Terms = str | Iterable[str]


def _bounded(name: str, value: int | str | None, low: int, high: int) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = int(value)
    except ValueError:
        raise FilterError(f"{name} must be a whole number from {low} to {high}") from None
    if not low <= number <= high:
        raise FilterError(f"{name} must be a whole number from {low} to {high}")
    return number


@dataclass(frozen=True, slots=True)
class Filters:
    """Include/exclude terms, followed authors, an upvote floor and a top N; empty = all."""

    include: tuple[Term, ...] = ()
    exclude: tuple[Term, ...] = ()
    authors: tuple[Term, ...] = ()
    min_upvotes: int | None = None
    top: int | None = None

    @classmethod
    def build(
        cls,
        *,
        include: Terms = (),
        exclude: Terms = (),
        authors: Terms = (),
        min_upvotes: int | str | None = None,
        top: int | str | None = None,
    ) -> Filters:
        """Checked filters from text (chat, CLI) or lists (config).

        Raises:
            FilterError: A term or number is invalid; the message says which.
        """
        return cls(
            parse_terms(include),
            parse_terms(exclude),
            parse_terms(authors),
            _bounded("min_upvotes", min_upvotes, 0, MAX_UPVOTES),
            _bounded("top", top, 1, MAX_TOP),
        )

    @property
    def active(self) -> bool:
        """Whether anything is filtered at all."""
        return bool(self.include or self.exclude or self.authors) or (
            self.min_upvotes is not None or self.top is not None
        )

    def replace(self, **changes: Any) -> Filters:
        """These filters with some settings given anew (as :meth:`build` takes them)."""
        current: dict[str, Any] = {
            "include": [t.text for t in self.include],
            "exclude": [t.text for t in self.exclude],
            "authors": [t.text for t in self.authors],
            "min_upvotes": self.min_upvotes,
            "top": self.top,
        }
        current.update(changes)
        return Filters.build(**current)

    def to_json(self) -> str:
        """The stored form: ``{}`` when nothing is filtered."""
        data: dict[str, Any] = {}
        for name in ("include", "exclude", "authors"):
            terms: tuple[Term, ...] = getattr(self, name)
            if terms:
                data[name] = [t.text for t in terms]
        for name in ("min_upvotes", "top"):
            if getattr(self, name) is not None:
                data[name] = getattr(self, name)
        return json.dumps(data, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Filters:
        """Read the stored form back (checked again: a hand-edited row cannot smuggle a ping).

        Raises:
            FilterError: The stored filters are not valid any more.
        """
        try:
            data = json.loads(text or "{}")
        except ValueError:
            raise FilterError("stored filters are not JSON") from None
        if not isinstance(data, dict):
            raise FilterError("stored filters are not an object")
        return cls.build(**{k: v for k, v in data.items() if k in _FIELDS})

    def parts(self) -> list[str]:
        """The settings as short phrases, terms quoted: ``include "강화 학습", "RL"``."""
        shown: list[str] = []
        for name, terms in (
            ("include", self.include),
            ("exclude", self.exclude),
            ("authors", self.authors),
        ):
            if terms:
                shown.append(f"{name} " + ", ".join(f'"{t.text}"' for t in terms))
        if self.min_upvotes is not None:
            shown.append(f"at least {self.min_upvotes} upvotes")
        if self.top is not None:
            shown.append(f"top {self.top}")
        return shown


_FIELDS: Final = frozenset({"include", "exclude", "authors", "min_upvotes", "top"})


#: Everything passes: the default of every subscription (frozen, so safe to share).
NO_FILTERS: Final = Filters()
