"""Fixtures shared by the core's tests: every repository contract test runs on every backend."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

import pytest

from bot.storage.postgres.store import PostgresStore
from bot.storage.sqlite.store import Store

#: Every storage backend the repository contract tests run against; a new backend adds itself here.
BACKENDS = ["sqlite", "postgres"]

#: Opens the same database again each time it is called (a restart reopens it).
Opener = Callable[[], AbstractAsyncContextManager[Any]]


def _opener(request: pytest.FixtureRequest, tmp_path: Path) -> Opener:
    """Opens one empty database of the backend ``request.param`` names."""
    if request.param == "sqlite":
        path = tmp_path / "r.db"
        return lambda: Store.open(path)
    url: str = request.getfixturevalue("migrated_postgres_url")
    return lambda: PostgresStore.open(url)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Opener:
    """One empty database of each backend in turn, opened as often as a test asks."""
    return _opener(request, tmp_path)


@pytest.fixture
async def backend_store(backend: Opener) -> AsyncIterator[Any]:
    """A fresh, empty store of each backend in turn."""
    async with backend() as opened:
        yield opened
