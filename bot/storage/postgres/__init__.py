"""PostgreSQL storage (issue #17): the sibling of :mod:`bot.storage.sqlite`, empty for now.

The repositories come in a later step; this package holds the choice of driver so they are
written against one. Installed with the ``postgres`` extra (``pip install -e '.[postgres]'``);
the ``dev`` extra includes it so CI runs the PostgreSQL tests.

Driver: psycopg 3 (``psycopg[binary,pool]``), not asyncpg. Both are maintained, async-native
and fast enough for a chat bot, whose database is never the bottleneck. What decides:

- **Types.** psycopg ships inline annotations (``py.typed``), so ``mypy --strict bot`` checks
  every call into it as it checks aiosqlite's today. asyncpg ships none; ``asyncpg-stubs``
  exists on PyPI but is a third party's, released after asyncpg and pinned to its versions, so
  every asyncpg upgrade would wait on a second project.
- **What the issue needs, all in one maintained project:** ``AsyncConnection`` and
  ``AsyncCursor`` on asyncio; ``psycopg_pool.AsyncConnectionPool`` (one pool per ``serve``
  process); ``LISTEN``/``NOTIFY`` through ``AsyncConnection.notifies()`` (a second process can
  hear of a new outbox row without polling); ``COPY`` through ``AsyncCursor.copy()`` (``paperbot
  migrate`` copies an archive in bulk); server-side parameters and, per cursor, the binary
  protocol (``binary=True``).
- **The shape of the port.** Its DB-API style (``execute``, ``fetchone``, ``fetchall``,
  ``async with conn.transaction()``) is the shape the aiosqlite repositories already have; only
  the placeholders change (``?`` to ``%s``), where asyncpg's own API would change every call.
- **Installation.** The ``binary`` extra bundles libpq in the wheel: no system libpq, no
  compiler, the same on a developer's machine as in CI.

asyncpg's edge is raw throughput (its own protocol implementation in Cython); the benchmarks of
issue #17 compare the backends end to end, which is where a difference would show.
"""
