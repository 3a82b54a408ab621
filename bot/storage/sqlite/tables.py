"""The delivery and daily-run tables of the SQLite store (outbox, leases, subscriptions, runs).

#13 phase 0 placeholder: the repositories behind the core's Protocols land here, as a mixin of
:class:`~bot.storage.sqlite.store.Store`, so the store module keeps to the archive.
"""

from __future__ import annotations

__all__ = ["Tables"]


class Tables:
    """The store's delivery and daily-run repositories (filled in by #13's storage stream)."""
