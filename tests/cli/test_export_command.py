"""``paperbot export bibtex``: a channel's reading list, or one member's saves, as BibTeX."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from pathlib import Path

from pybtex.database import parse_string
from typer.testing import CliRunner

from bot.cli import app
from bot.core.voice.members import ChannelRef
from bot.core.voice.records import Press
from bot.storage.sqlite.store import Store
from tests.core.digest_files import ingest_digest

runner = CliRunner()
DAY = dt.date(2026, 1, 5)
CHANNEL = ChannelRef("slack", "T1", "C0123456789")


async def _reactions(folder: Path) -> None:
    async with Store.open(folder / "a.db") as store:
        await ingest_digest(store, folder, DAY)
        presses = (("U1", "2601.01234", "save"), ("U2", "2601.02345", "like"),
                   ("U2", "2601.03456", "save"))  # fmt: skip
        for user, paper, kind in presses:
            await store.reactions.press(
                Press(CHANNEL, user, paper, kind, None, DAY),
                now=1.0,
                window=3.0,  # type: ignore[arg-type]
            )
        await store.reactions.hide(CHANNEL, "2601.03456", now=2.0)


def test_the_channels_reading_list_and_one_members_saves(tmp_path: Path) -> None:
    asyncio.run(_reactions(tmp_path))
    db = str(tmp_path / "a.db")
    done = runner.invoke(app, ["export", "bibtex", "--channel", "slack:C0123456789", "--db", db])
    assert done.exit_code == 0, done.stderr
    entries = parse_string(done.stdout, "bibtex").entries
    assert sorted(e.fields["eprint"] for e in entries.values()) == ["2601.01234", "2601.02345"]
    assert "exported 2 papers" in done.stderr
    out = tmp_path / "u2.bib"
    mine = runner.invoke(
        app,
        ["export", "bibtex", "--channel", "slack:C0123456789", "--user", "U2", "-o", str(out),
         "--db", db],
    )  # fmt: skip
    assert mine.exit_code == 0, mine.stderr
    entries = parse_string(out.read_text(encoding="utf-8"), "bibtex").entries
    assert [e.fields["eprint"] for e in entries.values()] == ["2601.03456"]  # saved, not liked


def test_nothing_to_export_and_a_bad_channel_say_so(tmp_path: Path) -> None:
    asyncio.run(_reactions(tmp_path))
    db = str(tmp_path / "a.db")
    empty = runner.invoke(app, ["export", "bibtex", "--channel", "slack:C0999999999", "--db", db])
    assert empty.exit_code == 1 and "nothing to export" in empty.stderr
    bad = runner.invoke(app, ["export", "bibtex", "--channel", "slack:#general", "--db", db])
    assert bad.exit_code == 2 and "Traceback" not in bad.stderr


def test_json_names_the_papers_and_carries_the_bibtex(tmp_path: Path) -> None:
    asyncio.run(_reactions(tmp_path))
    db = str(tmp_path / "a.db")
    done = runner.invoke(
        app, ["export", "bibtex", "--channel", "slack:C0123456789", "-f", "json", "--db", db]
    )
    assert done.exit_code == 0, done.stderr
    found = json.loads(done.stdout)
    assert sorted(found["papers"]) == ["2601.01234", "2601.02345"]
    assert len(parse_string(found["bibtex"], "bibtex").entries) == 2
