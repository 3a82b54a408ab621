"""Likes, saves and their count edits: the repository contract and the editor's coalescing.

Against the real store (every backend of ``backend_store``) and the in-memory poster: fifty
presses make exact counts and at most two edits; an edit owed at a stop is made after the
restart; a failed edit is postponed or dropped as the platform's answer says.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import pytest

from bot.core.cards.counts import Counts
from bot.core.delivery.poster import MessageRejected, RateLimited
from bot.core.voice.editor import CountEditor
from bot.core.voice.members import ChannelRef, Member
from bot.core.voice.records import Press
from bot.storage.sqlite.store import Store
from tests.core.conftest import Opener
from tests.core.digest_files import ingest_digest
from tests.fakes.clock import FakeClock
from tests.fakes.memory_poster import MemoryPoster

DAY = dt.date(2026, 1, 5)
PAPER = "2601.01234"
OTHER = "2601.02345"
HERE = ChannelRef("memory", "T1", "C1")


def press(
    user: str, kind: str = "like", *, paper: str = PAPER, message: str | None = "m1"
) -> Press:
    return Press(HERE, user, paper, kind, message, DAY)  # type: ignore[arg-type]


@pytest.fixture
async def store(tmp_path: Path, backend_store: Store) -> Store:
    await ingest_digest(backend_store, tmp_path, DAY)
    return backend_store


async def test_a_second_press_undoes_the_first_and_counts_are_per_channel(store: Store) -> None:
    reactions = store.reactions
    first = await reactions.press(press("U1"), now=1.0, window=3.0)
    assert first.on and first.counts == Counts(1, 0)
    assert (await reactions.press(press("U2", "save"), now=2.0, window=3.0)).counts == Counts(1, 1)
    undone = await reactions.press(press("U1"), now=3.0, window=3.0)
    assert not undone.on and undone.counts == Counts(0, 1)
    elsewhere = Press(ChannelRef("memory", "T1", "C2"), "U1", PAPER, "like", None, DAY)
    assert (await reactions.press(elsewhere, now=4.0, window=3.0)).counts == Counts(1, 0)
    assert await reactions.counts("memory", "C1", [PAPER, OTHER]) == {PAPER: Counts(0, 1)}


async def test_fifty_concurrent_presses_count_exactly_fifty(store: Store) -> None:
    results = await asyncio.gather(
        *(store.reactions.press(press(f"U{n}"), now=1.0, window=3.0) for n in range(50))
    )
    assert all(r.on for r in results)
    assert sorted(r.counts.likes for r in results) == list(range(1, 51))
    assert await store.reactions.counts("memory", "C1", [PAPER]) == {PAPER: Counts(50, 0)}


async def test_a_burst_of_presses_makes_one_edit_now_and_one_a_window_later(store: Store) -> None:
    clock = FakeClock()
    poster = MemoryPoster(clock)
    editor = CountEditor(store, {"memory": poster}, clock, window=3.0)
    await store.reactions.press(press("U0"), now=clock.now(), window=3.0)
    assert await editor.edit_due() == 1
    for n in range(1, 50):
        clock.advance(0.02)
        await store.reactions.press(press(f"U{n}"), now=clock.now(), window=3.0)
        assert await editor.edit_due() == 0  # within the window: the edit waits
    clock.advance(3.0)
    assert await editor.edit_due() == 1
    assert await editor.edit_due() == 0
    assert poster.edits == [("C1", "m1", Counts(1, 0)), ("C1", "m1", Counts(50, 0))]
    assert await store.reactions.next_edit_at() is None


async def test_a_press_during_an_edit_leaves_the_message_due_again(store: Store) -> None:
    reactions = store.reactions
    await reactions.press(press("U1"), now=10.0, window=3.0)
    (edit,) = await reactions.due_edits(10.0, limit=5)
    await reactions.press(press("U2"), now=10.5, window=3.0)  # after the edit read its counts
    await reactions.edited(edit, now=11.0, window=3.0)
    assert await reactions.next_edit_at() == 14.0
    assert await reactions.due_edits(13.9, limit=5) == []
    (again,) = await reactions.due_edits(14.0, limit=5)
    assert again.version == 2


async def test_an_edit_owed_at_a_stop_is_made_after_the_restart(
    tmp_path: Path, backend: Opener
) -> None:
    async with backend() as store:
        await ingest_digest(store, tmp_path, DAY)
        for n in range(3):
            await store.reactions.press(press(f"U{n}"), now=100.0, window=3.0)
    clock = FakeClock(start=200.0)
    poster = MemoryPoster(clock)
    async with backend() as store:
        assert await CountEditor(store, {"memory": poster}, clock).edit_due() == 1
    assert poster.edits == [("C1", "m1", Counts(3, 0))]


async def test_rate_limited_edits_wait_and_refused_ones_are_dropped(store: Store) -> None:
    clock = FakeClock()
    poster = MemoryPoster(clock)
    editor = CountEditor(store, {"memory": poster}, clock)
    await store.reactions.press(press("U1"), now=clock.now(), window=3.0)
    poster.script_edits(RateLimited("429", retry_after=7.0))
    assert await editor.edit_due() == 0
    assert await store.reactions.next_edit_at() == pytest.approx(clock.now() + 7.0)
    clock.advance(7.0)
    poster.script_edits(MessageRejected("message deleted"))
    assert await editor.edit_due() == 0
    assert await store.reactions.next_edit_at() is None
    assert poster.edits == []


async def test_the_editor_runs_until_stopped_and_is_woken_by_a_press(store: Store) -> None:
    clock = FakeClock()
    poster = MemoryPoster(clock)
    editor = CountEditor(store, {"memory": poster}, clock)
    task = asyncio.create_task(editor.run())
    await store.reactions.press(press("U1"), now=clock.now(), window=3.0)
    editor.poke()
    for _ in range(200):
        if poster.edits:
            break
        await asyncio.sleep(0.01)
    editor.stop()
    await asyncio.wait_for(task, 5)
    assert poster.edits == [("C1", "m1", Counts(1, 0))]


async def test_saved_lists_are_per_member_newest_first_and_removable(store: Store) -> None:
    reactions = store.reactions
    me, other = Member("memory", "T1", "U1"), Member("memory", "T1", "U2")
    await reactions.press(press("U1", "save", paper=PAPER), now=1.0, window=3.0)
    await reactions.press(press("U1", "save", paper=OTHER, message=None), now=2.0, window=3.0)
    await reactions.press(press("U2", "like", paper=OTHER), now=3.0, window=3.0)
    items, total = await reactions.saved(me, offset=0, limit=10)
    assert total == 2 and [i.arxiv_id for i in items] == [OTHER, PAPER]
    assert all(i.title for i in items) and items[0].digest_date == DAY
    assert await reactions.saved(other, offset=0, limit=10) == ([], 0)
    assert await reactions.unsave(me, PAPER, now=4.0, window=3.0) == 1
    assert [i.arxiv_id for i in (await reactions.saved(me, offset=0, limit=10))[0]] == [OTHER]
    # the card the save was pressed on shows the new count
    assert (await reactions.due_edits(10.0, limit=10))[0].arxiv_id == PAPER


async def test_reading_lists_count_without_names_and_admins_can_hide(store: Store) -> None:
    reactions = store.reactions
    await reactions.press(press("U1", "save", paper=PAPER), now=1.0, window=3.0)
    await reactions.press(press("U2", "like", paper=PAPER), now=2.0, window=3.0)
    await reactions.press(press("U3", "like", paper=OTHER), now=3.0, window=3.0)
    items, total = await reactions.reading_list(HERE, offset=0, limit=10)
    assert total == 2
    assert [(i.arxiv_id, i.counts) for i in items] == [(OTHER, Counts(1, 0)), (PAPER, Counts(1, 1))]
    assert await reactions.hide(HERE, OTHER, now=4.0)
    assert not await reactions.hide(HERE, OTHER, now=5.0)
    assert [i.arxiv_id for i in (await reactions.reading_list(HERE, offset=0, limit=10))[0]] == [
        PAPER
    ]
    exported = await reactions.exported("memory", "C1", "U1", None)
    assert [p.arxiv_id for p in exported] == [PAPER]


async def test_forget_deletes_every_row_of_the_member_only(store: Store) -> None:
    reactions = store.reactions
    me = Member("memory", "T1", "U1")
    await reactions.press(press("U1", "save"), now=1.0, window=3.0)
    await reactions.press(press("U1", "like"), now=1.0, window=3.0)
    await reactions.press(press("U2", "like"), now=1.0, window=3.0)
    assert await reactions.forget(me, now=2.0, window=3.0) == 2
    assert await reactions.counts("memory", "C1", [PAPER]) == {PAPER: Counts(1, 0)}
    assert await reactions.forget(me, now=3.0, window=3.0) == 0


def test_a_member_never_shows_its_user_id() -> None:
    member = Member("slack", "T1", "U0SECRET42")
    assert "U0SECRET42" not in str(member) and "U0SECRET42" not in repr(member)
    assert "U0SECRET42" not in str(
        Press(ChannelRef("slack", "T1", "C1"), "U0SECRET42", PAPER, "like")
    )
