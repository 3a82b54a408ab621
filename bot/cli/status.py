"""``paperbot status``: what the outbox delivered, and when each subscription posts next."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

from bot.console.terminal import TerminalConsole
from bot.core.delivery.recipients import loggable

from .app import app
from .common import (
    ConfigOption,
    DbOption,
    FormatOption,
    OutputFormat,
    load,
    open_store,
    print_json,
    run,
)

if TYPE_CHECKING:
    from bot.core.daily.schedule import ScheduleStatus
    from bot.core.delivery.outbox import ChannelStatus
    from bot.core.enrichment.repositories import DayEnrichment

__all__ = ["status"]


@app.command()
def status(
    output: FormatOption = OutputFormat.TABLE,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Per channel: the last digest delivered, cards pending, failures with reasons, pauses.

    "filtered out" counts the papers of a channel's newest filtered digest that its filters
    left out on purpose (`paperbot post --dry-run` and `/subscribe preview` say why).
    """
    from bot.core.clock import SystemClock
    from bot.core.delivery.outbox import Outbox

    settings = load(config)

    async def main() -> tuple[list[ChannelStatus], list[ScheduleStatus], list[DayEnrichment]]:
        from bot.core.daily.schedule import Scheduler
        from bot.core.daily.subscriptions import Subscriptions

        clock = SystemClock()
        async with open_store(db, settings, existing=True) as store:
            outbox = list(await Outbox(store, clock).status())

            async def nothing(*_: object) -> None:
                return None

            scheduler = Scheduler(store, Subscriptions(store, clock), clock, nothing)
            return outbox, list(await scheduler.status()), await store.metadata.days()

    channels, schedule, digests = run(main())
    if output is OutputFormat.JSON:
        print_json({"channels": channels, "subscriptions": schedule, "digests": digests})
        return
    console = TerminalConsole()
    _print_schedule(console, schedule)
    _print_enrichment(console, digests)
    if not channels:
        console.print("Nothing has been delivered yet: try [bold]paperbot post FILE[/bold].")
        return
    table = Table(title="deliveries")
    for column in ("channel", "last delivered", "pending", "failed", "filtered out", "paused"):
        table.add_column(column, no_wrap=column == "channel")  # ids are never cut
    for item in channels:
        table.add_row(
            f"{item.platform}:{loggable(item.channel)}",  # a DM: its user by tag only
            item.last_delivered or "—",
            str(item.pending + item.sending),
            str(len(item.failed)),
            f"{item.filtered} of {item.filtered_date}" if item.filtered else "—",
            item.paused or "",
        )
    console.print(table)
    for item in channels:
        for day, paper, reason in item.failed:
            where = f"{item.platform}:{loggable(item.channel)}"
            console.print(f"failed: {where} {day} {paper}: {reason}", markup=False)


def _print_schedule(console: Console, schedule: list[ScheduleStatus]) -> None:
    """Subscriptions: when each posts next, and what its latest slot did."""
    if not schedule:
        return
    table = Table(title="subscriptions")
    for column in ("channel", "time", "next run", "latest slot"):
        table.add_column(column, no_wrap=column == "channel")  # ids are never cut
    for item in schedule:
        sub, last = item.subscription, item.last
        latest = "—"
        if last is not None:
            latest = f"{last.local_date} {last.state}"
            if last.reason:
                latest += f": {last.reason}"
        table.add_row(
            f"{sub.platform}:{sub.channel}" + (" (paused)" if sub.paused else ""),
            f"{sub.local_time:%H:%M} {sub.zone}",
            f"{item.next_run:%Y-%m-%d %H:%M %Z}" if item.next_run else "—",
            latest,
        )
    console.print(table)


#: Digests listed in the table; older ones are in ``--format json``.
DIGESTS_SHOWN = 7


def _print_enrichment(console: Console, digests: list[DayEnrichment]) -> None:
    """The newest digests: how many papers have Hugging Face's metadata, fetched when."""
    if not digests:
        return
    table = Table(title="enrichment (newest digests; `paperbot enrich` fetches)")
    for column in ("digest", "papers enriched", "fetched"):
        table.add_column(column)
    for day in digests[:DIGESTS_SHOWN]:
        fetched = f"{day.fetched_at:%Y-%m-%d %H:%M UTC}" if day.fetched_at else "—"
        table.add_row(str(day.date), f"{day.enriched} of {day.papers}", fetched)
    console.print(table)
