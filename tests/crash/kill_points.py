"""Where the crash harness kills ``paperbot post``, and which kills leave work to reconcile."""

from __future__ import annotations

from enum import StrEnum
from typing import Final

__all__ = ["LEAVES_SENDING", "KillPoint"]


class KillPoint(StrEnum):
    """Where a SIGKILL lands."""

    STORED_UNANSWERED = "stored, answer held back"
    BEFORE_STORE = "received, not yet stored"
    ANSWERED = "answered, maybe not recorded"
    RECONCILING = "reconciling after a restart"
    RANDOM = "random moment"


#: After these the outbox holds a ``sending`` row, so the next run must reconcile.
LEAVES_SENDING: Final = frozenset({KillPoint.STORED_UNANSWERED, KillPoint.BEFORE_STORE})
