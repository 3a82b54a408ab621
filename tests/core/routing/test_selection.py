"""select(): the rules in order, and a reason for every paper left out."""

from __future__ import annotations

import datetime as dt

from bot.core.archive.records import PaperEntry
from bot.core.cards.paper_meta import PaperMeta
from bot.core.routing.filters import Filters
from bot.core.routing.selection import Corpus, select
from digest_parser import Paper

DAY = dt.date(2026, 1, 5)


def entry(
    n: int, title: str, upvotes: int | None = None, authors: tuple[str, ...] = ()
) -> PaperEntry:
    paper = Paper(arxiv_id=f"2601.0000{n}", url=None, title=title, line=n)
    meta = (
        None
        if upvotes is None and not authors
        else PaperMeta(arxiv_id=paper.arxiv_id, upvotes=upvotes, authors=authors)
    )
    return PaperEntry(paper, DAY, n, 5, (DAY,), meta)


CORPUS = Corpus(
    [
        entry(1, "A survey of RL", 50, ("Ada Lovelace",)),
        entry(2, "강화 학습을 위한 보상 모델", 3),
        entry(3, "Vision transformers", 20),
        entry(4, "RL for robots", None),
        entry(5, "Diffusion for video", 40),
    ]
)


def chosen(filters: Filters, **kwargs: bool) -> list[int]:
    return [e.position for e in select(CORPUS, filters, **kwargs).chosen]


def reasons(filters: Filters) -> dict[int, str]:
    return {int(o.arxiv_id[-1]): o.reason for o in select(CORPUS, filters).left_out}


def test_no_filters_is_everything_in_digest_order() -> None:
    assert chosen(Filters()) == [1, 2, 3, 4, 5]


def test_include_exclude_and_their_reasons() -> None:
    filters = Filters.build(include='RL,"강화 학습"', exclude="survey")
    assert chosen(filters) == [2, 4]
    assert reasons(filters) == {
        1: 'excluded by "survey"',
        3: "matches none of the include terms",
        5: "matches none of the include terms",
    }


def test_min_upvotes_leaves_out_the_unknown_and_the_few() -> None:
    filters = Filters.build(min_upvotes=10)
    assert chosen(filters) == [1, 3, 5]
    assert reasons(filters) == {
        2: "below 10 upvotes (3 upvotes)",
        4: "upvotes unknown (no Hugging Face data yet)",
    }


def test_top_ranks_by_upvotes_then_digest_order_and_keeps_digest_order() -> None:
    filters = Filters.build(top=2)
    assert chosen(filters) == [1, 5]
    assert reasons(filters)[3] == "beyond the top 2 (20 upvotes)"
    assert reasons(filters)[4] == "upvotes unknown (no Hugging Face data yet)"
    ranked = select(CORPUS, Filters.build(top=5)).ranked()
    assert [e.position for e in ranked] == [1, 5, 3, 2]


def test_an_unasked_top_ranks_the_unknown_last_instead_of_leaving_them_out() -> None:
    assert chosen(Filters.build(top=4), unknown_last=True) == [1, 2, 3, 5]
    assert chosen(Filters.build(top=5), unknown_last=True) == [1, 2, 3, 4, 5]


def test_a_followed_author_beats_every_other_rule() -> None:
    filters = Filters.build(authors="Lovelace", exclude="survey", min_upvotes=100, top=1)
    selection = select(CORPUS, filters)
    assert [e.position for e in selection.chosen] == [1]
    assert selection.followed == frozenset({(DAY, "2601.00001")})
    assert len(selection.left_out) == 4


def test_include_and_exclude_match_hugging_face_metadata_not_only_the_korean_text() -> None:
    """A digest card is Korean; the English title, organisation, keywords and authors that
    Hugging Face adds are searched too, so `include:GRPO` finds a paper only its metadata names.
    """
    papers = [
        Paper(arxiv_id=f"2601.0001{n}", url=None, title=title, line=n)
        for n, title in enumerate(("보상 모델 연구", "영상 생성 모델", "로봇 조작", "언어 모델"), 1)
    ]
    metas = [
        PaperMeta(arxiv_id=papers[0].arxiv_id, title="Scaling GRPO for Reasoning"),
        PaperMeta(arxiv_id=papers[1].arxiv_id, organization="DeepMind"),
        PaperMeta(arxiv_id=papers[2].arxiv_id, keywords=("embodied agents", "sim-to-real")),
        PaperMeta(arxiv_id=papers[3].arxiv_id, authors=("Grace Hopper", "Alan Turing")),
    ]
    corpus = Corpus(
        PaperEntry(p, DAY, n, 4, (DAY,), m)
        for n, (p, m) in enumerate(zip(papers, metas, strict=True), 1)
    )
    bare = Corpus(PaperEntry(p, DAY, n, 4, (DAY,), None) for n, p in enumerate(papers, 1))
    for term, position in (("grpo", 1), ("DeepMind", 2), ("sim-to-real", 3), ("Hopper", 4)):
        include = Filters.build(include=term)
        assert [e.position for e in select(corpus, include).chosen] == [position], term
        assert select(bare, include).chosen == (), term  # the Korean text alone does not have it
        left_out = select(corpus, Filters.build(exclude=f'"{term}"')).left_out
        assert [(o.arxiv_id, o.reason) for o in left_out] == [
            (papers[position - 1].arxiv_id, f'excluded by "{term}"')
        ]


def kinds(filters: Filters) -> dict[int, str]:
    return {int(o.arxiv_id[-1]): o.kind for o in select(CORPUS, filters).left_out}


def test_every_reason_has_a_kind_for_programs() -> None:
    ranked = Filters.build(exclude="survey", min_upvotes=5, top=1)
    assert kinds(ranked) == {
        1: "excluded",
        2: "below_min_upvotes",
        3: "beyond_top",
        4: "upvotes_unknown",
    }
    assert kinds(Filters.build(include="RL"))[3] == "no_include_match"
