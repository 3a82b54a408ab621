"""Options and plumbing every command shares: ``--db``, ``--config``, errors, JSON.

What the commands build (the archive, posters, the worker, ``serve``) is :mod:`bot.app`'s;
this module only turns its errors into messages and exit codes.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import enum
import inspect
import logging
import re
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Final, TypeVar

import typer
from pydantic import BaseModel

from bot.config import Config, ConfigError, load_config
from bot.console.terminal import TerminalFormatter, echo, json_dumps
from bot.database_url import NO_PASSWORD_HERE, has_password, is_database_url, shown_location

if TYPE_CHECKING:
    from bot.storage.protocol import Storage

__all__ = [
    "FLAG",
    "ConfigOption",
    "DbOption",
    "FormatOption",
    "OutputFormat",
    "database",
    "fail",
    "load",
    "one_line_paragraphs",
    "open_store",
    "print_json",
    "run",
    "to_jsonable",
]

T = TypeVar("T")


class OutputFormat(enum.StrEnum):
    """Readable terminal output, or JSON for programs."""

    TABLE = "table"
    JSON = "json"


# Help is rich markup (app.py: rich_markup_mode): "[storage]" unescaped would vanish as a tag.
DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="SQLite archive, or postgresql://user@host/db without a password (default: "
        "$PAPERBOT_DATABASE_URL, the config's \\[storage] url, its \\[storage] path, "
        "./paperbot.db).",
    ),
]
ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", help="Config file (default: $PAPERBOT_CONFIG or ./config.toml)."),
]
FormatOption = Annotated[
    OutputFormat, typer.Option("--format", "-f", help="table for people, json for programs.")
]


#: ``metavar`` of an on/off flag: shown bare (``--dry-run``), not as if it took a value
#: (``--dry-run <bool>``, as typer shows a ``bool`` otherwise).
FLAG: Final = ""

F = TypeVar("F", bound=Callable[..., Any])


def one_line_paragraphs(command: F) -> F:
    """Let ``--help`` wrap a command's docstring to the terminal: each paragraph on one line.

    Typer joins the lines of the first paragraph only; the others keep the docstring's hard
    wraps, which show as broken lines in any terminal wider or narrower than the source.
    Apply below ``@app.command()``.
    """
    text = inspect.cleandoc(command.__doc__ or "")
    command.__doc__ = "\n\n".join(" ".join(part.split()) for part in text.split("\n\n"))
    return command


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print ``message`` to stderr (it may quote a digest: controls stripped); the exit to raise."""
    echo(message, err=True)
    return typer.Exit(code)


_URL_SCHEME: Final = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):/")
#: One-shot commands log warnings only, unless ``paperbot -v``; ``serve`` uses the config's.
VERBOSITY = {"level": logging.WARNING}
#: Libraries whose DEBUG lines carry raw requests, events and SQL parameters, and so user ids
#: (a press, a saved paper, a DM): they log at INFO at most, even under ``-vv``, so a user id
#: never reaches the logs. paperbot's own DEBUG lines name people by tag only.
_PAYLOAD_LOGGERS: Final = ("aiosqlite", "slack_bolt", "slack_sdk", "discord", "websockets")


def load(config: Path | None, *, service: bool = False) -> Config:
    """Load the config, or exit 2 with the reason; also set up logging.

    Args:
        config: ``--config``.
        service: A long-running command, which logs at the configured level.
    """
    try:
        loaded = load_config(config)
    except ConfigError as error:
        raise fail(f"config: {error}") from None
    level = logging.getLevelName(loaded.logging.level) if service else VERBOSITY["level"]
    handler = logging.StreamHandler()  # stderr; lines may quote digests or platforms
    handler.setFormatter(TerminalFormatter("%(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=level, handlers=[handler])
    for name in _PAYLOAD_LOGGERS:
        logging.getLogger(name).setLevel(max(level, logging.INFO))
    return loaded


def database(db: str | None, config: Config) -> str:
    """The database ``--db``, ``$PAPERBOT_DATABASE_URL`` or the config names, or exit 2.

    ``--db`` may name a PostgreSQL database by URL, but not with its password: a shell keeps
    its history. The URL is never echoed.
    """
    from bot.app import database_location

    if db is not None and (scheme := _URL_SCHEME.match(db)) is not None:
        if not is_database_url(db):
            raise fail(
                f"--db names an SQLite file or a postgresql:// URL, not a {scheme.group(1)} URL"
            )
        if has_password(db):
            raise fail(f"--db: {NO_PASSWORD_HERE}")
    return database_location(db, config)


@asynccontextmanager
async def open_store(
    db: str | None, config: Config, *, existing: bool = False
) -> AsyncIterator[Storage]:
    """Open the archive named by ``--db``, the environment or the config, or exit 2 with why.

    Args:
        db: ``--db``.
        config: The loaded config, for ``[storage] url`` and ``path``.
        existing: A reading command: a missing SQLite archive exits 1 with what to run first,
            instead of leaving an empty ``paperbot.db`` in whatever folder it ran in.
    """
    from bot.core.errors import StorageError
    from bot.storage import open_store as open_archive

    location = database(db, config)
    shown = shown_location(location)
    if (
        existing
        and not is_database_url(location)
        and location != ":memory:"
        and not await asyncio.to_thread(Path(location).exists)
    ):
        raise fail(
            f"no archive at {shown}: run `paperbot ingest DIGEST.md` (or `paperbot post`) "
            "first, or name the archive with --db PATH",
            1,
        )
    try:
        async with open_archive(location) as store:
            yield store
    except StorageError as error:
        raise fail(f"{shown}: {error}") from None


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a command's coroutine to completion."""
    return asyncio.run(coroutine)


def to_jsonable(value: Any) -> Any:
    """Dataclasses, pydantic models, dates, enums and tuples as plain JSON values."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple) and hasattr(value, "_asdict"):
        return {k: to_jsonable(v) for k, v in value._asdict().items()}
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def print_json(value: Any) -> None:
    """Print ``value`` as indented UTF-8 JSON, every control character ``\\u``-escaped."""
    typer.echo(json_dumps(to_jsonable(value)))
