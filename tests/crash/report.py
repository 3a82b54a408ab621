"""What the crash harness did and found: kills, runs, and every card lost, doubled or misordered."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from tests.crash.kill_points import KillPoint

__all__ = ["CrashReport", "Key"]

Key = tuple[str, str]  # (digest date, paper id or "header")


@dataclass
class CrashReport:
    """What the harness did and found; ``ok`` when nothing was lost, doubled or misordered."""

    platform: str
    seed: int
    trials: int = 0
    runs: int = 0
    kills: int = 0
    expected: int = 0
    duplicates: int = 0
    losses: int = 0
    misordered: int = 0
    unrecorded: int = 0
    #: Serve children: kills of the delivering process, of the standby, and deliveries that
    #: moved to the survivor (with the longest wait for one, in real seconds).
    holder_kills: int = 0
    standby_kills: int = 0
    takeovers: int = 0
    longest_takeover: float = 0.0
    seconds: float = 0.0
    points: Counter[KillPoint] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Every card once, in order, recorded, and no run misbehaved."""
        bad = self.duplicates + self.losses + self.misordered + self.unrecorded
        return bad == 0 and not self.problems

    def summary(self) -> str:
        """One paragraph for a failing assertion or a benchmark line; names the seed."""
        points = ", ".join(f"{p.value}: {n}" for p, n in sorted(self.points.items()))
        lines = [
            f"{self.platform} crash harness (seed {self.seed}): {self.trials} trials, "
            f"{self.runs} runs, {self.kills} kills ({points}); {self.expected} messages "
            f"expected, {self.duplicates} duplicates, {self.losses} lost, "
            f"{self.misordered} trials out of order, {self.unrecorded} not recorded as sent; "
            f"{self.seconds:.0f} s",
            *self.problems,
        ]
        if self.holder_kills or self.standby_kills:
            lines.insert(1, (
                f"serve: {self.holder_kills} kills of the delivering process, "
                f"{self.standby_kills} of the standby; {self.takeovers} takeovers by the "
                f"survivor (longest {self.longest_takeover:.2f} s)"
            ))  # fmt: skip
        return "\n".join(lines)
