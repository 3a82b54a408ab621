"""``/follow`` and ``/unfollow`` arguments: topic terms and authors, read as the routing filters.

``/follow "강화 학습" RL authors:"Yann LeCun",Hinton``: words are split outside double quotes;
``author:``/``authors:`` words name people (matched against Hugging Face's author lists), every
other word is a topic term (matched like a channel's ``include``). Limits, pings and invisible
characters are refused by :func:`~bot.core.routing.terms.parse_terms`, never echoed.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.routing.terms import MAX_TERMS, FilterError, Term, parse_terms, split_quoted

__all__ = ["FollowTerms", "parse_follow"]

_AUTHOR_KEYS = ("authors:", "author:")


@dataclass(frozen=True, slots=True)
class FollowTerms:
    """What a ``/follow`` or ``/unfollow`` names."""

    terms: tuple[Term, ...] = ()
    authors: tuple[Term, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.terms or self.authors)

    def merged(self, other: FollowTerms) -> FollowTerms:
        """Both sets, duplicates once.

        Raises:
            FilterError: More than the routing filters' limit of terms (or of authors).
        """
        return FollowTerms(_union(self.terms, other.terms), _union(self.authors, other.authors))

    def without(self, other: FollowTerms) -> FollowTerms:
        """These terms less ``other``'s (compared as the matcher compares: case-folded)."""
        terms = {t.key for t in other.terms}
        authors = {t.key for t in other.authors}
        return FollowTerms(
            tuple(t for t in self.terms if t.key not in terms),
            tuple(t for t in self.authors if t.key not in authors),
        )

    def shown(self) -> list[str]:
        """``"RL"``, ``author "Yann LeCun"``: each followed thing, quoted as typed."""
        return [f'"{t.text}"' for t in self.terms] + [f'author "{t.text}"' for t in self.authors]


def parse_follow(text: str) -> FollowTerms:
    """Terms and authors of ``text``.

    Raises:
        FilterError: An unclosed quote, too many or too long terms, or a ping.
    """
    terms: list[Term] = []
    authors: list[Term] = []
    for word in split_quoted(text, keep_quotes=True):
        key = next((k for k in _AUTHOR_KEYS if word.lower().startswith(k)), None)
        if key is None:
            terms.extend(parse_terms(word))
        elif rest := word[len(key) :]:
            authors.extend(parse_terms(rest))
    return FollowTerms().merged(FollowTerms(tuple(terms), tuple(authors)))


def _union(first: tuple[Term, ...], second: tuple[Term, ...]) -> tuple[Term, ...]:
    kept: dict[str, Term] = {}
    for term in (*first, *second):
        kept.setdefault(term.key, term)
    if len(kept) > MAX_TERMS:
        raise FilterError(
            f"too many followed terms: at most {MAX_TERMS} topics and {MAX_TERMS} authors"
        )
    return tuple(kept.values())
