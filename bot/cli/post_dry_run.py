"""``paperbot post --dry-run``: what post would send, the papers in it, and why not the others.

The CLI twin of ``/subscribe preview``: the plan comes from the same
:class:`~bot.core.daily.planner.Planner` the scheduler and ``post`` plan from, so the dry run
promises what is sent. It names every paper chosen (in digest mode, with the listing page it
is on) and every paper left out, with its title and reason, then counts them by reason; when
papers are left out only because Hugging Face's numbers were never fetched, it says to run
``paperbot enrich``. Nothing is planned or sent.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Literal

from bot.console.terminal import echo

from .common import print_json

if TYPE_CHECKING:
    from bot.app import Target
    from bot.core.archive.records import PaperEntry
    from bot.core.daily.planner import DayPlan, Routing
    from bot.core.delivery.outbox import RowState
    from bot.storage.protocol import Storage

__all__ = ["dry_run"]

#: Characters of a title on one line of the text output (JSON has it whole).
TITLE_MAX: Final = 70
#: ``state`` of a row: sent before, would be sent now, or held back (the day went out in
#: another form and ``--again`` was not given).
State = Literal["sent", "to send", "held"]
#: The width of the state column: the longest label, "left out".
_STATE: Final = 8
#: The width of the paper column: an arXiv id, ``header``, ``listing-N``.
_PAPER: Final = 12


@dataclass(frozen=True, slots=True)
class _Row:
    """One message post would plan."""

    paper: str  # the arXiv id, ``header`` or ``listing-N``
    title: str
    state: State


@dataclass(frozen=True, slots=True)
class _Paper:
    """A paper of the digest: chosen (numbered, on a listing page or not) or left out."""

    arxiv_id: str
    title: str
    upvotes: int | None
    number: int = 0  # its place among the chosen; 0 when left out
    page: int | None = None  # the listing page it is on (digest mode)
    kind: str = ""  # why it is left out, for programs
    reason: str = ""  # why it is left out, in words

    def upvotes_text(self) -> str:
        """`` · 12 upvotes``, or nothing when unknown."""
        n = self.upvotes
        return "" if n is None else f" · {n} upvote{'s' if n != 1 else ''}"


async def dry_run(
    store: Storage, day: dt.date, target: Target, routing: Routing, again: bool, as_json: bool
) -> int:
    """Show what ``post`` would send to ``target``; plan nothing. Returns the exit code (0)."""
    from bot.core.clock import SystemClock
    from bot.core.daily.planner import Planner
    from bot.core.delivery.outbox import Outbox
    from bot.platforms import listing_fits

    from .post_delivery import held_back

    platform, channel = target.platform, target.channel
    outbox = Outbox(store, SystemClock())
    planner = Planner(store, outbox, listing_fits)
    plan = await planner.day(platform, channel, day, routing)
    entries = {e.paper.arxiv_id: e for e in (await planner.corpus(day, day)).entries}
    held = None if again else await held_back(outbox, target, day, plan)
    states = {} if again else await outbox.states(platform, channel, day)
    rows = _rows(plan, day, entries, states, held is not None)
    chosen = _chosen(plan, entries)
    left = _left(plan, entries)
    before = "different" if held else "same" if states else None
    if as_json:
        _print_json(day, target, routing, rows, chosen, left, plan, before)
    else:
        _print_text(day, target, rows, chosen, left, held)
    return 0


def _rows(
    plan: DayPlan | None,
    day: dt.date,
    entries: dict[str, PaperEntry],
    states: dict[str, RowState],
    held: bool,
) -> list[_Row]:
    from bot.core.cards.card import DIGEST_NAME
    from bot.core.delivery.outbox import HEADER, RowState

    def title(paper: str) -> str:
        if paper == HEADER:
            return f"{DIGEST_NAME} – {day}"
        if paper in entries:
            return _title(entries[paper])
        return f"{DIGEST_NAME} – {day}, listing page {paper.rpartition('-')[2]}"

    def state(paper: str) -> State:
        return "sent" if states.get(paper) is RowState.SENT else "held" if held else "to send"

    return (
        [_Row(row.paper, title(row.paper), state(row.paper)) for row in plan.rows] if plan else []
    )


def _chosen(plan: DayPlan | None, entries: dict[str, PaperEntry]) -> list[_Paper]:
    """The chosen papers in the order they are posted, numbered, with their listing page."""
    if plan is None:
        return []
    pages = {arxiv_id: page.page for page in plan.pages for _, arxiv_id in page.papers}
    order = [arxiv_id for page in plan.pages for _, arxiv_id in page.papers] or [
        entry.paper.arxiv_id for entry in plan.selection.chosen
    ]
    return [
        _Paper(paper, _title(entries[paper]), _upvotes(entries[paper]), n, pages.get(paper))
        for n, paper in enumerate(order, start=1)
    ]


def _left(plan: DayPlan | None, entries: dict[str, PaperEntry]) -> list[_Paper]:
    """The papers left out, in digest order, with the reason."""
    if plan is None:
        return []
    found: list[_Paper] = []
    for out in plan.selection.left_out:
        entry = entries.get(out.arxiv_id)
        title = _title(entry) if entry is not None else ""
        upvotes = _upvotes(entry) if entry is not None else None
        found.append(_Paper(out.arxiv_id, title, upvotes, kind=out.kind, reason=out.reason))
    return found


def _title(entry: PaperEntry) -> str:
    """The paper's title as the digest gives it (else Hugging Face's), on one line."""
    from bot.core.cards.card import title_from_preamble

    paper, meta = entry.paper, entry.meta
    title = paper.title or title_from_preamble(paper.preamble)
    title = title or (meta.title if meta is not None else None) or "(untitled)"
    return " ".join(title.split())


def _upvotes(entry: PaperEntry) -> int | None:
    return entry.meta.upvotes if entry.meta is not None else None


def _short(title: str) -> str:
    return title if len(title) <= TITLE_MAX else title[: TITLE_MAX - 1].rstrip() + "…"


def _count(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' if count != 1 else ''}"


def _line(state: str, paper: str, text: str) -> str:
    return f"{state:<{_STATE}}  {paper:<{_PAPER}} {text}".rstrip()


def _print_text(
    day: dt.date,
    target: Target,
    rows: list[_Row],
    chosen: list[_Paper],
    left: list[_Paper],
    held: str | None,
) -> None:
    """The dry run for people: rows, the papers in them, the papers left out, a summary."""
    from bot.core.answers.subscription_preview import reason_kind
    from bot.core.delivery.outbox import LISTING

    by_id = {paper.arxiv_id: paper for paper in chosen}
    for row in rows:
        paper = by_id.get(row.paper)
        if paper is not None:  # a card: the paper itself
            echo(_line(row.state, row.paper, f"{paper.number}. {_short(row.title)}"
                       f"{paper.upvotes_text()}"))  # fmt: skip
            continue
        echo(_line(row.state, row.paper, row.title))  # the header, or a listing page
        for on in (p for p in chosen if f"{LISTING}{p.page}" == row.paper):
            echo(_line("", on.arxiv_id, f"{on.number}. {_short(on.title)}{on.upvotes_text()}"))
    for out in left:
        title = f"{_short(out.title)} — " if out.title else ""
        echo(_line("left out", out.arxiv_id, f"{title}{out.reason}"))
    if left:
        counts = Counter(reason_kind(out.reason) for out in left)
        echo("left out by reason: " + ", ".join(f"{n} {why}" for why, n in counts.most_common()))
    where = f"{target.platform}:{target.channel}"
    new = sum(row.state == "to send" for row in rows)
    if held is not None:
        how = f": the {day} digest was {held}; --again posts it anew"
    elif left:
        how = f" ({_count(len(chosen), 'paper')}; {len(left)} left out by the filters)"
    else:
        how = ""
    echo(f"dry run: {new} of {len(rows)} messages would be sent to {where}{how}")
    unknown = sum(out.kind == "upvotes_unknown" for out in left)
    if unknown:
        have = "has" if unknown == 1 else "have"
        echo(
            f"{_count(unknown, 'paper')} {have} no Hugging Face data yet: run "
            f"`paperbot enrich --date {day}` first"
        )


def _print_json(
    day: dt.date,
    target: Target,
    routing: Routing,
    rows: list[_Row],
    chosen: list[_Paper],
    left: list[_Paper],
    plan: DayPlan | None,
    before: str | None,
) -> None:
    """The dry run for programs (the shape is documented in README.md)."""
    filters = routing.filters
    channel: dict[str, Any] = {
        "channel": f"{target.platform}:{target.channel}",
        "platform": target.platform,
        "id": target.channel,
        "mode": routing.mode,
        "filters": {
            "include": [term.text for term in filters.include],
            "exclude": [term.text for term in filters.exclude],
            "authors": [term.text for term in filters.authors],
            "min_upvotes": filters.min_upvotes,
            "top": filters.top,
            "mode": routing.mode,
        },
        "filters_text": filters.parts(),
        "messages": len(rows),
        "to_send": sum(row.state == "to send" for row in rows),
        "papers": plan.papers if plan else 0,
        "delivered_before": before,
        "rows": [{"paper": r.paper, "title": r.title, "state": r.state} for r in rows],
        "chosen": [
            {
                "number": p.number,
                "paper": p.arxiv_id,
                "title": p.title,
                "upvotes": p.upvotes,
                "page": p.page,
            }
            for p in chosen
        ],
        "left_out": [
            {
                "paper": p.arxiv_id,
                "title": p.title,
                "upvotes": p.upvotes,
                "kind": p.kind,
                "reason": p.reason,
            }
            for p in left
        ],
    }
    print_json({"digest": day, "dry_run": True, "channels": [channel]})
