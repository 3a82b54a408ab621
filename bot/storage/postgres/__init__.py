"""PostgreSQL storage (issue #17): the same repository Protocols as :mod:`bot.storage.sqlite`.

Opened from a ``postgresql://`` URL by :class:`~bot.storage.postgres.store.PostgresStore`;
psycopg 3 (async) with a ``psycopg_pool`` pool. So far it holds the delivery tables only
(outbox, paused channels, filtered days, leases): :mod:`bot.storage.postgres.outbox` and
:mod:`bot.storage.postgres.lease`.
"""
