"""The words of ``/subscribe preview``: which papers a channel would get, and why not the rest.

The plan comes from :class:`~bot.core.daily.planner.Planner`, the same one the scheduler posts
from, so a preview promises exactly what is sent. Here it becomes one message that fits the
platform (:class:`Voice`): the chosen papers first, then every paper left out with its reason;
when that is too long, the last lines give way to a count by reason ("and 30 more left out:
25 matches none of the include terms, 5 below 5 upvotes").

Paper titles are digest text, so every title goes through the platform's ``literal`` escape.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from bot.core.cards.text import cut

if TYPE_CHECKING:
    from bot.core.archive.records import PaperEntry
    from bot.core.daily.planner import DayPlan

__all__ = ["PLAIN", "Voice", "preview_text", "reason_kind"]

#: Characters of a title shown in a preview line.
TITLE_MAX: Final = 70
#: Lines of each list kept before the other list gives way.
_KEEP: Final = 5
_DETAIL: Final = re.compile(r" \([^()]*\)$")


@dataclass(frozen=True, slots=True)
class Voice:
    """How one platform takes a plain-text reply.

    Attributes:
        literal: Escapes untrusted text (titles, filter terms) so it shows as typed and pings
            no one (``escape_slack``, ``neutralise_discord``).
        limit: The longest reply, in ``length`` units.
        length: How the platform counts characters (``len``, UTF-16 code units).
    """

    literal: Callable[[str], str] = str
    limit: int = 4000
    length: Callable[[str], int] = len


PLAIN: Final = Voice()


def reason_kind(reason: str) -> str:
    """A reason without its detail: ``below 5 upvotes (3 upvotes)`` → ``below 5 upvotes``."""
    return _DETAIL.sub("", reason)


def _title(entry: PaperEntry | None, voice: Voice) -> str:
    if entry is None:
        return ""
    title = entry.paper.title or (entry.meta.title if entry.meta is not None else None) or ""
    title = " ".join(title.split())
    return f" · {voice.literal(cut(title, TITLE_MAX).text)}" if title else ""


def _upvotes(entry: PaperEntry) -> str:
    upvotes = entry.meta.upvotes if entry.meta is not None else None
    return "" if upvotes is None else f" · {upvotes} upvote{'s' if upvotes != 1 else ''}"


def preview_text(
    plan: DayPlan,
    entries: Sequence[PaperEntry],
    *,
    head: str,
    period: str,
    foot: str,
    empty_note: bool,
    voice: Voice = PLAIN,
) -> str:
    """The preview of ``plan`` in one message of at most ``voice.limit``.

    Args:
        plan: What the channel would get.
        entries: The period's papers (for the titles of those left out).
        head: The first line (which channel, which settings), already escaped.
        period: ``the digest of 2026-01-06`` or ``the week 2026-01-01 to 2026-01-07``.
        foot: The last line (how to save or change the settings).
        empty_note: Whether an empty day gets a one-line note.
        voice: The platform's escape and limit.
    """
    by_key = {(e.date, e.paper.arxiv_id): e for e in entries}
    selection = plan.selection
    total = len(selection.chosen) + len(selection.left_out)
    chosen = list(
        selection.ranked() if plan.pages and plan.pages[0].kind == "weekly" else selection.chosen
    )
    if chosen:
        how = (
            f"as {len(plan.pages)} listing message{'s' if len(plan.pages) != 1 else ''}"
            if plan.pages
            else "as a header and a card each"
        )
        summary = f"From {period}, {len(chosen)} of {total} papers would be posted, {how}:"
    else:
        then = (
            "a one-line note that nothing matched is posted (empty:note)"
            if empty_note
            else "nothing is posted that day (empty:silent)"
        )
        summary = f"From {period}, none of the {total} papers would be posted: {then}."
    chosen_lines = [
        f"{n}. {e.paper.arxiv_id}{_title(e, voice)}{_upvotes(e)}"
        + (" · followed author" if (e.date, e.paper.arxiv_id) in selection.followed else "")
        for n, e in enumerate(chosen, start=1)
    ]
    left = list(selection.left_out)
    left_lines = [
        f"• {out.arxiv_id}{_title(by_key.get((out.date, out.arxiv_id)), voice)} — "
        f"{voice.literal(out.reason)}"
        for out in left
    ]
    reasons = [reason_kind(out.reason) for out in left]

    def text(shown_chosen: int, shown_left: int) -> str:
        lines = [head, summary, *chosen_lines[:shown_chosen]]
        if shown_chosen < len(chosen_lines):
            lines.append(f"…and {len(chosen_lines) - shown_chosen} more")
        if left_lines:
            lines.append(f"Left out ({len(left_lines)}):")
            lines.extend(left_lines[:shown_left])
            if shown_left < len(left_lines):
                counts = Counter(reasons[shown_left:])
                why = ", ".join(f"{count} {voice.literal(kind)}" for kind, count in counts.items())
                more = len(left_lines) - shown_left
                lines.append(f"…and {more} more left out: {why}")
        lines.append(foot)
        return "\n".join(lines)

    shown_chosen, shown_left = len(chosen_lines), len(left_lines)
    found = text(shown_chosen, shown_left)
    while voice.length(found) > voice.limit and (shown_chosen or shown_left):
        if shown_left > _KEEP or (shown_left and shown_chosen <= _KEEP):
            shown_left -= 1
        else:
            shown_chosen -= 1
        found = text(shown_chosen, shown_left)
    return cut(found, voice.limit, length=voice.length).text
