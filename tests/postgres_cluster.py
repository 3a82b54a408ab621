"""A throw-away PostgreSQL cluster for the tests: no system service, no TCP port, no password.

Issue #17 runs the storage tests on PostgreSQL too, and CI (``.ci/run``) installs PostgreSQL
from the OS packages without starting anything. The tests start their own server:

- :func:`postgres_cluster` (one per pytest process, so one per xdist worker): ``initdb`` into a
  new temporary folder, then ``postgres`` listening on a Unix socket in that folder only
  (``listen_addresses=''``), with durability off (``fsync``, ``synchronous_commit``,
  ``full_page_writes``): a crash loses a test's data, never a user's. It is ready when a
  connection succeeds (polled against a deadline) and stopped at the end of the session with
  SIGQUIT, which is what ``pg_ctl stop -m immediate`` sends; then the folder goes.
- :func:`postgres_url`: a new, empty database for each test (``CREATE DATABASE … TEMPLATE
  template0``), dropped after it, so tests share nothing and run in any order.
- :func:`migrated_postgres_url`: a database with paperbot's schema, migrated once per process
  and emptied after each test (every row deleted, every sequence restarted), for the many tests
  about what is stored rather than about creating or migrating a database.

**Root.** ``initdb`` and ``postgres`` refuse to run as root. Run as root (as CI is), both run
as the ``postgres`` system user that Debian's ``postgresql-common`` creates (or the user named
by ``PAPERBOT_PG_USER``), and the temporary folder is theirs; run as anyone else, they run as
that user. The test process itself connects as the database superuser ``postgres`` over the
socket, where ``initdb --auth=trust`` lets any local user in.

**Where the server comes from**: ``PAPERBOT_PG_BINDIR``, else ``pg_config --bindir``, else
the newest ``/usr/lib/postgresql/*/bin`` (Debian's layout, which puts none of them on PATH),
else ``initdb`` on PATH. Without a server or without psycopg the tests that need one are
skipped, saying why; with ``PAPERBOT_REQUIRE_POSTGRES=1`` (set by ``.ci/run``) they fail
instead, so CI can never pass by skipping them.

**Locale.** The cluster is ``UTF8`` with the ``C.UTF-8`` locale: byte-order sorting like
``C``, but pg_trgm counts Hangul as letters (under plain ``C`` it drops every non-ASCII
character from its trigrams, and Korean search would find nothing).

If pytest is killed outright, the server is not left behind: on Linux it is started through
``setpriv --pdeathsig SIGQUIT``, so it stops when the pytest process that started it dies.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn
from urllib.parse import quote

import pytest

#: Set to 1 (as ``.ci/run`` does) and a missing server fails the tests instead of skipping them.
REQUIRE_ENV = "PAPERBOT_REQUIRE_POSTGRES"
BINDIR_ENV = "PAPERBOT_PG_BINDIR"
USER_ENV = "PAPERBOT_PG_USER"
#: The database superuser initdb creates, and the role every test connects as.
SUPERUSER = "postgres"
#: The port only names the socket file (``.s.PGSQL.5432``): nothing listens on TCP.
PORT = 5432
START_DEADLINE = 30.0
#: Durability off, and small: a test cluster holds a few rows per test.
SERVER_SETTINGS = {
    "listen_addresses": "",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "shared_buffers": "32MB",
    "max_connections": "50",
    "max_wal_senders": "0",
    "wal_level": "minimal",
    "log_min_messages": "warning",
}
_SOCKET_PATH_MAX = 100  # sun_path holds 108 bytes, with "/.s.PGSQL.5432" and a NUL after the dir


def _unavailable(reason: str) -> NoReturn:
    """Skip: PostgreSQL is optional on a developer's machine. Fail where it is required."""
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{reason} ({REQUIRE_ENV}=1: CI needs the PostgreSQL tests to run)")
    pytest.skip(reason)


def find_bindir() -> Path | None:
    """The folder with ``initdb`` and ``postgres``, or ``None`` when there is no server."""
    candidates: list[Path] = []
    if named := os.environ.get(BINDIR_ENV):
        candidates.append(Path(named))
    if pg_config := shutil.which("pg_config"):
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            out = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, check=True, timeout=10
            )
            candidates.append(Path(out.stdout.strip()))

    def version(path: Path) -> tuple[int, ...]:
        return tuple(int(n) for n in re.findall(r"\d+", path.parent.name))

    candidates.extend(sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=version, reverse=True))
    if initdb := shutil.which("initdb"):
        candidates.append(Path(initdb).resolve().parent)
    for bindir in candidates:
        if (bindir / "initdb").is_file() and (bindir / "postgres").is_file():
            return bindir
    return None


@dataclass(frozen=True, slots=True)
class ServerUser:
    """Whom ``initdb`` and ``postgres`` run as: ``None`` ids mean "as this process"."""

    name: str
    uid: int | None = None
    gid: int | None = None


