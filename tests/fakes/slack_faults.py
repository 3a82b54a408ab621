"""Faults the fake Slack API can inject, queued or drawn from a seeded random source.

Reliability code (the delivery engine must post every card exactly once) is only as good as
the failures it has been shown. A fault fires in one of two phases of a request:

- **before** the call is processed: nothing is stored, the client sees the failure. A retry is
  always safe.
- **after store** (``after_store=True``): the message *is* stored, then the response is replaced
  by the fault. This is the "Slack accepted it but the bot never heard back" case, where a
  blind retry posts a duplicate.

Durations (``Fault.delay``) are real seconds on the event loop, because they are compared with
the client's own timeout, which is real; only rate-limit windows follow ``time_scale``.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Fault", "FaultKind", "FaultPlan", "InjectedFault"]


class FaultKind(StrEnum):
    """What a fault does to the HTTP exchange."""

    RATELIMITED = "ratelimited"
    """HTTP 429 with ``Retry-After`` and ``{"ok": false, "error": "ratelimited"}``."""
    SERVER_ERROR = "server_error"
    """HTTP 500/503 with a JSON error body."""
    API_ERROR = "api_error"
    """HTTP 200 with ``{"ok": false, "error": <code>}``, e.g. ``fatal_error``."""
    DROP = "drop"
    """The connection is closed without a response (the client sees a disconnect)."""
    DELAY = "delay"
    """The response is held back, then sent normally (longer than a client timeout: lost)."""


@dataclass(frozen=True)
class Fault:
    """One injected failure; build it with the class methods, which read like the cases.

    Attributes:
        kind: What happens.
        status: HTTP status for ``RATELIMITED``/``SERVER_ERROR``/``API_ERROR``.
        error: The Slack ``error`` code in the body.
        retry_after: ``Retry-After`` header value, sent verbatim (a string, so a test can also
            send a malformed or fractional one on purpose).
        seconds: Real seconds of ``DELAY``.
    """

    kind: FaultKind
    status: int = 200
    error: str = ""
    retry_after: str = "1"
    seconds: float = 0.0

    @classmethod
    def ratelimited(cls, retry_after: int | str = 1) -> Fault:
        """A 429 as Slack sends it; ``retry_after=0`` keeps slack_sdk's retry fast."""
        return cls(
            FaultKind.RATELIMITED, status=429, error="ratelimited", retry_after=str(retry_after)
        )

    @classmethod
    def server_error(cls, status: int = 500) -> Fault:
        """A 5xx; slack_sdk's ``AsyncServerErrorRetryHandler`` retries only 500 and 503."""
        error = "service_unavailable" if status == 503 else "internal_error"
        return cls(FaultKind.SERVER_ERROR, status=status, error=error)

    @classmethod
    def api_error(cls, error: str) -> Fault:
        """A one-off ``ok: false`` answer with HTTP 200, the way Slack reports most errors."""
        return cls(FaultKind.API_ERROR, status=200, error=error)

    @classmethod
    def drop(cls) -> Fault:
        """Close the connection without answering (aiohttp raises ServerDisconnectedError)."""
        return cls(FaultKind.DROP)

    @classmethod
    def delay(cls, seconds: float) -> Fault:
        """Hold the response for ``seconds`` real seconds, then answer normally."""
        return cls(FaultKind.DELAY, seconds=seconds)


@dataclass(frozen=True)
class InjectedFault:
    """A record of one fault that fired, for assertions and for reproducing a random run."""

    method: str
    channel: str | None
    fault: Fault
    after_store: bool


@dataclass
class _Queued:
    method: str
    channel: str | None
    fault: Fault
    after_store: bool

    def matches(self, method: str, channel: str | None, after_store: bool) -> bool:
        return (
            self.method == method
            and self.after_store == after_store
            and (self.channel is None or self.channel == channel)
        )


@dataclass
class _RandomRule:
    rng: random.Random
    methods: frozenset[str]
    rate: float
    faults: tuple[Fault, ...]
    after_store_rate: float
    after_store_faults: tuple[Fault, ...]


class FaultPlan:
    """The faults still to fire: a FIFO queue first, then an optional seeded random rule.

    Each queued fault fires once, on the first request that matches its method, channel and
    phase, so ``inject("chat.postMessage", Fault.ratelimited(), Fault.ratelimited())`` fails
    exactly the next two posts. An after-store fault waits for a request that gets as far as
    storing, so a 429 earlier in the queue does not use it up.
    """

    def __init__(self) -> None:
        self._queue: deque[_Queued] = deque()
        self._random: _RandomRule | None = None
        self.fired: list[InjectedFault] = []
        """Every fault that fired, in order."""

    def inject(
        self,
        method: str,
        *faults: Fault,
        channel: str | None = None,
        after_store: bool = False,
    ) -> None:
        """Queue ``faults`` for the next calls of ``method`` (optionally only in ``channel``).

        Args:
            method: A Web API method (``"chat.postMessage"``) or ``"response_url"``.
            faults: Fired one per matching request, in order.
            channel: Only requests naming this channel match; ``None`` matches any.
            after_store: Fire after the message is stored instead of before processing.
        """
        for fault in faults:
            self._queue.append(_Queued(method, channel, fault, after_store))

    def randomly(
        self,
        *,
        seed: int | random.Random,
        rate: float = 0.0,
        faults: Sequence[Fault] = (),
        after_store_rate: float = 0.0,
        after_store_faults: Sequence[Fault] = (),
        methods: Sequence[str] = ("chat.postMessage",),
    ) -> None:
        """Fail a seeded random share of requests, reproducibly for the same request sequence.

        Every matching request draws once before processing (``rate``, choosing from
        ``faults``) and, if it reaches storage, once more (``after_store_rate``, choosing from
        ``after_store_faults``). Queued faults take precedence and draw nothing.
        """
        if (rate > 0 and not faults) or (after_store_rate > 0 and not after_store_faults):
            raise ValueError("a positive rate needs at least one fault to choose from")
        rng = seed if isinstance(seed, random.Random) else random.Random(seed)
        self._random = _RandomRule(
            rng,
            frozenset(methods),
            rate,
            tuple(faults),
            after_store_rate,
            tuple(after_store_faults),
        )

    def clear(self) -> None:
        """Forget every queued fault and the random rule (``fired`` is kept)."""
        self._queue.clear()
        self._random = None

    @property
    def pending(self) -> int:
        """How many queued faults have not fired yet."""
        return len(self._queue)

    def take(self, method: str, channel: str | None, *, after_store: bool) -> Fault | None:
        """The fault for this request in this phase, or ``None``; records what fired."""
        fault = self._take_queued(method, channel, after_store) or self._draw(method, after_store)
        if fault is not None:
            self.fired.append(InjectedFault(method, channel, fault, after_store))
        return fault

    def _take_queued(self, method: str, channel: str | None, after_store: bool) -> Fault | None:
        for queued in self._queue:
            if queued.matches(method, channel, after_store):
                self._queue.remove(queued)
                return queued.fault
        return None

    def _draw(self, method: str, after_store: bool) -> Fault | None:
        rule = self._random
        if rule is None or method not in rule.methods:
            return None
        rate, choices = (
            (rule.after_store_rate, rule.after_store_faults)
            if after_store
            else (rule.rate, rule.faults)
        )
        if rule.rng.random() >= rate:
            return None
        return rule.rng.choice(choices)
