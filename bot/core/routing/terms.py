"""Filter terms: literal text a channel asks for, matched the way a reader would expect.

``include:"강화 학습",RL exclude:survey`` — terms are typed by people into a slash command and
matched against untrusted digest text, so:

* A term is literal text, never a pattern: ``.*`` matches a dot and a star.
* Latin-script terms match whole words, case-insensitively: ``RL`` finds "RL" and "rl", not
  "URL"; ``diffusion model`` finds "Diffusion  model" (white space runs count as one space)
  but not "diffusion models".
* Hangul is a word edge for Latin script: Korean glues particles onto any word, so ``RL``
  finds "RL을 사용한" and ``GRPO`` finds "GRPO는" (still not "CURL을" or "RLHF").
* Terms with Hangul match as substrings at their Hangul ends: ``강화 학습`` must find
  "강화 학습을". A mixed term keeps a word edge at its Latin end: ``RL 기반`` finds
  "RL 기반의", not "URL 기반".
* At most :data:`MAX_TERMS` terms of at most :data:`MAX_TERM` characters; terms that would
  ping (``@everyone``, ``<@123>``, ``<!channel>``) or carry control characters are refused with
  a message that does not repeat them.
"""

from __future__ import annotations

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
#: Hangul Jamo, compatibility Jamo, Jamo extended A, syllables and Jamo extended B (NFKC has
#: already turned half-width Jamo into compatibility Jamo).
_HANGUL_CHARS: Final = r"\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7ff"
_HANGUL: Final = re.compile(f"[{_HANGUL_CHARS}]")
#: A word character that is not Hangul: what must not touch a term's Latin (or digit) end.
#: Compiled once: Python's re builds a table of all of Unicode for this class (about 2 ms), so a
#: pattern per term built with it cost 0.3 s of planning a day for 1,000 channels.
_LATIN_WORD: Final = re.compile(f"[^\\W{_HANGUL_CHARS}]")
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
    edge_before: bool  # the first character is Latin or a digit: a word must not go on before it
    edge_after: bool  # the same at the last character

    @property
    def substring(self) -> bool:
        """No end needs a word edge (Hangul at both ends, or no word character there)."""
        return not (self.edge_before or self.edge_after)

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
        return cls(shown, key, _needs_edge(key[:1]), _needs_edge(key[-1:]))

    def found_in(self, haystack: str) -> bool:
        """Whether the term occurs in ``haystack`` (already :func:`normalise`\\ d), with word
        edges where it has them: ``C++`` ends in no word, ``(`` neither starts one, and a
        Hangul end has none (Korean words take particles). At a Latin or digit end only another
        Latin or digit character breaks the word: a Hangul particle, like a space or a bracket,
        is an edge, so ``RL`` finds "RL을" but not "URL" or "RLHF". Literal text throughout.
        """
        key = self.key
        at = haystack.find(key)
        if at < 0 or self.substring:  # the fast answer: most terms miss most papers
            return at >= 0
        before, after = self.edge_before, self.edge_after
        while at >= 0:
            end = at + len(key)
            if not (before and at and _LATIN_WORD.match(haystack, at - 1)) and not (
                after and _LATIN_WORD.match(haystack, end)
            ):
                return True
            at = haystack.find(key, at + 1)
        return False

    def __str__(self) -> str:
        return self.text


def _needs_edge(char: str) -> bool:
    """Whether a term ending in ``char`` matches only at a word edge there."""
    return bool(re.fullmatch(r"\w", char)) and not _HANGUL.match(char)


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
