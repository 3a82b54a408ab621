"""What the harness starts and kills: ``paperbot post`` or ``paperbot serve`` children.

``post`` runs to its end: a trial kills it and restarts it until a run finishes. ``serve`` runs
until stopped: a trial keeps one or two of them on the database (issue #17: several serve
processes, one delivering), kills and restarts them, and is over when every card has arrived
and the outbox says so; then the harness stops them with SIGTERM. Either way the kill points,
the counting and the report are the same (:mod:`tests.crash.harness`).

A serve child posts at start: its config subscribes the trial's channel with
``[schedule] post_at_start``, watches a folder holding the digest, and sets the subscription's
daily time twelve hours away, so only the start-up posting plans the digest (no slot is due).
"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Protocol

from tests.crash.database import CrashDatabase
from tests.crash.target import CrashTarget

__all__ = ["ChildCommand", "PostChild", "ServeChild"]


class ChildCommand(Protocol):
    """How the harness starts one kind of child."""

    #: Runs until stopped (serve), rather than to its end (post).
    serving: ClassVar[bool]

    @property
    def processes(self) -> int:
        """How many children run on the database at once."""
        ...

    def argv(self, platform: str, channel: str, config: Path, db: CrashDatabase) -> list[str]:
        """The command line (the database's location only through ``db``)."""
        ...

    def config_toml(self, target: CrashTarget, channel: str) -> str:
        """The child's ``config.toml`` for a trial's channel."""
        ...


@dataclass(frozen=True, slots=True)
class PostChild:
    """``paperbot post DIGEST --to PLATFORM:CHANNEL``: one process, run to its end."""

    digest: Path
    serving: ClassVar[bool] = False

    @property
    def processes(self) -> int:
        return 1

    def argv(self, platform: str, channel: str, config: Path, db: CrashDatabase) -> list[str]:
        target = f"{platform}:{channel}"
        return [
            *(sys.executable, "-m", "bot", "-v", "post", str(self.digest), "--to", target),
            *("--config", str(config), *db.child_args()),
        ]

    def config_toml(self, target: CrashTarget, channel: str) -> str:
        return target.config_toml()


@dataclass(frozen=True, slots=True)
class ServeChild:
    """``paperbot serve``, ``count`` of them on one database, each with a config of its own.

    Args:
        watch: A folder holding the digest (``[sources] watch``).
        count: Serve processes at once: with two, one delivers and one stands by.
        lease_seconds: ``[delivery] lease_seconds``, short so a takeover is quick; None keeps
            paperbot's default (a serve without standby mode waits for the lease instead).
    """

    watch: Path
    count: int = 2
    lease_seconds: float | None = None
    serving: ClassVar[bool] = True

    @property
    def processes(self) -> int:
        return self.count

    def argv(self, platform: str, channel: str, config: Path, db: CrashDatabase) -> list[str]:
        return [sys.executable, "-m", "bot", "-v", "serve", "--config", str(config),
                *db.child_args()]  # fmt: skip

    def config_toml(self, target: CrashTarget, channel: str) -> str:
        lease = "" if self.lease_seconds is None else f"lease_seconds = {self.lease_seconds}\n"
        daily = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=12)).strftime("%H:%M")
        return (
            target.config_toml(serving=True, delivery=lease)
            + "\n[schedule]\npost_at_start = true\nwait_hours = 0\n"
            + f"\n[sources]\nwatch = [{str(self.watch)!r}]\n"
            + "\n[enrichment]\nenabled = false\n"
            + f'\n[[subscriptions]]\nplatform = "{target.platform}"\nchannel = "{channel}"\n'
            + f'time = "{daily}"\ntimezone = "UTC"\n'
        )
