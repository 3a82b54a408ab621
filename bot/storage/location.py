"""A database URL as it may be shown, and whether it carries a password.

A ``postgresql://`` URL may hold a user name and a password; logs, messages and reports name a
database as ``postgresql://host:port/db`` only. Pure string work with the standard library, so
a SQLite-only install (no psycopg) can use it too.
"""

from __future__ import annotations

from typing import Final
from urllib.parse import parse_qs, quote, unquote, urlsplit

__all__ = ["has_password", "shown_location"]

#: libpq's default port (www.postgresql.org/docs/current/libpq-connect.html).
_DEFAULT_PORT: Final = "5432"


def shown_location(url: str) -> str:
    """``url`` as ``postgresql://host:port/db``: no user, no password, no other parameters.

    A Unix-socket host (``?host=/run/postgresql``) is shown as its folder, percent-encoded as
    libpq reads it in a URL's host part (``postgresql://%2Frun%2Fpostgresql:5432/db``).
    """
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    host = parts.hostname or _first(query, "host") or "localhost"
    if host.startswith("/"):
        host = quote(host, safe="")
    try:
        port = str(parts.port or "") or _first(query, "port") or _DEFAULT_PORT
    except ValueError:  # a port that is not a number: show none rather than fail
        port = "?"
    database = unquote(parts.path.lstrip("/")) or _first(query, "dbname") or ""
    return f"postgresql://{host}:{port}/{database}"


def has_password(url: str) -> bool:
    """Whether ``url`` names a password, in its user info or as a ``password`` parameter."""
    parts = urlsplit(url)
    return bool(parts.password) or bool(_first(parse_qs(parts.query), "password"))


def _first(query: dict[str, list[str]], key: str) -> str | None:
    values = query.get(key)
    return values[0] if values else None
