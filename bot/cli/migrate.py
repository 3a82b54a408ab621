"""``paperbot migrate``: copy a SQLite archive, outbox and settings into PostgreSQL.

The work is :mod:`bot.storage.migrate`'s; here are the command's rules. The target comes from
``--to`` or ``PAPERBOT_DATABASE_URL``, and a password only from the environment: a ``--to``
holding one is refused without echoing it (a shell keeps its history, and ``ps`` shows a
command line to every user of the machine). Output names the target as
:func:`bot.database_url.shown_location` renders it: no user, no password.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Final

import typer
from rich.table import Table

from bot.console.terminal import TerminalConsole
from bot.database_url import DATABASE_ENV

from .app import app
from .common import FormatOption, OutputFormat, fail, print_json, run

if TYPE_CHECKING:
    from bot.storage.migrate import TableReport

__all__ = ["migrate"]

_SQLITE_PREFIX: Final = "sqlite:"


@app.command()
def migrate(
    source: Annotated[
        str, typer.Option("--from", help="The SQLite archive: sqlite:PATH, e.g. sqlite:paperbot.db")
    ],
    to: Annotated[
        str | None,
        typer.Option(
            "--to",
            help=f"postgresql://user@host:port/db (default: ${DATABASE_ENV}); no password here",
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Copy even while a paperbot process delivers from it.")
    ] = False,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """Copy a SQLite archive (digests, outbox, settings, reactions) into PostgreSQL, and verify.

    Example: `PGPASSWORD=… paperbot migrate --from sqlite:paperbot.db --to
    postgresql://paperbot@db.example:5432/paperbot`

    Safe to rerun: rows already in PostgreSQL are kept, only missing ones are copied, all in
    one transaction. Stop `paperbot serve` first. Exit 0 when every table is verified (each
    source row found in PostgreSQL), 1 when one is not, 2 when nothing could be done.
    """
    from bot.core.errors import StorageError
    from bot.database_url import NO_PASSWORD_HERE, has_password, is_database_url, shown_location

    path = _source_path(source)
    url = to if to is not None else os.environ.get(DATABASE_ENV)
    if not url:
        raise fail(f"name the PostgreSQL database: --to postgresql://… or ${DATABASE_ENV}")
    if not is_database_url(url):  # never echoed: it may hold a password
        raise fail(f"--to (or ${DATABASE_ENV}) must be a postgresql:// URL")
    if to is not None and has_password(to):  # a shell keeps its history; ps shows it to all
        raise fail(f"--to: {NO_PASSWORD_HERE}")
    if not path.is_file():
        raise fail(f"no archive at {path}: name an existing SQLite file with --from sqlite:PATH")
    target = shown_location(url)
    try:
        from bot.storage.migrate import migrate_archive
    except ImportError as error:
        raise fail(
            f"PostgreSQL needs its driver ({error.name}): pip install 'paperbot[postgres]'"
        ) from None
    try:
        reports = run(migrate_archive(str(path), url, force=force))
    except StorageError as error:
        raise fail(f"{path} → {target}: {error}") from None
    verified = all(report.verified for report in reports)
    if output is OutputFormat.JSON:
        print_json({"source": str(path), "target": target, "verified": verified, "tables": reports})
    else:
        _print(reports, str(path), target, verified)
    if not verified:
        raise typer.Exit(1)


def _source_path(source: str) -> Path:
    """``sqlite:PATH`` as a path, or exit 2 (a URL in its place is not echoed)."""
    from bot.database_url import is_database_url

    if is_database_url(source):
        raise fail("--from names the SQLite archive (sqlite:PATH), not a postgresql URL")
    if not source.startswith(_SQLITE_PREFIX) or not source.removeprefix(_SQLITE_PREFIX):
        raise fail("--from takes sqlite:PATH, e.g. sqlite:paperbot.db")
    return Path(source.removeprefix(_SQLITE_PREFIX))


def _print(reports: list[TableReport], source: str, target: str, verified: bool) -> None:
    table = Table(title=f"{source} → {target}")
    for column in ("table", "source rows", "copied", "already there", "verified"):
        table.add_column(column, justify="left" if column == "table" else "right")
    for report in reports:
        table.add_row(
            report.table,
            str(report.source_rows),
            str(report.copied),
            str(report.already_present),
            "yes" if report.verified else "[red]NO[/red]",
        )
    console = TerminalConsole()
    console.print(table)
    if verified:
        console.print(f"verified: every row of the archive is in {target}", markup=False)
    else:
        missing = ", ".join(r.table for r in reports if not r.verified)
        console.print(
            f"NOT verified: {missing} in {target} lack rows of the archive, kept out by rows "
            "it already held that clash with them (nothing was overwritten)",
            markup=False,
        )
