"""``paperbot retry`` says exactly what it did: requeued, resumed, nothing, or no such channel."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from pathlib import Path

from typer.testing import CliRunner

from bot.cli import app
from bot.core.delivery.outbox import Outbox
from bot.storage.sqlite.store import Store
from tests.fakes.clock import FakeClock

runner = CliRunner()
DAY = dt.date(2026, 1, 5)


async def _failures(db: Path) -> None:
    """slack:C0123456781 has two failed cards and is paused; slack:C0123456782 is fine."""
    async with Store.open(db) as store:
        outbox = Outbox(store, FakeClock())
        await outbox.plan("slack", "C0123456781", DAY, ["2601.01234", "2601.02345"])
        await outbox.plan("slack", "C0123456782", DAY, ["2601.01234"])
        for _ in range(2):
            row = await outbox.head("slack", "C0123456781")
            assert row is not None and await outbox.claim(row)
            await outbox.mark_failed(row, "invalid_blocks")
        await outbox.pause("slack", "C0123456781", "not_in_channel")


def test_retry_says_what_it_requeued_and_resumed(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    asyncio.run(_failures(tmp_path / "a.db"))
    done = runner.invoke(app, ["retry", "--db", db])
    assert done.exit_code == 0, done.output
    assert done.output.splitlines() == [
        "slack:C0123456781: requeued 2 failed messages; resumed (it was paused: not_in_channel); "
        "the next `paperbot post` or `paperbot serve` sends them"
    ]
    again = runner.invoke(app, ["retry", "--db", db])
    assert again.exit_code == 0
    assert again.output == "nothing to retry: no failed messages and no paused channel\n"
    fine = runner.invoke(app, ["retry", "--to", "slack:C0123456782", "--db", db])
    assert fine.exit_code == 0
    assert (
        fine.output
        == "nothing to retry in slack:C0123456782: no failed messages and no paused channel\n"
    )


def test_retry_of_an_unknown_channel_exits_1_with_the_known_ones(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    asyncio.run(_failures(tmp_path / "a.db"))
    unknown = runner.invoke(app, ["retry", "--to", "slack:C0999999999", "--db", db])
    assert unknown.exit_code == 1
    assert "slack:C0999999999: paperbot has never posted to this channel" in unknown.output
    assert "(channels it knows: slack:C0123456781, slack:C0123456782)" in unknown.output
    as_json = runner.invoke(
        app, ["retry", "--to", "discord:1234567890123456789", "--db", db, "-f", "json"]
    )
    assert as_json.exit_code == 1
    assert json.loads(as_json.stdout)["known_channels"] == [
        "slack:C0123456781",
        "slack:C0123456782",
    ]
    still = runner.invoke(app, ["status", "--db", db, "-f", "json"])
    c1 = json.loads(still.stdout)["channels"][0]
    assert c1["paused"] == "not_in_channel" and len(c1["failed"]) == 2  # nothing was touched


def test_retry_as_json(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    asyncio.run(_failures(tmp_path / "a.db"))
    done = runner.invoke(app, ["retry", "--db", db, "--format", "json"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout) == {
        "requeued": 2,
        "resumed": ["slack:C0123456781"],
        "channels": [
            {
                "channel": "slack:C0123456781",
                "platform": "slack",
                "id": "C0123456781",
                "requeued": 2,
                "resumed": True,
                "paused_reason": "not_in_channel",
                "delivered_by": None,
            }
        ],
    }
