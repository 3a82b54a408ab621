"""Log records of a logger, and a way to wait for one without sleeping.

A listener or an interaction handler goes on after its last request to a fake (it logs what
the platform answered), so a test cannot wait for a request; it waits for the log line itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterator

__all__ = ["Logged", "logged_by"]


class Logged(logging.Handler):
    """Warnings and errors logged while attached; :meth:`until` waits for a message."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []
        self._changed = asyncio.Event()

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        self._changed.set()

    @property
    def messages(self) -> list[str]:
        """Every message, formatted, in order."""
        return [r.getMessage() for r in self.records]

    @property
    def tracebacks(self) -> list[logging.LogRecord]:
        """The records that carry an exception (a refusal should carry none)."""
        return [r for r in self.records if r.exc_info]

    async def until(self, text: str) -> None:
        """Wait until a message containing ``text`` was logged (failing after 5 s)."""
        async with asyncio.timeout(5.0):
            while not any(text in m for m in self.messages):
                self._changed.clear()
                await self._changed.wait()


@contextlib.contextmanager
def logged_by(name: str) -> Iterator[Logged]:
    """Collect what logger ``name`` (and its children) log at WARNING and above."""
    handler = Logged()
    logger = logging.getLogger(name)
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
