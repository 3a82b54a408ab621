"""Suggestions for a filter being typed: complete its last term, keep the others as typed.

A chat platform that completes options as they are typed (Discord's autocomplete) sends the
option's text so far, ``"강화 학습",RL,diff``, and takes back whole option values: choosing a
suggestion replaces what was typed. So the terms before the last are kept exactly as typed and
only the last is completed: ``"강화 학습",RL,diffusion``, ``"강화 학습",RL,"diffusion model"``.

What is offered comes from the caller, best first (a channel's own terms, then the newest
digest's :class:`Vocabulary`); here it is matched against the last term, prefixes of the whole
term first, then prefixes of one of its words, then anything containing it, and bounded in
number and length. Typed text and offered words are both untrusted: typed text that
:func:`~bot.core.routing.terms.parse_terms` would refuse (a mention, 10,000 characters, control
characters) gets no suggestions, and a word that could ping or break the quoting (``@``, ``<``,
``>``, quotes, backticks) is never offered. Everything is pure and deterministic: the same
papers and the same typing give the same suggestions in the same order.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

from bot.core.routing.terms import (
    MAX_TERMS,
    MAX_TEXT,
    FilterError,
    Term,
    normalise,
    parse_terms,
)

if TYPE_CHECKING:
    from bot.core.archive.records import PaperEntry

__all__ = ["POOL_MAX", "TypedTerms", "Vocabulary", "title_words", "vocabulary_of"]

#: Words kept per kind (keywords, authors): far more than a day has (47 papers, ~400 names),
#: and a bound on the work of every keystroke whatever a digest holds.
POOL_MAX: Final = 2000
#: Characters never offered: they could ping (``<@…>``, ``@everyone``), end a quoted phrase, or
#: open code formatting where the settings are shown back.
_UNSAFE: Final = frozenset('@<>"“”`')
_QUOTES: Final = '"“”'
_WORD: Final = re.compile(
    r"(?P<latin>[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*)|(?P<hangul>[\uac00-\ud7a3]+)"
)
#: English words too common in titles to filter by.
_STOPWORDS: Final = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "beyond", "by", "can", "do", "does", "for",
    "from", "how", "in", "into", "is", "it", "its", "let", "not", "of", "on", "or", "our",
    "over", "the", "their", "this", "through", "to", "toward", "towards", "under", "via", "vs",
    "we", "what", "when", "where", "which", "why", "with", "without", "you", "your",
})  # fmt: skip
#: Korean words as common: "for", "through", "about", "based on", "that is" …
_HANGUL_STOPWORDS: Final = frozenset({
    "위한", "통한", "대한", "위해", "통해", "대해", "기반", "있는", "없는", "하는", "되는",
    "어떻게", "무엇", "언제", "그리고",
})  # fmt: skip
#: Particles cut from the end of a Hangul word when two syllables or more remain, so that
#: "모델의", "모델을" and "모델은" count as "모델" (Hangul terms match as substrings, so the
#: stem still finds every form), and the endings that make a verb of one ("활용한", "개선된").
#: Longest first; 이/가/도/로 are left: they end too many nouns (정확도, 전문가).
_PARTICLES: Final = ("에서의", "에서", "으로", "에게", "을", "를", "은", "는", "의", "에",
                     "과", "와", "한", "된")  # fmt: skip


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """What a digest offers to filter by, most frequent first.

    Attributes:
        keywords: Hugging Face's keywords of its papers, then the title words of papers that
            have none (Latin words and Hangul words, stopwords left out).
        authors: Hugging Face's author names of its papers.
    """

    keywords: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()


@dataclass(slots=True)
class _Tally:
    """Words counted once per paper; ranked by that count, then by first appearance."""

    counts: dict[str, int] = field(default_factory=dict)
    shown: dict[str, str] = field(default_factory=dict)  # key → the form first seen

    def add(self, words: Iterable[str]) -> None:
        keys: dict[str, str] = {}
        for word in words:
            if offer := _offerable(word):
                text, key = offer
                keys.setdefault(key, text)
        for key, text in keys.items():
            self.shown.setdefault(key, text)
            self.counts[key] = self.counts.get(key, 0) + 1

    def ranked(self) -> list[str]:
        order = {key: n for n, key in enumerate(self.shown)}
        keys = sorted(self.shown, key=lambda k: (-self.counts[k], order[k]))
        return [self.shown[key] for key in keys[:POOL_MAX]]


@functools.lru_cache(maxsize=2 * POOL_MAX)
def _offerable(word: str) -> tuple[str, str] | None:
    """``word`` with white space runs as one space and its key, or ``None`` if it may not be
    offered. Kept: the same digest's words are checked again at every keystroke."""
    text = " ".join(word.split())
    if not text or any(c in _UNSAFE for c in text):
        return None
    try:
        term = Term.of(text)  # no ping, no control characters, not too long
    except FilterError:
        return None
    return text, term.key


def _stem(word: str) -> str:
    for particle in _PARTICLES:
        if word.endswith(particle) and len(word) - len(particle) >= 2:
            return word[: -len(particle)]
    return word