def server_user() -> ServerUser:
    """This process's user; as root, an unprivileged system user (PostgreSQL refuses root)."""
    import pwd

    if os.geteuid() != 0:
        return ServerUser(pwd.getpwuid(os.geteuid()).pw_name)
    name = os.environ.get(USER_ENV, "postgres")
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        _unavailable(
            f"running as root, and PostgreSQL refuses root, but there is no user {name!r} to "
            f"run it as (Debian's postgresql-common creates 'postgres'; or set {USER_ENV})"
        )
    return ServerUser(name, entry.pw_uid, entry.pw_gid)


@dataclass(frozen=True, slots=True)
class Cluster:
    """A running throw-away server: where its socket is, and how to reach a database in it."""

    bindir: Path
    root: Path
    socket_dir: Path
    log: Path
    version: str
    version_num: int

    def conninfo(self, dbname: str = "postgres") -> str:
        """A libpq key-value connection string for ``dbname``."""
        return f"host={self.socket_dir} port={PORT} user={SUPERUSER} dbname={dbname}"

    def url(self, dbname: str = "postgres") -> str:
        """The same as a ``postgresql://`` URL, the form ``[storage] url`` takes."""
        host = quote(str(self.socket_dir), safe="")
        return f"postgresql://{SUPERUSER}@/{dbname}?host={host}&port={PORT}"


def _log_tail(log: Path, lines: int = 30) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _spawn(
    argv: Sequence[str], user: ServerUser, cwd: Path, log: Path, *, die_with_parent: bool
) -> subprocess.Popen[bytes]:
    """Start ``argv`` as ``user``, its output appended to ``log``."""
    argv = list(argv)
    if die_with_parent and sys.platform == "linux" and (setpriv := shutil.which("setpriv")):
        # setpriv runs as the target user already (the uid changes before exec), so it sets the
        # parent-death signal after the last credential change, which would have cleared it.
        argv = [setpriv, "--pdeathsig", "SIGQUIT", "--", *argv]
    env = {**os.environ, "LC_ALL": "C.UTF-8", "HOME": str(cwd)}
    env.pop("PGDATA", None)
    with log.open("ab") as out:
        return subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=cwd,
            env=env,
            user=user.uid,
            group=user.gid,
            extra_groups=[] if user.uid is not None else None,
        )


def _start(bindir: Path, user: ServerUser) -> tuple[Cluster, subprocess.Popen[bytes]]:
    import psycopg

    root = Path(tempfile.mkdtemp(prefix="paperbot-pg-"))
    if len(str(root)) > _SOCKET_PATH_MAX:  # a long TMPDIR: the socket path would not fit
        shutil.rmtree(root)
        root = Path(tempfile.mkdtemp(prefix="paperbot-pg-", dir="/tmp"))
    if user.uid is not None:
        os.chown(root, user.uid, -1 if user.gid is None else user.gid)
    log = root / "server.log"
    data = root / "data"
    initdb = _spawn(
        [
            str(bindir / "initdb"),
            f"--pgdata={data}",
            f"--username={SUPERUSER}",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
            "--no-instructions",
        ],
        user,
        root,
        log,
        die_with_parent=False,
    )
    if initdb.wait(timeout=120) != 0:
        tail = _log_tail(log)
        shutil.rmtree(root, ignore_errors=True)
        pytest.fail(f"initdb failed ({initdb.returncode}):\n{tail}")
    settings = [f"--{key.replace('_', '-')}={value}" for key, value in SERVER_SETTINGS.items()]
    server = _spawn(
        [str(bindir / "postgres"), "-D", str(data), "-k", str(root), "-p", str(PORT), *settings],
        user,
        root,
        log,
        die_with_parent=True,
    )
    cluster = Cluster(bindir, root, root, log, version="", version_num=0)
    deadline = time.monotonic() + START_DEADLINE
    while True:
        if server.poll() is not None:
            tail = _log_tail(log)
            shutil.rmtree(root, ignore_errors=True)
            pytest.fail(f"postgres exited with {server.returncode} while starting:\n{tail}")
        try:
            with psycopg.connect(cluster.conninfo(), connect_timeout=2) as conn:
                row = conn.execute("SHOW server_version").fetchone()
                version = str(row[0]) if row else ""
                number = conn.info.server_version
                return Cluster(bindir, root, root, log, version, number), server
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                _stop(server, root)
                pytest.fail(f"postgres not ready after {START_DEADLINE:.0f} s:\n{_log_tail(log)}")
            time.sleep(0.02)  # a poll interval against the deadline, not a guess at a duration


