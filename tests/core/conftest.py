"""Fixtures shared by the core's tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.storage.sqlite.store import Store

#: Every storage backend the repository contract tests run against; a new backend adds itself here.
BACKENDS = ["sqlite"]


@pytest.fixture(params=BACKENDS)
async def backend_store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    """A fresh, empty store of each backend in turn."""
    assert request.param == "sqlite"
    async with Store.open(tmp_path / "r.db") as opened:
        yield opened
