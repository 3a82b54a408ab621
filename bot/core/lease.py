"""A lease in SQLite: at most one paperbot process delivers from a database at a time.

The holder renews it while working; if the holder dies, the lease expires and another process
may take over. Expiry, not a lock file, so a SIGKILL never leaves the database stuck.
"""

from __future__ import annotations

import os
import socket
import uuid

from .clock import Clock
from .store import Store

__all__ = ["Lease", "LeaseHeld"]

#: How long a lease lasts without renewal; the holder renews at a third of it.
DEFAULT_TTL = 30.0


class LeaseHeld(Exception):
    """Another live process holds the lease; the message names it."""


class Lease:
    """One named lease (``delivery``) held by this process."""

    def __init__(
        self, store: Store, clock: Clock, name: str = "delivery", ttl: float = DEFAULT_TTL
    ):
        self._store = store
        self._clock = clock
        self.name = name
        self.ttl = ttl
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

    async def acquire(self) -> bool:
        """Take the lease if it is free or expired (or already ours); True on success."""
        now = self._clock.now()
        async with self._store.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO leases VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET"
                " owner = excluded.owner, expires_at = excluded.expires_at"
                " WHERE leases.owner = excluded.owner OR leases.expires_at <= ?",
                (self.name, self.owner, now + self.ttl, now),
            )
            return cursor.rowcount == 1

    async def holder(self) -> tuple[str, float] | None:
        """Who holds the lease and until when, if anyone does now."""
        rows = await self._store.query(
            "SELECT owner, expires_at FROM leases WHERE name = ? AND expires_at > ?",
            self.name,
            self._clock.now(),
        )
        return (str(rows[0][0]), float(rows[0][1])) if rows else None

    async def acquire_or_wait(self, patience: float) -> None:
        """Take the lease, waiting up to ``patience`` seconds for a holder to let go.

        Raises:
            LeaseHeld: Still held by another process after waiting.
        """
        deadline = self._clock.now() + patience
        while not await self.acquire():
            held = await self.holder()
            if held is not None and _dead_here(held[0]):
                await self._take_over(held[0])
                continue
            if self._clock.now() >= deadline:
                who = (
                    f"{held[0]}, until {held[1] - self._clock.now():.0f} s from now"
                    if held
                    else "?"
                )
                raise LeaseHeld(
                    f"another paperbot process is delivering from this database ({who}); "
                    "stop it, or wait for its lease to expire"
                )
            await self._clock.sleep(min(1.0, max(0.05, deadline - self._clock.now())))

    async def _take_over(self, dead: str) -> None:
        """Expire a lease whose holder, on this host, is no longer running (SIGKILL, crash)."""
        async with self._store.transaction() as conn:
            await conn.execute(
                "UPDATE leases SET expires_at = 0 WHERE name = ? AND owner = ?", (self.name, dead)
            )

    async def renew(self) -> bool:
        """Extend our lease; False if we lost it (then stop sending)."""
        async with self._store.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE leases SET expires_at = ? WHERE name = ? AND owner = ?",
                (self._clock.now() + self.ttl, self.name, self.owner),
            )
            return cursor.rowcount == 1

    async def release(self) -> None:
        """Let go, so another process need not wait for expiry."""
        async with self._store.transaction() as conn:
            await conn.execute(
                "DELETE FROM leases WHERE name = ? AND owner = ?", (self.name, self.owner)
            )


def _dead_here(owner: str) -> bool:
    """True when ``owner`` (``host:pid:nonce``) names a process of this host that is gone."""
    host, _, rest = owner.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # it exists, under another user
    return False