def _stop(server: subprocess.Popen[bytes], root: Path) -> None:
    """Immediate shutdown (SIGQUIT, as ``pg_ctl stop -m immediate``), then remove the folder."""
    if server.poll() is None:
        server.send_signal(signal.SIGQUIT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[Cluster]:
    """A throw-away PostgreSQL server for this pytest process (each xdist worker has its own).

    Skips (or, with ``PAPERBOT_REQUIRE_POSTGRES=1``, fails) when psycopg or the server
    binaries are missing.
    """
    try:
        import psycopg  # noqa: F401
    except ImportError as exc:
        _unavailable(f"psycopg is not installed ({exc}): pip install -e '.[postgres]'")
    bindir = find_bindir()
    if bindir is None:
        _unavailable(
            f"no PostgreSQL server binaries (initdb, postgres) found via {BINDIR_ENV}, "
            "pg_config --bindir, /usr/lib/postgresql/*/bin or PATH: install PostgreSQL's "
            "server (Debian: apt-get install postgresql)"
        )
    cluster, server = _start(bindir, server_user())
    try:
        yield cluster
    finally:
        _stop(server, cluster.root)


_database_numbers = itertools.count(1)


def _create_database(cluster: Cluster) -> str:
    """A new, empty database (a copy of ``template0``); its name."""
    import psycopg
    from psycopg import sql

    name = f"test_{os.getpid()}_{next(_database_numbers)}"
    # FILE_COPY (PostgreSQL 15+; before 15 the only way) copies the small template0 in half the
    # time of 15's default, WAL_LOG, which pays off for large templates only (16 ms against 31).
    create = "CREATE DATABASE {} TEMPLATE template0"
    if cluster.version_num >= 150000:
        create += " STRATEGY FILE_COPY"
    with psycopg.connect(cluster.conninfo(), autocommit=True) as admin:
        admin.execute(sql.SQL(create).format(sql.Identifier(name)))
    return name


def _drop_database(cluster: Cluster, name: str) -> None:
    """Drop ``name``, closing whatever sessions a test left open on it."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(cluster.conninfo(), autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@pytest.fixture
def postgres_url(postgres_cluster: Cluster) -> Iterator[str]:
    """A ``postgresql://`` URL to a new, empty database of its own, dropped after the test."""
    name = _create_database(postgres_cluster)
    try:
        yield postgres_cluster.url(name)
    finally:
        _drop_database(postgres_cluster, name)


class _MigratedDatabase:
    """One database per pytest process with paperbot's current schema, emptied between tests.

    Creating a database costs about 0.1 s and migrating it 0.07 s (more under load), while
    emptying one costs a few milliseconds; most PostgreSQL tests are about what is stored, not
    about creating or migrating (those use :func:`postgres_url`). A test that leaves the
    database in any state the emptying cannot undo (a lock held on, a schema changed) gets it
    dropped, and the next test a new one.
    """

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.name: str | None = None
        self.versions: list[tuple[object, ...]] = []

    def url(self) -> str:
        """The database's URL, creating and migrating it if there is none."""
        if self.name is None:
            import asyncio
            from concurrent.futures import ThreadPoolExecutor

            from bot.storage.postgres.store import PostgresStore

            name = _create_database(self.cluster)

            async def migrate() -> None:
                async with PostgresStore.open(self.cluster.url(name)):
                    pass  # opening migrates

            with ThreadPoolExecutor(1) as thread:  # a loop of its own, whoever asks first
                thread.submit(asyncio.run, migrate()).result()
            self.versions = self._versions(name)
            self.name = name
        return self.cluster.url(self.name)

    def _versions(self, name: str) -> list[tuple[object, ...]]:
        import psycopg

        with psycopg.connect(self.cluster.conninfo(name)) as conn:
            return list(conn.execute("SELECT * FROM schema_version ORDER BY 1"))

    def empty(self) -> None:
        """Delete every row and restart every sequence; drop the database if that fails."""
        import psycopg
        from psycopg import sql

        if self.name is None:
            return
        try:
            with psycopg.connect(self.cluster.conninfo(self.name)) as conn:
                conn.execute("SET LOCAL lock_timeout = '2s'")
                conn.execute("SET LOCAL session_replication_role = replica")  # no FK order
                if list(conn.execute("SELECT * FROM schema_version ORDER BY 1")) != self.versions:
                    raise psycopg.DataError("the test changed the schema")
                for (table,) in conn.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                    " AND tablename <> 'schema_version'"
                ).fetchall():
                    conn.execute(sql.SQL("DELETE FROM {}").format(sql.Identifier(table)))
                for (sequence,) in conn.execute(
                    "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'"
                ).fetchall():
                    conn.execute(
                        sql.SQL("ALTER SEQUENCE {} RESTART").format(sql.Identifier(sequence))
                    )
        except psycopg.Error:
            name, self.name = self.name, None
            _drop_database(self.cluster, name)


@pytest.fixture(scope="session")
def _migrated_database(postgres_cluster: Cluster) -> _MigratedDatabase:
    return _MigratedDatabase(postgres_cluster)


@pytest.fixture
def migrated_postgres_url(_migrated_database: _MigratedDatabase) -> Iterator[str]:
    """Like :func:`postgres_url` (nothing in it, nothing shared), but with paperbot's schema."""
    try:
        yield _migrated_database.url()
    finally:
        _migrated_database.empty()
