"""Lookup: found values for every reference form, and a helpful NotFound for every miss."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.archive.lookup import (
    MAX_SUGGESTIONS,
    Lookup,
    NotFound,
    NotFoundKind,
    SearchResults,
    SectionFound,
    SectionPage,
)
from bot.core.archive.records import DigestSummary, PaperEntry
from bot.storage.sqlite.store import Store
from digest_parser import SectionKey, parse_digest_file
from tests.storage.test_store import hash_of, make_digest, make_paper

K = SectionKey
MAY_26, MAY_27 = dt.date(2025, 5, 26), dt.date(2025, 5, 27)


@pytest.fixture(params=["indexed", "lagging"])
async def lookup(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Lookup]:
    """Lookups over an indexed archive, or one whose search index lags (read with LIKE)."""
    async with Store.open(tmp_path / "archive.db", background_index=False) as store:
        day1 = make_digest(
            "2025-05-26",
            make_paper("2505.19590", "Older summary", {K.MOTIVATION: "옛 동기"}),
            make_paper("2505.18000", "Only on the 26th"),
        )
        day2 = make_digest(
            "2025-05-27",
            make_paper("2505.19590", "Newer summary"),
            make_paper("2505.19591", "Neighbour", {K.MOTIVATION: "동기", K.RESULTS: "결과"}),
            *(make_paper(f"2505.2{n:04d}", f"Filler {n} 강화 학습") for n in range(30)),
        )
        for digest in (day1, day2):
            await store.ingest(digest, content_hash=hash_of(digest))
        if request.param == "indexed":
            await store.indexed()
        yield Lookup(store)


@pytest.fixture
async def empty(tmp_path: Path) -> AsyncIterator[Lookup]:
    async with Store.open(tmp_path / "empty.db") as store:
        yield Lookup(store)


def not_found(result: object, kind: NotFoundKind) -> NotFound:
    assert isinstance(result, NotFound), result
    assert result.kind is kind, result
    return result


# --- paper ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ref",
    [
        "2505.19590",
        "2505.19590v2",
        " arXiv:2505.19590 ",
        "https://arxiv.org/abs/2505.19590v1",
        "https://arxiv.org/pdf/2505.19590",
        "http://www.arxiv.org/pdf/2505.19590.pdf",
        "https://huggingface.co/papers/2505.19590/",
        "<https://arxiv.org/abs/2505.19590|arXiv:2505.19590>",
    ],
)
async def test_paper_by_any_reference_is_the_newest_version(lookup: Lookup, ref: str) -> None:
    entry = await lookup.paper(ref)
    assert isinstance(entry, PaperEntry)
    assert (entry.paper.title, entry.date, entry.position, entry.total) == (
        "Newer summary",
        MAY_27,
        1,
        32,
    )
    assert entry.dates == (MAY_27, MAY_26)


@pytest.mark.parametrize("date", [MAY_26, "2025-05-26", " 2025-05-26 ", "20250526"])
async def test_paper_on_a_given_date(lookup: Lookup, date: dt.date | str) -> None:
    entry = await lookup.paper("2505.19590", date)
    assert isinstance(entry, PaperEntry) and entry.paper.title == "Older summary"


async def test_garbage_is_not_a_reference_and_may_suggest_titles(lookup: Lookup) -> None:
    miss = not_found(await lookup.paper("hello world"), NotFoundKind.NOT_A_REFERENCE)
    assert "not an arXiv reference" in miss.message and miss.suggestions == ()
    by_title = not_found(await lookup.paper("Neighbour"), NotFoundKind.NOT_A_REFERENCE)
    assert [s.value for s in by_title.suggestions] == ["2505.19591"]


async def test_unknown_id_offers_the_closest_known_ids(lookup: Lookup) -> None:
    miss = not_found(await lookup.paper("2505.19509"), NotFoundKind.UNKNOWN_PAPER)
    assert "2505.19509" in miss.message
    values = [s.value for s in miss.suggestions]
    assert values[:2] == ["2505.19590", "2505.19591"] or set(values[:2]) == {
        "2505.19590",
        "2505.19591",
    }
    assert miss.suggestions[0].label in {"Newer summary", "Neighbour"}
    far = not_found(await lookup.paper("1001.00001"), NotFoundKind.UNKNOWN_PAPER)
    assert far.suggestions == ()


async def test_known_paper_on_another_date_lists_its_dates(lookup: Lookup) -> None:
    miss = not_found(await lookup.paper("2505.18000", MAY_27), NotFoundKind.NOT_IN_DIGEST)
    assert "2025-05-26" in miss.message
    assert [s.value for s in miss.suggestions] == ["2025-05-26"]


@pytest.mark.parametrize("date", ["2025-05-20", dt.date(2024, 1, 1)])
async def test_unknown_date_lists_known_dates(lookup: Lookup, date: str | dt.date) -> None:
    miss = not_found(await lookup.paper("2505.19590", date), NotFoundKind.UNKNOWN_DATE)
    assert "2025-05-27" in miss.message
    assert {s.value for s in miss.suggestions} == {"2025-05-26", "2025-05-27"}


@pytest.mark.parametrize("date", ["yesterday", "2025-13-01", "", "'; DROP TABLE digests"])
async def test_malformed_date(lookup: Lookup, date: str) -> None:
    miss = not_found(await lookup.paper("2505.19590", date), NotFoundKind.UNKNOWN_DATE)
    assert "YYYY-MM-DD" in miss.message


async def test_empty_archive(empty: Lookup) -> None:
    not_found(await empty.digest(), NotFoundKind.EMPTY_ARCHIVE)
    not_found(await empty.section("limitations"), NotFoundKind.EMPTY_ARCHIVE)
    not_found(await empty.paper("2505.19590"), NotFoundKind.UNKNOWN_PAPER)
    not_found(await empty.paper("2505.19590", "2025-05-27"), NotFoundKind.EMPTY_ARCHIVE)
    assert await empty.suggest("") == ()
    assert await empty.dates() == () and await empty.latest_date() is None
    assert (await empty.search("강화")).hits == ()


# --- section ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["results", "Results", "5", "정량적 결과", "결과", "quantitative"])
async def test_section_of_a_paper_by_any_name(lookup: Lookup, name: str) -> None:
    found = await lookup.section(name, "arXiv:2505.19591")
    assert isinstance(found, SectionFound)
    assert found.section.key is K.RESULTS and found.section.body == "결과"
    assert found.entry.paper.arxiv_id == "2505.19591" and found.entry.date == MAY_27


async def test_section_of_an_older_version(lookup: Lookup) -> None:
    found = await lookup.section("motivation", "2505.19590", "2025-05-26")
    assert isinstance(found, SectionFound) and found.section.body == "옛 동기"


async def test_missing_section_says_which_the_paper_has(lookup: Lookup) -> None:
    miss = not_found(
        await lookup.section("limitations", "2505.19591"), NotFoundKind.MISSING_SECTION
    )
    assert "motivation, results" in miss.message
    assert [s.value for s in miss.suggestions] == ["motivation", "results"]


@pytest.mark.parametrize("name", ["nonsense", "", "8", "'; DROP", "\x00", "x" * 5000])
async def test_unknown_section_lists_valid_names(lookup: Lookup, name: str) -> None:
    miss = not_found(await lookup.section(name), NotFoundKind.UNKNOWN_SECTION)
    assert [s.value for s in miss.suggestions] == [k.value for k in K.ordered()]
    for key in K.ordered():
        assert key.korean in miss.message and key.english in miss.message


async def test_a_paper_miss_passes_through_section(lookup: Lookup) -> None:
    not_found(await lookup.section("results", "2505.99999"), NotFoundKind.UNKNOWN_PAPER)
    not_found(await lookup.section("results", "junk"), NotFoundKind.NOT_A_REFERENCE)


async def test_section_across_the_newest_digest_is_paged(lookup: Lookup) -> None:
    first = await lookup.section("motivation", per_page=10)
    assert isinstance(first, SectionPage)
    assert (first.date, first.page, first.pages, first.total) == (MAY_27, 1, 4, 32)
    assert [i.arxiv_id for i in first.items[:2]] == ["2505.19590", "2505.19591"]
    assert first.items[1].section is not None and first.items[1].section.body == "동기"
    last = await lookup.section("동기", page=4, per_page=10)
    assert isinstance(last, SectionPage) and len(last.items) == 2
    assert [i.position for i in last.items] == [31, 32]
    older = await lookup.section("limitations", date="2025-05-26")
    assert isinstance(older, SectionPage) and older.total == 2
    assert [i.section is None for i in older.items] == [True, False]


@pytest.mark.parametrize("page", [0, -1, 5, 10**9])
async def test_page_out_of_range(lookup: Lookup, page: int) -> None:
    miss = not_found(
        await lookup.section("results", page=page, per_page=10), NotFoundKind.PAGE_OUT_OF_RANGE
    )
    assert [s.value for s in miss.suggestions] == ["1", "2", "3", "4"]


async def test_per_page_below_one_is_a_programming_error(lookup: Lookup) -> None:
    with pytest.raises(ValueError, match="per_page"):
        await lookup.section("results", per_page=0)


# --- digest, dates ----------------------------------------------------------------------------


async def test_digest_lists_papers_and_their_sections(lookup: Lookup) -> None:
    newest = await lookup.digest()
    assert isinstance(newest, DigestSummary) and newest.date == MAY_27
    assert len(newest.papers) == 32
    assert newest.papers[1].sections == (K.MOTIVATION, K.RESULTS)
    older = await lookup.digest("2025-05-26")
    assert isinstance(older, DigestSummary)
    assert [p.title for p in older.papers] == ["Older summary", "Only on the 26th"]
    not_found(await lookup.digest("2025-05-25"), NotFoundKind.UNKNOWN_DATE)
    assert await lookup.dates() == (MAY_27, MAY_26)
    assert await lookup.latest_date() == MAY_27


# --- search and suggest -----------------------------------------------------------------------


async def test_search_pages_report_whether_more_exist(lookup: Lookup) -> None:
    first = await lookup.search("  강화   학습 ", limit=10)
    assert isinstance(first, SearchResults)
    assert first.query == "강화 학습" and len(first.hits) == 10 and first.has_more
    rest = await lookup.search("강화 학습", limit=100, offset=10)
    assert len(rest.hits) == 20 and not rest.has_more
    assert {h.arxiv_id for h in first.hits}.isdisjoint(h.arxiv_id for h in rest.hits)


async def test_suggest_newest_digest_when_empty(lookup: Lookup) -> None:
    choices = await lookup.suggest("")
    assert len(choices) == MAX_SUGGESTIONS
    assert choices[:2] == (("2505.19590", "Newer summary"), ("2505.19591", "Neighbour"))


@pytest.mark.parametrize(
    "prefix", ["2505.1959", "arXiv:2505.1959", "https://arxiv.org/abs/2505.1959"]
)
async def test_suggest_by_id_prefix(lookup: Lookup, prefix: str) -> None:
    assert [c.value for c in await lookup.suggest(prefix)] == ["2505.19591", "2505.19590"]


async def test_suggest_by_title_substring_newest_first(lookup: Lookup) -> None:
    assert [c.value for c in await lookup.suggest("summary")] == ["2505.19590"]
    assert await lookup.suggest("only on") == (("2505.18000", "Only on the 26th"),)
    assert len(await lookup.suggest("강화")) == MAX_SUGGESTIONS
    assert len(await lookup.suggest("2505")) == MAX_SUGGESTIONS


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=80))
async def test_no_user_text_raises(lookup: Lookup, text: str) -> None:
    assert len(await lookup.suggest(text)) <= MAX_SUGGESTIONS
    await lookup.search(text)
    await lookup.paper(text)
    await lookup.paper("2505.19590", text)
    await lookup.section(text, text, text)
    await lookup.digest(text)


# --- the real digests -------------------------------------------------------------------------


async def test_lookups_on_the_real_digests(tmp_path: Path, real_digests: list[Path]) -> None:
    async with Store.open(tmp_path / "real.db") as store:
        for path in real_digests:
            digest_hash = hashlib.sha256(path.read_bytes()).hexdigest()
            await store.ingest(parse_digest_file(path), content_hash=digest_hash)
        lookup = Lookup(store)
        unfenced = await lookup.paper("https://huggingface.co/papers/2505.13426")
        assert isinstance(unfenced, PaperEntry) and unfenced.date == dt.date(2025, 5, 27)
        limits = await lookup.section("한계점", per_page=100)
        assert isinstance(limits, SectionPage) and limits.total == 26
        assert sum(item.section is not None for item in limits.items) >= 20
        hits = await lookup.search("강화 학습", limit=5)
        assert len(hits.hits) == 5 and hits.has_more
        titled = await lookup.suggest("AdaCoT")
        assert [c.value for c in titled] == ["2505.11896"]
        miss = not_found(await lookup.paper("2505.11869"), NotFoundKind.UNKNOWN_PAPER)
        assert "2505.11896" in [s.value for s in miss.suggestions]
