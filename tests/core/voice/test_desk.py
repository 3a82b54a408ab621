"""What the voice commands answer: presses, saved lists and their export, follows.

Over a real store (every backend of ``backend_store``) with the example digest; BibTeX is read
back with pybtex, a real parser.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pybtex.database import parse_string

from bot.core.cards.paper_meta import PaperMeta
from bot.core.voice.desk import PAGE_SIZE, BibFile, VoiceDesk
from bot.core.voice.members import ChannelRef, Member
from bot.core.voice.records import Press
from bot.storage.sqlite.store import Store
from tests.core.digest_files import ingest_digest
from tests.fakes.clock import FakeClock

DAY = dt.date(2026, 1, 5)
PAPERS = ("2601.01234", "2601.02345", "2601.03456")
HERE = ChannelRef("slack", "T1", "C1")
ME = Member("slack", "T1", "U1")


@pytest.fixture
async def desk(tmp_path: Path, backend_store: Store) -> tuple[VoiceDesk, Store]:
    """A desk over each backend of ``backend_store``, holding the example digest."""
    await ingest_digest(backend_store, tmp_path, DAY)
    return VoiceDesk(backend_store, FakeClock()), backend_store


async def test_pressing_twice_saves_and_unsaves_with_a_private_answer(
    desk: tuple[VoiceDesk, Store],
) -> None:
    voice, _ = desk
    saved = await voice.press(Press(HERE, "U1", PAPERS[0], "save", "1.2", DAY))
    assert saved.pressed.on and "/saved" in saved.text
    undone = await voice.press(Press(HERE, "U1", PAPERS[0], "save", "1.2", DAY))
    assert not undone.pressed.on and "Removed" in undone.text
    liked = await voice.press(Press(HERE, "U1", PAPERS[0], "like", "1.2", DAY))
    assert liked.pressed.counts.likes == 1 and "Liked" in liked.text


async def test_saved_pages_and_the_bibtex_export_parse_back(desk: tuple[VoiceDesk, Store]) -> None:
    voice, store = desk
    await store.metadata.save(
        [
            PaperMeta(
                PAPERS[1], title="OCR for {Hangul} & Vertical_Text", authors=("김철수", "Zoë Ng")
            )
        ]
    )
    for paper in PAPERS:
        await voice.press(Press(HERE, "U1", paper, "save", None, DAY))
    page = await voice.saved(ME)
    assert (page.total, page.pages) == (3, 1) and len(page.items) == 3
    assert "Your saved papers" in page.text() and PAPERS[0] in page.text()
    assert (await voice.saved(Member("slack", "T1", "U2"))).total == 0
    exported = await voice.export(ME)
    assert isinstance(exported, BibFile) and exported.filename.endswith(".bib")
    entries = parse_string(exported.content.decode(), "bibtex").entries
    assert sorted(e.fields["eprint"] for e in entries.values()) == sorted(PAPERS)
    ocr = next(e for e in entries.values() if e.fields["eprint"] == PAPERS[1])
    assert [str(p) for p in ocr.persons["author"]] == ["김철수", "Ng, Zoë"]
    assert "Hangul" in ocr.fields["title"]
    assert "no saved papers" in str(await voice.export(Member("slack", "T1", "U9")))


async def test_pages_past_the_end_show_the_last(desk: tuple[VoiceDesk, Store]) -> None:
    voice, _ = desk
    for n in range(PAGE_SIZE + 2):
        paper = PAPERS[n % 3]
        await voice.press(Press(ChannelRef("slack", "T1", f"C{n}"), "U1", paper, "save"))
    page = await voice.saved(ME, 9)
    assert page.total == 3 and page.page == 1  # one paper saved in many channels: once


async def test_unsave_and_clear_delete_only_my_rows(desk: tuple[VoiceDesk, Store]) -> None:
    voice, store = desk
    await voice.press(Press(HERE, "U1", PAPERS[0], "save"))
    await voice.press(Press(HERE, "U2", PAPERS[0], "save"))
    await voice.follow(ME, "OCR")
    assert "Removed" in await voice.unsave(ME, PAPERS[0])
    assert "not among" in await voice.unsave(ME, PAPERS[0])
    await voice.press(Press(HERE, "U1", PAPERS[1], "like"))
    assert "Deleted" in await voice.clear(ME)
    assert await store.follows.get(ME) is None
    assert "nothing to delete" in await voice.clear(ME)
    assert (await voice.reading_list(HERE)).total == 1  # U2's save stays


async def test_reading_list_removal_is_for_admins(desk: tuple[VoiceDesk, Store]) -> None:
    voice, _ = desk
    await voice.press(Press(HERE, "U1", PAPERS[0], "like"))
    page = await voice.reading_list(HERE)
    assert page.total == 1 and "👍 1" in page.text() and "U1" not in page.text()
    assert "Only a channel admin" in await voice.remove_from_reading_list(
        HERE, PAPERS[0], admin=False
    )
    assert "Removed" in await voice.remove_from_reading_list(HERE, PAPERS[0], admin=True)
    assert "empty" in (await voice.reading_list(HERE)).text()


async def test_follow_adds_lists_and_unfollow_removes(desk: tuple[VoiceDesk, Store]) -> None:
    voice, _ = desk
    assert "follow nothing" in await voice.follow(ME, "")
    answer = await voice.follow(ME, '"강화 학습" RL authors:"Yann LeCun"')
    assert '"강화 학습"' in answer and 'author "Yann LeCun"' in answer
    await voice.follow(ME, "rl OCR")  # case-folded duplicates once
    listed = await voice.follow(ME, "")
    assert listed.count('"RL"') == 1 and '"OCR"' in listed
    assert "Still following" in await voice.unfollow(ME, "RL")
    assert "no more direct messages" in await voice.unfollow(ME, "all")
    assert "/follow TERMS" in await voice.follow(ME, "help")


@pytest.mark.parametrize(
    "hostile",
    [
        "@everyone",
        "<!channel>",
        "<@U123>",
        '"unclosed',
        "x" * 10_000,
        " ".join(f"t{n}" for n in range(30)),
    ],
)
async def test_hostile_follow_text_is_refused_without_echo(
    desk: tuple[VoiceDesk, Store], hostile: str
) -> None:
    voice, store = desk
    answer = await voice.follow(ME, hostile)
    assert answer.startswith("Nothing changed")
    assert "@everyone" not in answer and "<!channel>" not in answer and "<@U123>" not in answer
    assert len(answer) < 1000
    assert await store.follows.get(ME) is None


async def test_a_press_on_a_paper_the_archive_lacks_stores_nothing(
    desk: tuple[VoiceDesk, Store],
) -> None:
    voice, store = desk
    answer = await voice.press(Press(HERE, "U1", "2101.00001", "save", "1.2", DAY))
    assert not answer.pressed.known and "not in my archive" in answer.text
    assert (await voice.saved(ME)).total == 0
    assert await store.reactions.next_edit_at() is None
