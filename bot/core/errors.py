"""Storage errors the core may catch, whatever the database::

StorageError      the database cannot do what was asked; the message says why
├── StorageBusy   another process held the write lock past the busy timeout
└── SchemaError   the schema is newer than ours, or a migration failed
"""

from __future__ import annotations

__all__ = ["SchemaError", "StorageBusy", "StorageError"]


class StorageError(Exception):
    """The database cannot do what was asked."""


class StorageBusy(StorageError):
    """Another process holds the write lock longer than we wait."""


class SchemaError(StorageError):
    """The file cannot be brought to our schema version."""
