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
        # A Hangul particle glued to a Latin word is a word edge, another Latin letter is not.
        ("RL", "RL을 사용한 학습", True),
        ("RL", "URL보다 RL이", True),  # the first occurrence is inside a word, the second is not
        ("RL", "URL, CURL", False),
        ("GRPO", "기존의 GRPO는 느리다", True),
        ("RL", "보상(RL)으로", True),
        ("RL", "RL, SFT", True),
        ("RL", "지향적인RL", True),
        ("RL", "ㅋRLㅎ", True),  # compatibility Jamo
        ("RL", "\u1100RL\u11a8", True),  # conjoining Jamo
        ("RL", "URL을 연다", False),
        ("RL", "RLHF로", False),
        ("RL", "CURL을", False),
        ("VLM", "Robo2VLM을", False),  # a digit is part of the word
        ("GRPO2", "GRPO2를", True),
        # A mixed term: a word edge at its Latin end, a substring at its Hangul end.
        ("RL 기반", "순수 RL 기반의 방법", True),
        ("RL 기반", "URL 기반 검색", False),
        ("기반 RL", "학습기반 RL을", True),
        ("기반 RL", "기반 RLHF", False),
        ("강화 학습", "강화 학습을", True),
    ],
)
def test_matching(term: str, text: str, expected: bool) -> None:
    assert found(term, text) is expected


def test_parse_terms_reads_quoted_phrases_commas_and_spaces() -> None:
    terms = parse_terms('"강화 학습",RL  survey, “large language model”')
    assert [t.text for t in terms] == ["강화 학습", "RL", "survey", "large language model"]
    assert [t.substring for t in terms] == [True, False, False, False]
    assert [t.substring for t in parse_terms('"RL 기반", "기반 RL", 학습, C++, ++')] == [
        False,
        False,
        True,
        False,
        True,
    ]
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
