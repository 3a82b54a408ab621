"""Options and plumbing every command shares: ``--db``, ``--config``, errors, JSON.

What the commands build (the archive, posters, the worker, ``serve``) is :mod:`bot.app`'s;
this module only turns its errors into messages and exit codes.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import enum
import logging
import re
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any, Final, TypeVar

import typer
from pydantic import BaseModel

from bot.config import Config, ConfigError, load_config
from bot.console.terminal import TerminalFormatter, echo, json_dumps

__all__ = [
    "ConfigOption",
    "DbOption",
    "FormatOption",
    "OutputFormat",
    "fail",
    "load",
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
    Path | None,
    typer.Option(
        "--db", help="SQLite archive (default: the config's \\[storage] path, ./paperbot.db)."
    ),
]
ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", help="Config file (default: $PAPERBOT_CONFIG or ./config.toml)."),
]
FormatOption = Annotated[
    OutputFormat, typer.Option("--format", "-f", help="table for people, json for programs.")
]


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


@asynccontextmanager
async def open_store(
    db: Path | None, config: Config, *, existing: bool = False
) -> AsyncIterator[Any]:
    """Open the archive named by ``--db`` or the config, or exit 2 with the reason.

    Args:
        db: ``--db``.
        config: The loaded config, for ``[storage] path``.
        existing: A reading command: a missing archive exits 1 with what to run first,
            instead of leaving an empty ``paperbot.db`` in whatever folder it ran in.
    """
    from bot.app import archive_path
    from bot.core.errors import StorageError
    from bot.storage import open_store as open_archive

    path = archive_path(db, config)
    # ``--db`` is read as a path, which turns ``postgresql://`` into ``postgresql:/``.
    scheme = _URL_SCHEME.match(path)
    if scheme is not None:  # never echoed: the URL may hold a password
        raise fail(
            f"--db and [storage] path name an SQLite file, not a {scheme.group(1)} URL; "
            "a PostgreSQL archive is not available yet (issue #17)"
        )
    if existing and path != ":memory:" and not await asyncio.to_thread(Path(path).exists):
        raise fail(
            f"no archive at {path}: run `paperbot ingest DIGEST.md` (or `paperbot post`) "
            "first, or name the archive with --db PATH",
            1,
        )
    try:
        async with open_archive(path) as store:
            yield store
    except StorageError as error:
        raise fail(f"{path}: {error}") from None


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
