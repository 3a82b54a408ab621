"""/subscribe's routing settings: Slack text and typed options, preview words, hostile terms."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core.answers.subscription_answers import (
    SubscribeArgs,
    SubscriptionDesk,
    Voice,
    parse_subscribe_text,
)
from bot.core.archive.ingest import ingest_file
from bot.core.cards.text import escape_slack
from bot.core.daily.planner import Planner
from bot.core.daily.subscriptions import SubscriptionError, Subscriptions
from bot.core.delivery.outbox import Outbox
from bot.core.routing.filters import Filters
from bot.storage.sqlite.store import Store
from tests.conftest import EXAMPLES
from tests.fakes.clock import FakeClock


def test_routing_settings_are_read_with_quoted_phrases() -> None:
    args = parse_subscribe_text(
        '09:00 include:"강화 학습, RL",RL exclude:survey authors:"Yann LeCun",Hinton '
        "min_upvotes:5 top:10 mode:digest weekday:fri empty:note"
    )
    assert args.time == "09:00" and args.mode == "digest" and args.weekday == 4
    assert args.empty_note is True and not args.preview
    filters = args.filters(None)
    assert [t.text for t in filters.include] == ["강화 학습, RL", "RL"]
    assert [t.text for t in filters.authors] == ["Yann LeCun", "Hinton"]
    assert (filters.min_upvotes, filters.top) == (5, 10)


def test_settings_not_given_are_kept_and_empty_values_clear() -> None:
    old = Filters.build(include="RL", exclude="survey", top=5)
    assert parse_subscribe_text("08:00").filters(old) == old
    kept = parse_subscribe_text("include:").filters(old)
    assert kept.include == () and kept.exclude == old.exclude and kept.top == 5
    assert parse_subscribe_text("top:none").filters(old).top is None
    assert parse_subscribe_text("filters:none").filters(old) == Filters()
    assert parse_subscribe_text("preview empty:silent").preview


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("include:" + "a" * 10_000, "characters long"),
        ("include:@everyone", "cannot contain mentions"),
        ("exclude:<@123>", "cannot contain mentions"),
        ("include:<!channel>", "cannot contain mentions"),
        ("top:0", "top must be a whole number from 1 to 100"),
        ("mode:hourly", "unknown mode"),
        ("weekday:someday", "unknown weekday"),
        ('include:"open', "not closed"),
        ("x" * 10_000, "I don't understand 'xxxxxxxx"),
    ],
)
def test_bad_settings_explain_and_never_echo_a_mention(text: str, says: str) -> None:
    with pytest.raises(SubscriptionError, match=says) as caught:
        parse_subscribe_text(text)
    message = str(caught.value)
    assert "@everyone" not in message and "<@123>" not in message and "<!channel>" not in message
    assert len(message) < 400


def test_typed_options_clear_with_none_and_zero() -> None:
    args = SubscribeArgs.checked(include="none", top=0, min_upvotes=3, mode="weekly",
                                 weekday="금", preview=True)  # fmt: skip
    filters = args.filters(Filters.build(include="RL", top=5))
    assert filters.include == () and filters.top is None and filters.min_upvotes == 3
    assert args.mode == "weekly" and args.weekday == 4 and args.preview
    regex = SubscribeArgs.checked(include=".*").filters(None)
    assert regex.include[0].text == ".*"  # literal, never a pattern


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with Store.open(tmp_path / "s.db") as opened:
        result = await ingest_file(opened, EXAMPLES / "hf-daily-papers-2026-01-05.md")
        assert result.error is None
        yield opened


def desk_of(store: Store, planner: bool = True) -> SubscriptionDesk:
    clock = FakeClock()
    return SubscriptionDesk(
        Subscriptions(store, clock), clock, "slack",
        planner=Planner(store, Outbox(store, clock)) if planner else None, archive=store,
    )  # fmt: skip


async def test_preview_lists_chosen_papers_and_reasons_and_changes_nothing(store: Store) -> None:
    desk = desk_of(store)
    said = await desk.preview("C1", parse_subscribe_text("preview exclude:model top:3"))
    assert said.startswith("Preview for <#C1> (nothing is changed):")
    assert "From the digest of 2026-01-05" in said
    assert 'excluded by "model"' in said or "upvotes unknown" in said
    assert "not subscribed" in said and await desk_of(store).listing() != ""
    assert await Subscriptions(store, FakeClock()).get("slack", "C1") is None


async def test_describe_and_listing_show_filters_and_mode(store: Store) -> None:
    desk = desk_of(store)
    said = await desk.subscribe(
        "C1", parse_subscribe_text('include:"강화 학습",RL top:10 mode:digest empty:note')
    )
    assert (
        "Subscribed <#C1>: 08:00 Asia/Seoul · digest mode (one listing a day) · "
        'include "강화 학습", "RL" · top 10 · a note' in said
    )
    weekly = await desk.subscribe("C1", parse_subscribe_text("mode:weekly weekday:fri"))
    assert "Fridays 08:00 Asia/Seoul · weekly mode" in weekly and "next Fri 2026-01-02" in weekly
    assert 'include "강화 학습", "RL"' in await desk.listing()


async def test_preview_fits_the_limit_and_summarises(store: Store) -> None:
    desk = desk_of(store).speaking(Voice(escape_slack, 420))
    said = await desk.preview("C1", parse_subscribe_text("include:zzzqqq"))
    assert len(said) <= 420
    assert "more left out:" in said and "matches none of the include terms" in said
    assert "none of the" in said and "empty:silent" in said


async def test_preview_without_a_planner_or_digest_says_so(tmp_path: Path, store: Store) -> None:
    assert "not available" in await desk_of(store, planner=False).preview("C1", SubscribeArgs())
    async with Store.open(tmp_path / "empty.db") as empty:
        assert "No digest is archived yet" in await desk_of(empty).preview("C1", SubscribeArgs())


def test_help_documents_every_setting() -> None:
    words = SubscriptionDesk.help("subscribe")
    for setting in ("include:", "exclude:", "authors:", "min_upvotes:", "top:", "mode:weekly",
                    "weekday:fri", "empty:note", "filters:none", "preview"):  # fmt: skip
        assert setting in words


async def test_rank_likes_is_read_kept_and_described(store: Store) -> None:
    desk = desk_of(store)
    args = parse_subscribe_text("mode:weekly weekday:mon rank:likes")
    assert args.rank == "likes"
    said = await desk.subscribe("C1", args)
    assert "weekly mode (the week's most liked here in one listing)" in said
    kept = await desk.subscribe("C1", parse_subscribe_text("10:00"))
    assert "most liked here" in kept  # a setting not given is kept
    assert "most liked" not in await desk.subscribe("C1", parse_subscribe_text("rank:upvotes"))
    with pytest.raises(SubscriptionError, match="unknown rank"):
        parse_subscribe_text("rank:stars")
    assert SubscribeArgs.checked(rank="likes").rank == "likes"
