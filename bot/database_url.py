"""Where the database is, and how to say so without its password.

A PostgreSQL URL may carry a password (``postgresql://bot:PASSWORD@host/db`` or
``?password=…``). A config file is shared and a shell keeps its history, so only the
environment (``PAPERBOT_DATABASE_URL``, or libpq's own ``PGPASSWORD`` and ``~/.pgpass``) may
hold one; every log line and status shows the database as :func:`shown_location` renders it,
with no user and no password. Parsed by hand rather than with :func:`urllib.parse.urlsplit`,
which raises on a malformed port or host and so would put the URL into a traceback.
"""

from __future__ import annotations

from typing import Final
from urllib.parse import parse_qs

from bot.storage import is_postgres_url

__all__ = [
    "DATABASE_ENV",
    "NO_PASSWORD_HERE",
    "has_password",
    "is_database_url",
    "shown_location",
]

#: The environment variable naming the database; it wins over the config file.
DATABASE_ENV: Final = "PAPERBOT_DATABASE_URL"
#: What to do instead of writing a password where it would be shared or kept.
NO_PASSWORD_HERE: Final = (
    f"the database URL holds a password: put it in {DATABASE_ENV} instead, or leave it out "
    "and let libpq read PGPASSWORD or ~/.pgpass"
)


def is_database_url(location: str) -> bool:
    """Whether ``location`` is a PostgreSQL URL rather than an SQLite file."""
    return is_postgres_url(location)


def _authority_and_query(url: str) -> tuple[str, str, str]:
    """``(user info, host:port, rest)`` of ``scheme://userinfo@host:port/db?query``."""
    rest = url.partition("://")[2]
    cut = min((i for i in (rest.find("/"), rest.find("?"), rest.find("#")) if i >= 0), default=-1)
    authority, tail = (rest, "") if cut < 0 else (rest[:cut], rest[cut:])
    userinfo, at, host = authority.rpartition("@")
    return (userinfo if at else ""), host, tail


def has_password(url: str) -> bool:
    """Whether the URL carries a password, in its user info or as ``?password=``."""
    userinfo, _, tail = _authority_and_query(url)
    query = tail.partition("?")[2].partition("#")[0]
    return ":" in userinfo or "password" in parse_qs(query, keep_blank_values=True)


def shown_location(location: str) -> str:
    """``location`` as logs and status show it: a URL without user, password or options.

    ``postgresql://bot:pw@db.lab:5432/paperbot?sslmode=require`` →
    ``postgresql://db.lab:5432/paperbot``; an SQLite path is shown as it is.
    """
    if not is_database_url(location):
        return location
    scheme = location.partition("://")[0]
    _, host, tail = _authority_and_query(location)
    path = tail.partition("?")[0].partition("#")[0]
    return f"{scheme}://{host}{path}"
