"""Delivery leases: at most one paperbot process delivers to a platform from a database.

One lease per platform (``delivery:slack``, ``delivery:discord``, ``delivery:console``), so the
holder of a platform's lease is by construction a process that can post there: ``paperbot
serve`` holds the lease of every platform it has a poster for, and ``paperbot post --to
slack:C…`` beside it plans its messages and lets serve send them, or takes the Slack lease
itself when serve has no Slack token. Pacing and reconciliation are per platform, so two
processes delivering to two platforms never meet.

The holder renews its leases while working; if it dies, they expire and another process may
take over. Expiry, not a lock file, so a SIGKILL never leaves the database stuck; a holder that
is gone from this host is noticed at once (:meth:`Lease.try_acquire`).
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from bot.core.clock import Clock
    from bot.core.delivery.repositories import DeliveryStore

__all__ = [
    "HeldLease",
    "Lease",
    "LeaseHeld",
    "delivery_holders",
    "delivery_lease",
    "describe_owner",
]

#: How long a lease lasts without renewal; the holder renews at a third of it.
DEFAULT_TTL = 30.0


class LeaseHeld(Exception):
    """Another live process holds the lease; the message names it."""


class HeldLease(NamedTuple):
    """A lease that is taken: by whom (``host:pid:nonce:role``) and until when."""

    name: str
    owner: str
    expires_at: float  # clock seconds


def delivery_lease(platform: str) -> str:
    """The name of the lease that lets a process deliver to ``platform``."""
    return f"delivery:{platform}"


def describe_owner(owner: str) -> str:
    """``host:pid:nonce:role`` as a person reads it: ``paperbot serve (pid 41 on box)``."""
    host, _, rest = owner.partition(":")
    pid, _, rest = rest.partition(":")
    role = rest.partition(":")[2] or "process"
    here = "" if host == socket.gethostname() else f" on {host}"
    return f"paperbot {role} (pid {pid}{here})"


class Lease:
    """One or more named leases held together by this process.

    Args:
        names: One name, or several taken all together or not at all (serve takes the
            ``delivery:…`` lease of each platform it posts to).
        role: What this process is (``serve``, ``post``), shown to others who find it holding.
    """

    def __init__(
        self,
        store: DeliveryStore,
        clock: Clock,
        names: str | Iterable[str] = "delivery",
        ttl: float = DEFAULT_TTL,
        *,
        role: str = "process",
    ) -> None:
        self._leases = store.leases
        self._clock = clock
        self.names = (names,) if isinstance(names, str) else tuple(sorted(set(names)))
        self.ttl = ttl
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}:{role}"

    @property
    def name(self) -> str:
        """The names, comma-separated (for messages)."""
        return ", ".join(self.names)

    async def acquire(self) -> bool:
        """Take every name if each is free or expired (or already ours); True on success."""
        now = self._clock.now()
        return await self._leases.take(self.names, self.owner, now=now, until=now + self.ttl)

    async def holders(self) -> dict[str, str]:
        """Live holders other than us: lease name → owner (``host:pid:nonce:role``)."""
        return {
            held.name: held.owner
            for held in await self._leases.live(now=self._clock.now())
            if held.name in self.names and held.owner != self.owner
        }

    async def holder(self) -> tuple[str, float] | None:
        """Who holds (one of) the names and until when, if anyone does now."""
        for held in await self._leases.live(now=self._clock.now()):
            if held.name in self.names:
                return held.owner, held.expires_at
        return None

    async def try_acquire(self) -> bool:
        """Take the names now if no live process holds one; never waits.

        A holder of this host that is no longer running (SIGKILL, crash) is not waited for.
        """
        while not await self.acquire():
            dead = [owner for owner in (await self.holders()).values() if _dead_here(owner)]
            if not dead:
                return False
            for owner in dead:
                await self._take_over(owner)
        return True

    async def acquire_or_wait(self, patience: float) -> None:
        """Take the lease, waiting up to ``patience`` seconds for a holder to let go.

        Raises:
            LeaseHeld: Still held by another process after waiting.
        """
        deadline = self._clock.now() + patience
        while not await self.try_acquire():
            if self._clock.now() >= deadline:
                held = await self.holder()
                who = (
                    f"{describe_owner(held[0])}, until {held[1] - self._clock.now():.0f} s from now"
                    if held
                    else "?"
                )
                raise LeaseHeld(
                    f"another paperbot process is delivering ({self.name}) from this database "
                    f"({who}); stop it, or wait for its lease to expire"
                )
            await self._clock.sleep(min(1.0, max(0.05, deadline - self._clock.now())))

    async def _take_over(self, dead: str) -> None:
        """Expire the leases of a holder that, on this host, is no longer running."""
        await self._leases.expire(dead)

    async def renew(self) -> bool:
        """Extend every name; False if we lost one (then stop sending)."""
        until = self._clock.now() + self.ttl
        return await self._leases.extend(self.names, self.owner, until=until)

    async def release(self) -> None:
        """Let go, so another process need not wait for expiry."""
        await self._leases.release(self.owner)


def _dead_here(owner: str) -> bool:
    """True when ``owner`` (``host:pid:…``) names a process of this host that is gone."""
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


async def delivery_holders(store: DeliveryStore, clock: Clock) -> dict[str, str]:
    """Every platform some live process delivers to now: platform → owner."""
    prefix = delivery_lease("")
    return {
        held.name.removeprefix(prefix): held.owner
        for held in await store.leases.live(now=clock.now())
        if held.name.startswith(prefix)
    }
