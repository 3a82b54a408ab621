"""The SQLite backend: one database file holding the archive, its search index and the tables.

It owns the file's schema and its forward-only migrations (:mod:`~bot.storage.sqlite.schema`,
``PRAGMA user_version``), every SQL statement (the ``*_sql`` modules), the connections (one
writer behind a lock, a pool of WAL readers), the background FTS5 indexer, search, the
``data_version`` watch behind :class:`~bot.core.archive.repositories.ArchiveVersion`, and the
translation of SQLite's errors into the core's (:mod:`~bot.storage.sqlite.errors`).
:class:`~bot.storage.sqlite.store.Store` is the entry point and implements the core's
repository Protocols.
"""
