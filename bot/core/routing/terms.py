"""Filter terms: literal text a channel asks for, matched the way a reader would expect.

``include:"강화 학습",RL exclude:survey`` — terms are typed by people into a slash command and
matched against untrusted digest text, so:

* A term is literal text, never a pattern: ``.*`` matches a dot and a star.
* Latin-script terms match whole words, case-insensitively: ``RL`` finds "RL" and "rl", not
  "URL"; ``diffusion model`` finds "Diffusion  model" (white space runs count as one space)
  but not "diffusion models".
* Terms with Hangul match as substrings: Korean glues particles onto words, so ``강화 학습``
  must find "강화 학습을".
* At most :data:`MAX_TERMS` terms of at most :data:`MAX_TERM` characters; terms that would
  ping (``@everyone``, ``<@123>``, ``<!channel>``) or carry control characters are refused with
  a message that does not repeat them.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

__all__ = [
    "MAX_TERM",
    "MAX_TERMS",
    "MAX_TEXT",
    "FilterError",
    "Term",
    "normalise",
    "parse_terms",
    "split_quoted",
]

MAX_TERMS: Final = 20
MAX_TERM: Final = 100
#: Longest text a term list is read from: more is refused before it is split.
MAX_TEXT: Final = MAX_TERMS * (MAX_TERM + 3)
_HANGUL: Final = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")
_PINGS: Final = re.compile(r"<[@#!]|@(?:everyone|here|channel)\b", re.IGNORECASE)
_SPACE: Final = re.compile(r"\s+")
_QUOTES: Final = frozenset('"“”')


class FilterError(ValueError):
    """A filter setting is invalid; the message says what would do and never echoes a ping."""


def normalise(text: str) -> str:
    """Case-folded, NFKC, white space runs as one space: what terms and texts are compared as."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


@dataclass(frozen=True, slots=True)
class Term:
    """One literal term and how it matches."""

    text: str  # as given (trimmed), for showing back
    key: str  # normalised
    substring: bool  # Hangul: substring; otherwise whole words

    @classmethod
    def of(cls, text: str) -> Term:
        """A checked term.

        Raises:
            FilterError: Empty, too long, a ping, or control characters.
        """
        shown = text.strip()
        if not shown:
            raise FilterError("an empty filter term; leave it out")
        if len(shown) > MAX_TERM:
            raise FilterError(
                f"a filter term is {len(shown)} characters long; the limit is {MAX_TERM}"
            )
        if _PINGS.search(shown):
            raise FilterError(
                "filter terms cannot contain mentions (of people, roles, channels or everyone)"
            )
        if any(unicodedata.category(c) in ("Cc", "Cf") for c in shown):
            raise FilterError("filter terms cannot contain control or invisible characters")
        key = normalise(shown)
        return cls(shown, key, bool(_HANGUL.search(key)))

    def pattern(self) -> re.Pattern[str]:
        """The whole-word matcher of a Latin-script term (literal: every character escaped)."""
        return _whole_word(self.key)

    def found_in(self, haystack: str) -> bool:
        """Whether the term occurs in ``haystack`` (already :func:`normalise`\\ d)."""
        if self.key not in haystack:  # fast refusal: most terms miss most papers
            return False
        return self.substring or self.pattern().search(haystack) is not None

    def __str__(self) -> str:
        return self.text


@functools.lru_cache(maxsize=4096)
def _whole_word(key: str) -> re.Pattern[str]:
    """Word edges where the term has them: ``C++`` ends in no word, ``(`` neither starts one."""
    start = r"(?<!\w)" if re.match(r"\w", key) else ""
    end = r"(?!\w)" if re.search(r"\w$", key) else ""
    return re.compile(start + re.escape(key) + end)


def parse_terms(value: str | Iterable[str]) -> tuple[Term, ...]:
    """``'"강화 학습",RL survey'`` (or a list from config) → terms, duplicates dropped.

    A string is split at commas and white space outside double quotes; a quoted phrase is one
    term. A list (from ``config.toml``) is taken item by item, each one term.

    Raises:
        FilterError: Too many terms, a term too long, an unclosed quote, or a ping.
    """
    if isinstance(value, str):
        if len(value) > MAX_TEXT:
            raise FilterError(
                f"the filter is {len(value):,} characters long; give at most {MAX_TERMS} terms "
                f"of at most {MAX_TERM} characters"
            )
        parts = split_quoted(value, at=",")
    else:
        parts = list(value)
    terms: dict[str, Term] = {}
    for part in parts:
        term = Term.of(part)
        terms.setdefault(term.key, term)
        if len(terms) > MAX_TERMS:
            raise FilterError(f"too many filter terms: at most {MAX_TERMS}")
    return tuple(terms.values())


def split_quoted(text: str, *, at: str = "", keep_quotes: bool = False) -> list[str]:
    """Split at white space (and the characters ``at``) outside double quotes, straight or
    curly: a quoted phrase stays one part. ``keep_quotes`` leaves the quotes in the parts
    (``/subscribe`` splits its words first, and each filter's terms later).

    Raises:
        FilterError: A quote is not closed.
    """
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    for char in text:
        if char in _QUOTES:
            if keep_quotes:
                current.append(char)
            elif quoted or current:
                parts.append("".join(current))
                current = []
            quoted = not quoted
        elif not quoted and (char in at or char.isspace()):
            if current:
                parts.append("".join(current))
            current = []
        else:
            current.append(char)
    if quoted:
        raise FilterError('a quoted phrase is not closed: end it with "')
    if current:
        parts.append("".join(current))
    return [p for p in parts if p.strip()]
