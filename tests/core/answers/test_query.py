"""Queries: the ids and values cards already carry still read, everything round-trips, fits.

A query is packed into Discord ``custom_id`` bodies (:meth:`Query.encode`) and Slack JSON values
(:meth:`Query.fields`); cards posted weeks ago carry both, so the five id forms paperbot has
always written are asserted byte for byte. A pinned query run again answers what it pinned.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.answers.query import (
    SLASH_NAMES,
    Command,
    Query,
    pinned,
    query_for_command,
    run_query,
)
from bot.core.archive.ingest import ingest_file
from bot.core.archive.lookup import Lookup, NotFound
from bot.discord.limits import CUSTOM_ID_MAX
from bot.slack.components import query_value
from bot.slack.limits import OPTION_VALUE_MAX
from bot.storage.sqlite.store import Store
from digest_parser import SectionKey, parse_digest_file
from tests.conftest import EXAMPLES, real_digest_paths

EXAMPLE = EXAMPLES / "hf-daily-papers-2026-01-05.md"
#: Room for a query in a Discord ``custom_id`` after ``paperbot:share:``.
DISCORD_BODY_MAX = CUSTOM_ID_MAX - len("paperbot:share:")

#: The five forms written before queries had a type, as tests/discord asserts them in full.
LEGACY = [
    ("paper:2505.19590:2025-05-27", Query("paper", "2505.19590", date="2025-05-27")),
    ("paper:hep-th/9901001:2025-05-27", Query("paper", "hep-th/9901001", date="2025-05-27")),
    (
        "section:limitations:2601.01234:2026-01-05",
        Query("section", "2601.01234", "limitations", "2026-01-05"),
    ),
    ("section:future-work:2505.19590:undated", Query("section", "2505.19590", "future-work")),
    ("page:results:2026-01-06:2", Query("section", section="results", date="2026-01-06", page=2)),
    ("page:results:2026-01-06:1", Query("section", section="results", date="2026-01-06")),
    ("digest:2026-01-06", Query("digest", date="2026-01-06")),
    ("search:되돌아가기", Query("search", text="되돌아가기")),
    ("search:강화 학습: reward", Query("search", text="강화 학습: reward")),
]


@pytest.mark.parametrize(("body", "query"), LEGACY)
def test_the_ids_cards_already_carry_are_still_written_and_read(body: str, query: Query) -> None:
    assert query.encode() == body
    assert Query.decode(body) == query


@pytest.mark.parametrize(
    "body",
    [
        "",
        "paper",
        "paper:only-one",  # an id of a paperbot older than dates in ids
        "paper:from-an-old-version",
        "section:results:2505.19590",
        "page:results:2026-01-06",
        "share:paper:2505.19590:2025-05-27",
        "q:paper:2505.19590",
        "q:rm -rf:::::",
    ],
)
def test_anything_else_decodes_to_none(body: str) -> None:
    assert Query.decode(body) is None


def test_unreadable_pages_are_page_one_and_no_date_is_the_newest() -> None:
    assert Query.decode("page:results:2026-01-06:x") == Query(
        "section", section="results", date="2026-01-06"
    )
    assert Query.decode("page:results:2026-01-06:0") == Query(
        "section", section="results", date="2026-01-06"
    )
    assert Query.decode("page:results:undated:" + "9" * 5000) == Query("section", section="results")
    assert Query.decode("digest:") == Query.decode("digest:undated") == Query("digest")
    assert Query.decode("paper:2505.19590:") == Query("paper", "2505.19590")


def test_queries_no_old_form_can_say_use_the_general_form() -> None:
    assert Query("paper", "2505.19590", "한계").encode() == "q:paper:2505.19590:한계::1:"
    assert Query("digest", date="2026-01-05", page=2).encode() == "q:digest:::2026-01-05:2:"
    assert Query("search", text="a:b", page=3).encode() == "q:search::::3:a:b"
    paged = Query("section", "2505.19590", "results", page=2)  # pages come without a paper
    assert Query.decode(paged.encode()) == paged


def test_hostile_text_cannot_shift_a_field() -> None:
    url = Query("paper", "https://arxiv.org/abs/2505.19590", "100%:6", "2025-05-27")
    assert url.encode() == "q:paper:https%3A//arxiv.org/abs/2505.19590:100%25%3A6:2025-05-27:1:"
    assert Query.decode(url.encode()) == url
    literal = Query("section", section="%3A%25", date="x:y", page=4)  # already looks escaped
    assert Query.decode(literal.encode()) == literal
    for text in ["paperbot:share:paper:x:y", ":::", "%", "%3A", "line\nbreak", "🙂:🙂", " "]:
        assert Query.decode(Query("search", text=text).encode()) == Query("search", text=text)


_TEXT = st.text(min_size=1, max_size=40)
_DATE = _TEXT.filter(lambda date: date != "undated")


@st.composite
def queries(draw: st.DrawFn) -> Query:
    """Any query whose optional fields are absent or say something (see the module doc)."""
    return Query(
        draw(st.sampled_from(list(SLASH_NAMES))),
        paper=draw(st.none() | _TEXT),
        section=draw(st.none() | _TEXT),
        date=draw(st.none() | _DATE),
        text=draw(st.none() | _TEXT),
        page=draw(st.integers(1, 10**6)),
    )


@settings(max_examples=500, derandomize=True)
@given(queries())
def test_every_query_round_trips_through_its_id(query: Query) -> None:
    assert Query.decode(query.encode()) == query


@settings(max_examples=500, derandomize=True)
@given(queries())
def test_every_query_round_trips_through_its_fields(query: Query) -> None:
    assert Query.from_fields(json.loads(json.dumps(query.fields()))) == query


def test_fields_are_the_json_names_slack_values_always_had() -> None:
    assert Query("search", text="강화", page=2).fields() == {
        "cmd": "search",
        "query": "강화",
        "page": "2",
    }
    full = Query("section", "2505.19590", "results", "2025-05-27")
    assert list(full.fields()) == ["cmd", "paper", "section", "date"]
    option = {"paper": "2505.19590", "date": "undated", "section": "results"}  # a card's menu
    assert Query.from_fields(option) == Query("section", "2505.19590", "results")
    assert Query.from_fields({"paper": "2505.19590"}) is None
    assert Query.from_fields({"cmd": "digest", "page": "-4"}) == Query("digest")


def test_kind_and_pages() -> None:
    assert [q.kind for q in (Query("section", "x", "results"), Query("section"))] == [
        "section",
        "page",
    ]
    assert Query("search", text="x").at(3) == Query("search", text="x", page=3)
    assert {Query("digest"), Query("digest"), Query("digest", page=2)} == {
        Query("digest"),
        Query("digest", page=2),
    }


def test_slash_command_text_becomes_a_query() -> None:
    assert query_for_command("paper", "2505.19590 한계 2025-05-27") == Query(
        "paper", paper="2505.19590", section="한계", date="2025-05-27"
    )
    assert query_for_command("section", "future work 2505.19590") == Query(
        "section", paper="2505.19590", section="future work"
    )
    assert query_for_command("digest", "  ") == Query("digest")
    assert query_for_command("search", " 강화  학습 ") == Query("search", text="강화  학습")


@pytest.mark.parametrize("path", [EXAMPLE, *real_digest_paths()], ids=lambda p: p.name)
def test_every_pinned_query_of_a_digest_fits_discord_and_a_slack_option(path: Path) -> None:
    digest = parse_digest_file(path)
    assert digest.date is not None
    date = digest.date.isoformat()
    pages = [Query("section", section=k.value, date=date, page=99) for k in SectionKey]
    shown = [Query("digest", date=date), *pages]
    for paper in digest.papers:
        shown.append(Query("paper", paper.arxiv_id, date=date))
        shown += [Query("section", paper.arxiv_id, k.value, date) for k in SectionKey]
    for query in shown:
        assert len(query.encode()) <= DISCORD_BODY_MAX, query
        assert len(query_value(query)) <= OPTION_VALUE_MAX, query
        assert not query.encode().startswith("q:"), query  # always one of the five old forms


@pytest.fixture
async def lookup(tmp_path: Path) -> AsyncIterator[Lookup]:
    async with Store.open(tmp_path / "archive.db", background_index=False) as store:
        await ingest_file(store, EXAMPLE)
        await store.indexed()
        yield Lookup(store)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("paper", "https://arxiv.org/abs/2601.01234"),
        ("paper", "2601.01234 한계"),
        ("section", "6 2601.01234 2026-01-05"),
        ("section", "결과"),
        ("digest", ""),
        ("search", "검증"),
    ],
)
async def test_a_pinned_query_answers_what_it_pinned(
    lookup: Lookup, name: Command, text: str
) -> None:
    """ "6", "한계", a URL and "the newest" become ids, slugs and dates that show it again."""
    asked = query_for_command(name, text)
    answer = await run_query(lookup, asked)
    assert not isinstance(answer, NotFound), answer
    again = pinned(asked, answer)
    assert again.date is not None or again.command == "search"
    assert Query.decode(again.encode()) == again
    assert await run_query(lookup, again) == answer
