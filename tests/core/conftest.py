"""Fixtures shared by the core's tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.storage.postgres.store import PostgresStore
from bot.storage.sqlite.store import Store

#: Every storage backend the repository contract tests run against; a new backend adds itself here.
BACKENDS = ["sqlite"]


@pytest.fixture(params=BACKENDS)
async def backend_store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    """A fresh, empty store of each backend in turn."""
    assert request.param == "sqlite"
    async with Store.open(tmp_path / "r.db") as opened:
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
