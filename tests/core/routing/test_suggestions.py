"""Filter suggestions: the last typed term completed, the digest's words ranked, nothing unsafe."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.core.archive.records import PaperEntry
from bot.core.cards.paper_meta import PaperMeta
from bot.core.cards.text import utf16_len
from bot.core.routing.suggestions import TypedTerms, title_words, vocabulary_of
from bot.core.routing.terms import MAX_TERMS, parse_terms
from digest_parser import Paper, parse_digest_file
from tests.conftest import require_real_digest

DAY = dt.date(2026, 1, 5)
WORDS = ("reinforcement learning", "retrieval", "reward model", "diffusion", "Pre-training")


def entry(n: int, title: str, meta: PaperMeta | None = None) -> PaperEntry:
    paper = Paper(arxiv_id=f"2601.0000{n}", url=None, title=title, line=n)
    return PaperEntry(paper, DAY, n, 9, (DAY,), meta)


def complete(typed: str, offered: tuple[str, ...] = WORDS, **limits: int) -> tuple[str, ...]:
    terms = TypedTerms.read(typed)
    assert terms is not None, typed
    return terms.complete(
        offered, count=limits.get("count", 25), longest=limits.get("longest", 100)
    )


def test_title_words_are_latin_and_hangul_words_without_stopwords_or_particles() -> None:
    title = "Tool-Star: 강화 학습을 통한 LLM 기반 도구 추론, 개선된 정확도 for MLLM의 μP"
    assert title_words(title) == [
        "Tool-Star", "강화", "학습", "LLM", "도구", "추론", "개선", "정확도", "MLLM",
    ]  # fmt: skip


def test_vocabulary_ranks_keywords_then_title_words_and_drops_what_could_ping() -> None:
    meta = PaperMeta
    vocabulary = vocabulary_of(
        [
            entry(1, "강화 학습", meta("2601.00001", keywords=("RL", "@everyone", "agents"),
                                      authors=("Ada Lovelace", "<@123> Bot"))),
            entry(2, "x", meta("2601.00002", keywords=("agents", "rl", 'say "hi"'),
                               authors=("Alan Turing", "Ada Lovelace"))),
            entry(3, "Diffusion for 강화 학습을 통한 video"),
            entry(4, "Video diffusion", meta("2601.00004", title="Video world models")),
        ]
    )  # fmt: skip
    assert vocabulary.keywords == (  # keywords; then title words, "Diffusion" in two papers
        "RL", "agents", "Diffusion", "video", "강화", "학습", "world", "models",
    )  # fmt: skip
    assert vocabulary.authors == ("Ada Lovelace", "Alan Turing")
    assert vocabulary_of([]).keywords == ()


def test_a_real_digest_without_metadata_offers_its_title_words() -> None:
    digest = parse_digest_file(require_real_digest("hf-daily-papers-2025-05-25.md"))
    entries = [entry(n, p.title or "") for n, p in enumerate(digest.papers, start=1)]
    vocabulary = vocabulary_of(entries)
    assert vocabulary == vocabulary_of(entries)  # deterministic
    assert {"강화", "학습", "Reasoning", "LLM"} <= set(vocabulary.keywords[:20])
    assert "학습을" not in vocabulary.keywords and "위한" not in vocabulary.keywords
    assert vocabulary.authors == ()
    learning = complete('"강화 학습",RL,학', vocabulary.keywords)
    assert learning[0] == '"강화 학습",RL,학습'


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("re", ('"reinforcement learning"', "retrieval", '"reward model"', "Pre-training")),
        ("RL,re", ('RL,"reinforcement learning"', "RL,retrieval", 'RL,"reward model"',
                   "RL,Pre-training")),
        ('"강화 학습", rew', ('"강화 학습", "reward model"',)),
        ('RL,"reinforcement le', ('RL,"reinforcement learning"',)),
        ('"reward model"', ('"reward model","reinforcement learning"', '"reward model",retrieval',
                            '"reward model",diffusion', '"reward model",Pre-training')),
        ("diffusion RETR", ("diffusion retrieval",)),
        ("mod", ('"reward model"',)),  # a word of it starts so
        ("rain", ("Pre-training",)),  # inside a word only
        ("RL,zzz", ()),
    ],
)  # fmt: skip
def test_the_last_term_is_completed_and_the_others_kept_as_typed(
    typed: str, expected: tuple[str, ...]
) -> None:
    assert complete(typed) == expected


def test_the_whole_prefix_comes_before_a_word_and_a_word_before_inside() -> None:
    offered = ("deep learning", "learning rate", "unlearning", "Learning")
    assert complete("learn", offered) == (
        '"learning rate"', "Learning", '"deep learning"', "unlearning",
    )  # fmt: skip
    values = complete("x,", offered)
    assert [parse_terms(v)[-1].text for v in values] == list(offered)
    assert all(len(parse_terms(v)) == 2 for v in values)
    assert complete("x,Learning,", offered) == (
        'x,Learning,"deep learning"',
        'x,Learning,"learning rate"',
        "x,Learning,unlearning",
    )


@pytest.mark.parametrize(
    "typed",
    [
        "@everyone",
        "RL,<@123",
        "<!channel>,re",
        "x" * 10_000,
        "RL,zero\u200bwidth",
        "a" * 101,
        ",".join(f"t{n}" for n in range(MAX_TERMS)) + ",re",
    ],
)
def test_typing_that_could_not_be_saved_gets_no_suggestions(typed: str) -> None:
    assert TypedTerms.read(typed) is None


def test_offered_words_that_could_ping_or_break_quotes_are_never_offered() -> None:
    offered = ("@everyone", "<@123>", "a <#1> b", 'x "y"', "`code`", "ok @here", "ok\x00", "ok")
    assert complete("", offered) == ("ok",)


def test_count_and_length_are_bounded_and_values_never_cut() -> None:
    many = tuple(f"keyword{n:02}" for n in range(40))
    assert complete("key", many) == tuple(many[:25])
    long_word = "w" * 90
    head = "h" * 9 + ","
    assert complete(head, (long_word, "short")) == (f"{head}{long_word}", f"{head}short")
    assert complete("h" * 10 + ",", (long_word, "short")) == ("h" * 10 + ",short",)
    terms = TypedTerms.read("")
    assert terms is not None
    assert terms.complete(("학습" * 30,), count=25, longest=100, length=utf16_len) == ("학습" * 30,)
    assert terms.complete(("😀" * 60,), count=25, longest=100, length=utf16_len) == ()
