"""Libraries whose DEBUG lines print raw payloads and SQL parameters never log below INFO.

Their DEBUG output carries user ids (a press, a saved paper, a follow DM's channel); ``-vv``
turns paperbot's own DEBUG on, never theirs.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli.common import VERBOSITY, load

LIBRARIES = ("aiosqlite", "slack_bolt", "slack_sdk", "discord", "websockets")


@pytest.fixture(autouse=True)
def _restore_levels() -> Iterator[None]:
    saved = {name: logging.getLogger(name).level for name in (*LIBRARIES, "")}
    before = VERBOSITY["level"]
    yield
    VERBOSITY["level"] = before
    for name, level in saved.items():
        logging.getLogger(name).setLevel(level)


def test_debug_verbosity_keeps_payload_loggers_at_info(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("", encoding="utf-8")
    VERBOSITY["level"] = logging.DEBUG  # paperbot -vv
    load(config)
    for name in LIBRARIES:
        assert logging.getLogger(name).level == logging.INFO, name
