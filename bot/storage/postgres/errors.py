"""psycopg's errors become the project's own here, so no driver exception leaves storage.

Like :mod:`bot.storage.sqlite.errors`: the message a user reads is ``"<what failed>:
<PostgreSQL's words>"``, and the class says what the core may react to:
:class:`~bot.core.errors.StorageBusy` when a lock was not granted in time (lock timeout,
deadlock, serialization failure), :class:`~bot.core.errors.StorageError` otherwise. A message
never carries the connection URL, and the password is cut out of the server's words should
they ever quote it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

import psycopg
from psycopg import errors as pg_errors

from bot.core.errors import StorageBusy, StorageError

__all__ = ["postgres_error", "secrets_of"]

#: Errors of a lock or snapshot held elsewhere: trying again later may succeed.
_BUSY: Final = (
    pg_errors.LockNotAvailable,
    pg_errors.DeadlockDetected,
    pg_errors.SerializationFailure,
)


def secrets_of(url: str) -> tuple[str, ...]:
    """What of ``url`` must never appear in a message: its password, if it names one."""
    try:
        password = psycopg.conninfo.conninfo_to_dict(url).get("password")
    except psycopg.Error:
        return ()
    return (str(password),) if password else ()


def postgres_error(error: psycopg.Error, what: str, secrets: Iterable[str] = ()) -> StorageError:
    """The project's error for ``error``: ``"{what}: {error}"``, busy or not, no secrets.

    Raise it ``from error`` so the driver's traceback stays in the logs.
    """
    words = str(error).strip() or type(error).__name__
    for secret in secrets:
        words = words.replace(secret, "***")
    kind = StorageBusy if isinstance(error, _BUSY) else StorageError
    return kind(f"{what}: {words}")