def title_words(title: str) -> list[str]:
    """The words of a title worth filtering by, in order: ``Tool-Star: 강화 학습을 통한 LLM``
    → ``Tool-Star``, ``강화``, ``학습``, ``LLM``.

    Latin words (hyphenated compounds whole) of two letters or more, and Hangul words of two
    syllables or more with a trailing particle cut; common words of either left out.
    """
    words: list[str] = []
    for match in _WORD.finditer(title):
        if latin := match.group("latin"):
            if len(latin) >= 2 and latin.casefold() not in _STOPWORDS:
                words.append(latin)
            continue
        hangul = _stem(match.group("hangul"))
        if len(hangul) >= 2 and hangul not in _HANGUL_STOPWORDS:
            words.append(hangul)
    return words


def vocabulary_of(entries: Iterable[PaperEntry]) -> Vocabulary:
    """A digest's keywords and authors, each ranked by how many of its papers have it.

    A paper with Hugging Face keywords gives those; one without (not enriched yet, or Hugging
    Face has none) gives the words of its titles instead, ranked after every keyword.
    """
    keywords, words, authors = _Tally(), _Tally(), _Tally()
    for entry in entries:
        meta = entry.meta
        if meta is not None and meta.keywords:
            keywords.add(meta.keywords)
        else:
            titles = (entry.paper.title, meta.title if meta is not None else None)
            words.add(w for title in titles if title for w in title_words(title))
        if meta is not None:
            authors.add(meta.authors)
    ranked = keywords.ranked()
    known = {normalise(k) for k in ranked}
    ranked += [w for w in words.ranked() if normalise(w) not in known]
    return Vocabulary(tuple(ranked[:POOL_MAX]), tuple(authors.ranked()))


def _last_term_start(typed: str) -> int:
    """Where the last term of ``typed`` starts (at its opening quote, if it has one).

    Terms are separated as :func:`~bot.core.routing.terms.split_quoted` separates them: by
    commas and white space outside quotes, and by the quotes themselves.
    """
    start, quoted = 0, False
    for index, char in enumerate(typed):
        if char in _QUOTES:
            start = index + 1 if quoted else index
            quoted = not quoted
        elif not quoted and (char == "," or char.isspace()):
            start = index + 1
    return start


def _quoted(text: str) -> str:
    """``text`` as one term of a typed list: quoted when it holds a separator."""
    return f'"{text}"' if any(c == "," or c.isspace() for c in text) else text


def _tier(key: str, needle: str) -> int | None:
    """0: starts with ``needle``; 1: a word of it does; 2: contains it; None: no match."""
    if key.startswith(needle):
        return 0
    if needle not in key:
        return None
    words = re.split(r"[\s\-/]+", key)
    return 1 if any(word.startswith(needle) for word in words) else 2


@dataclass(frozen=True, slots=True)
class TypedTerms:
    """A filter option as typed so far: the terms before the last, kept as typed, and the last.

    Attributes:
        head: The text before the last term, exactly as typed (``"강화 학습",RL,``).
        joiner: What goes between ``head`` and a completion: ``,`` after a closing quote, else
            nothing (``head`` ends with its separator).
        needle: The last term so far, normalised; ``""`` when nothing is typed of it yet.
        taken: The keys of the terms in ``head`` (never offered again).
    """

    head: str
    joiner: str
    needle: str
    taken: frozenset[str]

    @classmethod
    def read(cls, typed: str) -> TypedTerms | None:
        """``typed`` split for completion; ``None`` when it deserves no suggestions.

        That is whenever the filter could not be saved with one more term: too long, a term
        that would ping or has control characters, or the most terms already.
        """
        if len(typed) > MAX_TEXT:
            return None
        start = _last_term_start(typed)
        head, last = typed[:start], typed[start:].lstrip(_QUOTES)
        try:
            earlier = parse_terms(head)
            needle = Term.of(last).key if last.strip() else ""
        except FilterError:
            return None
        if len(earlier) >= MAX_TERMS:
            return None
        joiner = "," if head and head[-1] != "," and not head[-1].isspace() else ""
        return cls(head, joiner, needle, frozenset(t.key for t in earlier))

    def complete(
        self,
        offered: Sequence[str],
        *,
        count: int,
        longest: int,
        length: Callable[[str], int] = len,
    ) -> tuple[str, ...]:
        """Whole option values completing the last term with words of ``offered``.

        Args:
            offered: Candidate terms, best first (duplicates and unsafe words are skipped).
            count: The most values to return.
            longest: The longest value, in ``length`` units; longer ones are left out, never
                cut (a cut term would filter by something nobody chose).
            length: How the platform counts characters.

        Returns:
            Values whose last term starts with what was typed first, then those with a word
            starting with it, then those containing it; in ``offered`` order within each.
        """
        found: list[tuple[int, int, str]] = []
        seen = set(self.taken)
        for order, word in enumerate(offered):
            offer = _offerable(word)
            if offer is None:
                continue
            text, key = offer
            if key in seen:
                continue
            seen.add(key)
            tier = _tier(key, self.needle)
            if tier is None:
                continue
            value = f"{self.head}{self.joiner}{_quoted(text)}"
            if length(value) <= longest:
                found.append((tier, order, value))
        found.sort()
        return tuple(value for _, _, value in found[:count])
