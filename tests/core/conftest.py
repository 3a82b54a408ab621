"""Fixtures shared by the core's tests."""

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


@pytest.fixture(params=BACKENDS)
async def backend_store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Any]:
    """A fresh, empty store of each backend in turn."""
    async with _opener(request, tmp_path)() as opened:
        yield opened


#: The backends that hold the archive, its search and the metadata (PostgreSQL: issue #17); the
#: contract tests of those repositories use :func:`archive_store` until BACKENDS has them all.
ARCHIVE_BACKENDS = ["sqlite", "postgres"]


@pytest.fixture(params=ARCHIVE_BACKENDS)
async def archive_store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Any]:
    """A fresh, empty store of each backend with the archive and the metadata repository."""
    if request.param == "sqlite":
        async with Store.open(tmp_path / "r.db") as sqlite:
            yield sqlite
    else:
        url: str = request.getfixturevalue("postgres_url")
        async with PostgresStore.open(url) as postgres:
            yield postgres


#: The backends that hold the delivery and daily tables so far (PostgreSQL: issue #17, the
#: archive still to come); they join BACKENDS once every repository has them.
TABLE_BACKENDS = ["sqlite", "postgres"]


@pytest.fixture(params=TABLE_BACKENDS)
async def table_store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Any]:
    """A fresh, empty store of each backend with the delivery and daily repositories."""
    if request.param == "sqlite":
        async with Store.open(tmp_path / "r.db") as sqlite:
            yield sqlite
    else:
        url: str = request.getfixturevalue("postgres_url")
        async with PostgresStore.open(url) as postgres:
            yield postgres


#: The backends that hold the voice tables (reactions, follows) and the archive their presses
#: check; they join BACKENDS with the rest.
VOICE_BACKENDS = ["sqlite", "postgres"]

#: Opens the same database again each time it is called (a restart reopens it).
Opener = Callable[[], AbstractAsyncContextManager[Any]]


def _opener(request: pytest.FixtureRequest, tmp_path: Path) -> Opener:
    """Opens one empty database of the backend ``request.param`` names."""
    if request.param == "sqlite":
        path = tmp_path / "r.db"
        return lambda: Store.open(path)
    url: str = request.getfixturevalue("postgres_url")
    return lambda: PostgresStore.open(url)


@pytest.fixture(params=VOICE_BACKENDS)
def voice_backend(request: pytest.FixtureRequest, tmp_path: Path) -> Opener:
    """One empty database of each backend in turn, opened as often as a test asks."""
    return _opener(request, tmp_path)


@pytest.fixture
async def voice_store(voice_backend: Opener) -> AsyncIterator[Any]:
    """A fresh, empty store of each backend with the voice repositories."""
    async with voice_backend() as opened:
        yield opened
