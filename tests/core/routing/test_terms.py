"""Filter terms: literal, whole words in Latin script, substrings in Hangul, bounded, no pings."""

from __future__ import annotations

import pytest

from bot.core.routing.filters import Filters
from bot.core.routing.terms import MAX_TERM, MAX_TERMS, FilterError, Term, normalise, parse_terms


def found(term: str, text: str) -> bool:
    return Term.of(term).found_in(normalise(text))


@pytest.mark.parametrize(
    ("term", "text", "expected"),
    [
        ("RL", "offline RL for robots", True),
        ("RL", "see the URL below", False),
        ("rl", "Offline RL", True),
        ("RL", "RL-based agents", True),  # a hyphen ends a word
        ("diffusion model", "a Diffusion   model\nfor video", True),
        ("diffusion model", "diffusion models", False),
        ("강화 학습", "검증 성공을 보상으로 쓰는 강화 학습을 씁니다", True),
        ("학습", "미세학습으로", True),  # Hangul: inside words
        (".*", "anything at all", False),  # literal, never a pattern
        ("C++", "written in C++ and Rust", True),
        ("(", "a (parenthesis)", True),
    ],
)
def test_matching(term: str, text: str, expected: bool) -> None:
    assert found(term, text) is expected


def test_parse_terms_reads_quoted_phrases_commas_and_spaces() -> None:
    terms = parse_terms('"강화 학습",RL  survey, “large language model”')
    assert [t.text for t in terms] == ["강화 학습", "RL", "survey", "large language model"]
    assert [t.substring for t in terms] == [True, False, False, False]
    assert [t.text for t in parse_terms(["a b", "RL", "rl"])] == ["a b", "RL"]  # one per key


@pytest.mark.parametrize(
    "bad",
    [
        ",".join(f"t{n}" for n in range(MAX_TERMS + 1)),
        "x" * (MAX_TERM + 1),
        "y" * 10_000,
        '"unclosed phrase',
        "@everyone",
        "<@123>",
        "<!channel>",
        "<#C0123>",
        "zero\u200bwidth",
    ],
)
def test_bad_terms_are_refused_without_repeating_them(bad: str) -> None:
    with pytest.raises(FilterError) as error:
        parse_terms(bad)
    assert "@everyone" not in str(error.value) and "<@" not in str(error.value)
    assert len(str(error.value)) < 200


def test_filters_round_trip_and_replace() -> None:
    filters = Filters.build(include='"강화 학습",RL', exclude="survey", top="10", min_upvotes=5)
    assert Filters.from_json(filters.to_json()) == filters
    assert filters.replace(top=None).top is None and filters.replace(top=None).include
    assert filters.parts() == [
        'include "강화 학습", "RL"',
        'exclude "survey"',
        "at least 5 upvotes",
        "top 10",
    ]
    assert Filters.build().to_json() == "{}" and not Filters.build().active
    for bad in ({"top": 0}, {"top": "ten"}, {"min_upvotes": -1}):
        with pytest.raises(FilterError):
            Filters.build(**bad)  # type: ignore[arg-type]
    with pytest.raises(FilterError):
        Filters.from_json('{"include": ["@everyone"]}')  # a hand-edited row is checked too
