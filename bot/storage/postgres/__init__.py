"""PostgreSQL storage (issue #17): the same repository Protocols as :mod:`bot.storage.sqlite`.

Opened from a ``postgresql://`` URL by :class:`~bot.storage.postgres.store.PostgresStore`;
psycopg 3 (async) with a ``psycopg_pool`` pool. It holds the archive and its search
(:mod:`~bot.storage.postgres.archive`, :mod:`~bot.storage.postgres.search` with ``pg_trgm``),
Hugging Face's metadata, the delivery tables (outbox, paused channels, filtered days, leases)
and the daily ones (subscriptions, schedule runs); commits are announced with ``NOTIFY``
(:mod:`~bot.storage.postgres.version`).
"""
