"""What a channel thinks of a paper: its 👍 and 🔖 counts, as a card shows them on its buttons."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

__all__ = ["NO_COUNTS", "Counts"]


@dataclass(frozen=True, slots=True)
class Counts:
    """Likes and saves of one paper in one channel (counts only: never who)."""

    likes: int = 0
    saves: int = 0

    @property
    def like_label(self) -> str:
        """The 👍 button's label: ``👍`` alone until someone presses it, then ``👍 3``."""
        return f"👍 {self.likes}" if self.likes else "👍"

    @property
    def save_label(self) -> str:
        """The save button's label: ``🔖 Save``, then ``🔖 Save · 2``."""
        return f"🔖 Save · {self.saves}" if self.saves else "🔖 Save"


#: What a card nobody has pressed shows.
NO_COUNTS: Final = Counts()
