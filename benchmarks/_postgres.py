"""A PostgreSQL server for the benchmarks that compare the backends (issue #17).

Issue #17 wants SQLite and PostgreSQL measured in the same run, so a benchmark needs a server
it may fill and throw away, one fresh database per measurement:

- ``PAPERBOT_DATABASE_URL`` set: that server. Each measurement creates a database of its own
  beside the one the URL names (the role needs ``CREATEDB``) and drops it afterwards; the
  named database itself is never written.
- Otherwise a throw-away cluster from ``tests/postgres_cluster.py`` (the tests' own: initdb in
  a temporary folder, a Unix socket, run as the ``postgres`` user under root), stopped and
  deleted at the end.

The throw-away cluster keeps ``fsync`` on, unlike the tests' cluster: commits skip the flush
(``synchronous_commit = off``) but checkpoints sync, which is what SQLite's ``WAL`` with
``synchronous = NORMAL`` does (:mod:`bot.storage.sqlite.connections`), so neither backend is
timed with durability the other lacks. ``shared_buffers`` is PostgreSQL's default (128 MB), not
the tests' 32 MB.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit, urlunsplit

ROOT: Final = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # tests.postgres_cluster (never bot/ itself)

__all__ = ["BENCH_SETTINGS", "PostgresServer", "postgres_server"]

URL_ENV: Final = "PAPERBOT_DATABASE_URL"
#: Changes to the tests' server settings: durability as SQLite's WAL + NORMAL, default memory.
BENCH_SETTINGS: Final = {
    "fsync": "on",
    "full_page_writes": "on",
    "synchronous_commit": "off",
    "shared_buffers": "128MB",
    "max_connections": "100",
}


@dataclass
class PostgresServer:
    """Where new databases are created (``admin``, a libpq conninfo or URL) and how their
    ``postgresql://`` URL is formed; ``describe`` says which server it is, without secrets."""

    admin: str
    describe: str
    url_for: Callable[[str], str]
    _names: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def database_url(self, name: str) -> str:
        """The URL of database ``name`` on this server."""
        return self.url_for(name)

    @contextlib.contextmanager
    def fresh_database(self, label: str) -> Iterator[str]:
        """A new, empty database for one measurement; its URL; dropped afterwards."""
        import psycopg
        from psycopg import sql

        name = f"bench_{os.getpid()}_{label}_{next(self._names)}"
        with psycopg.connect(self.admin, autocommit=True) as conn:
            conn.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name))
            )
        try:
            yield self.database_url(name)
        finally:
            with psycopg.connect(self.admin, autocommit=True) as conn:
                conn.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )


def _with_database(url: str, name: str) -> str:
    """``url`` naming database ``name`` instead (user, host and query kept)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


@contextlib.contextmanager
def postgres_server() -> Iterator[PostgresServer]:
    """``$PAPERBOT_DATABASE_URL``'s server, or a throw-away cluster for the block.

    Raises:
        SystemExit: Neither a URL nor a PostgreSQL server installation (or psycopg) is there.
    """
    if url := os.environ.get(URL_ENV):
        parts = urlsplit(url)
        shown = f"{URL_ENV} (host {parts.hostname or 'local socket'})"
        yield PostgresServer(url, shown, lambda name: _with_database(url, name))
        return
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise SystemExit("PostgreSQL needs psycopg: pip install -e '.[postgres]'") from None
    from tests import postgres_cluster

    bindir = postgres_cluster.find_bindir()
    if bindir is None:
        raise SystemExit(
            f"no PostgreSQL server binaries (initdb, postgres) found; install PostgreSQL's "
            f"server or set {URL_ENV}"
        )
    postgres_cluster.SERVER_SETTINGS.update(BENCH_SETTINGS)
    cluster, process = postgres_cluster._start(bindir, postgres_cluster.server_user())
    try:
        shown = (
            f"throw-away PostgreSQL {cluster.version} cluster (fsync on, synchronous_commit off)"
        )
        yield PostgresServer(cluster.conninfo(), shown, cluster.url)
    finally:
        postgres_cluster._stop(process, cluster.root)
