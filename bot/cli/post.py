"""``paperbot post FILE [--to TARGET]``: archive a digest and deliver it through the outbox."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from bot.console.terminal import TerminalConsole, echo
from bot.platforms import DEFAULT_TARGET

from .app import app
from .common import (
    FLAG,
    ConfigOption,
    DbOption,
    FormatOption,
    OutputFormat,
    fail,
    load,
    one_line_paragraphs,
    open_store,
    print_json,
    run,
)

if TYPE_CHECKING:
    from .post_delivery import PostOutcome

__all__ = ["PostMode", "post"]


class PostMode(enum.StrEnum):
    """``--mode``: a card per paper, or the day as one listing."""

    CARDS = "cards"
    DIGEST = "digest"


def _mode(value: str) -> str:
    """``--mode`` checked, with a message that says why weekly is not one (never echoed)."""
    if value not in {mode.value for mode in PostMode}:
        raise typer.BadParameter(
            "post sends cards or digest; weekly is a subscription setting "
            '(/subscribe mode:weekly, or mode = "weekly" in config.toml)'
        )
    return value


@app.command()
@one_line_paragraphs
def post(
    file: Annotated[Path, typer.Argument(help="A digest Markdown file.")],
    to: Annotated[
        str,
        typer.Option("--to", help="console (default), slack:CHANNEL_ID or discord:CHANNEL_ID."),
    ] = DEFAULT_TARGET,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run",
            metavar=FLAG,
            help="Show what would be sent, the papers in it and why the others are left out; "
            "send nothing.",
        ),
    ] = False,
    again: Annotated[
        bool,
        typer.Option(
            "--again",
            metavar=FLAG,
            help="Post this digest to this channel anew, even if it got it before (in any form).",
        ),
    ] = False,
    no_wait: Annotated[
        bool,
        typer.Option(
            "--no-wait",
            metavar=FLAG,
            help="Return once the messages are planned; a running serve sends them.",
        ),
    ] = False,
    include: Annotated[
        str | None,
        typer.Option(help="Only papers matching any of these terms: '\"강화 학습\",RL'."),
    ] = None,
    exclude: Annotated[
        str | None, typer.Option(help="Leave out papers matching any of these terms.")
    ] = None,
    authors: Annotated[
        str | None, typer.Option(help="Always include papers by these authors.")
    ] = None,
    min_upvotes: Annotated[
        int | None, typer.Option(help="Only papers with at least this many upvotes.")
    ] = None,
    top: Annotated[
        int | None,
        typer.Option(
            help="At most this many papers, by upvotes; papers without upvotes (not enriched "
            "yet) are left out."
        ),
    ] = None,
    mode: Annotated[
        str,
        typer.Option(
            metavar="<cards|digest>",
            callback=_mode,
            help="cards: a header, then one message per paper; digest: one numbered listing.",
        ),
    ] = PostMode.CARDS.value,
    output: FormatOption = OutputFormat.TABLE,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Deliver a digest exactly once: as cards (a header, then one card per paper, in order) or,
    with --mode digest, as one numbered listing.

    The digest is archived first, so /paper and /section can show its papers. Every message
    is planned in the outbox before anything is sent, so running post again (or after a crash)
    sends only what is missing. Exactly once holds per day and channel: once a channel has a
    day's digest, other filters or the other mode post nothing, not even papers it never got;
    --again posts the day anew. Without --to the cards are shown in this terminal, which
    gives no receipt: a card cut off by a kill (or Ctrl-C) may be shown again. While
    `paperbot serve` runs on the same database, it sends the planned messages and post shows
    their progress.

    The filter options choose which papers go (terms as /subscribe takes them; --min-upvotes
    and --top need `paperbot enrich`); --dry-run names the papers that would go and, for
    every paper left out, why.
    """
    from bot.app import SetupError, parse_target
    from bot.core.daily.planner import Routing
    from bot.core.routing.filters import Filters
    from bot.core.routing.terms import FilterError

    settings = load(config)
    try:
        target = parse_target(to)
        filters = Filters.build(
            include=include or (),
            exclude=exclude or (),
            authors=authors or (),
            min_upvotes=min_upvotes,
            top=top,
        )
    except (SetupError, FilterError) as error:
        raise fail(str(error)) from None
    routing = Routing(filters, PostMode(mode).value)
    as_json = output is OutputFormat.JSON

    async def main() -> int:

        from bot.core.archive.ingest import ingest_file
        from bot.core.clock import SystemClock

        from .post_delivery import DeliveryRefused, post_digest
        from .post_dry_run import dry_run as run_dry
        from .progress import progress_view

        async with open_store(db, settings) as store:
            done = await ingest_file(store, file)
            if done.digest is None or done.result is None:
                echo(done.error or f"{file}: cannot be posted", err=True)
                return 2 if done.digest is None else 1
            digest = done.digest
            assert digest.date is not None  # archived digests have dates
            if dry_run:
                return await run_dry(store, digest.date, target, routing, again, as_json)
            clock = SystemClock()
            # the console's own cards are its progress; JSON is for programs
            quiet = as_json or (target.in_terminal and not no_wait)
            view = progress_view(str(target), clock, quiet=quiet)
            try:
                outcome = await post_digest(
                    store,
                    clock,
                    settings,
                    target,
                    digest.date,
                    routing,
                    again=again,
                    wait=not no_wait,
                    view=view,
                    console=TerminalConsole(stderr=True) if as_json else None,
                )
            except DeliveryRefused as error:
                echo(str(error), err=True)
                return 2
            finally:
                view.close()
        if as_json:
            print_json({"digest": digest.date, "channels": [_outcome_json(outcome)]})
        else:
            _print_outcome(outcome)
        return _exit_code(outcome)

    code = run(main())
    if code:
        raise typer.Exit(code)


def _papers(count: int) -> str:
    return f"{count} paper{'s' if count != 1 else ''}"


def _exit_code(outcome: PostOutcome) -> int:
    """0 when every message is confirmed (or planned, with --no-wait); 1 when some are not.

    A digest delivered before with a failed card is not delivered: 1, until `paperbot retry`.
    """
    progress = outcome.progress
    if not outcome.waited:
        return 0
    return 1 if progress.failed or progress.pending else 0


def _outcome_json(outcome: PostOutcome) -> dict[str, Any]:
    """One channel of ``post --format json`` (the shape is documented in README.md)."""
    progress, target = outcome.progress, outcome.target
    return {
        "channel": f"{target.platform}:{target.channel}",  # console:console too
        "platform": target.platform,
        "id": target.channel,
        "messages": progress.total,
        "planned": outcome.planned,
        "sent": progress.sent,
        "failed": progress.failed,
        "pending": progress.pending,
        "paused": progress.paused,
        "waiting": progress.why(),
        "delivered_by": outcome.delivered_by,
        "delivered_before": _delivered_before(outcome),
        "left_out": outcome.left_out,
        "failures": [{"paper": paper, "reason": reason} for paper, reason in progress.failures],
    }


def _delivered_before(outcome: PostOutcome) -> str | None:
    """``same``: nothing to send, it went out before; ``different``: held back (--again)."""
    if outcome.held is not None:
        return "different"
    return "same" if outcome.nothing_to_send else None


def _print_outcome(outcome: PostOutcome) -> None:
    """The summary on stderr: what was sent, by whom, and what is left and why."""
    from .post_delivery import SELF

    target, progress, report = outcome.target, outcome.progress, outcome.report

    def say(text: str) -> None:
        echo(f"{target}: {text}", err=True)

    if outcome.held is not None:
        say(
            f"the {progress.digest_date} digest was {outcome.held}; nothing is planned for other "
            "filters or another mode: --again posts it anew"
        )
        return
    if outcome.nothing_matched:
        say(
            f"no paper of the {progress.digest_date} digest passes the filters "
            f"({outcome.left_out} left out; --dry-run shows why): nothing to send"
        )
        return
    if outcome.left_out:
        say(f"{_papers(outcome.left_out)} left out by the filters (--dry-run shows why)")
    if outcome.nothing_to_send:
        failed = progress.failed
        note = f" ({failed} failed: `paperbot retry` requeues them)" if failed else ""
        say(
            f"the {progress.digest_date} digest was delivered before{note}; nothing to send "
            "(--again posts it a second time)"
        )
        return
    if not outcome.waited:
        deliverer = (
            f"{outcome.delivered_by} sends them"
            if outcome.delivered_by
            else f"no paperbot process delivers to {target.platform} now: they go out at the next "
            "`paperbot serve` or `paperbot post`"
        )
        say(f"{outcome.planned} new messages planned, {progress.pending} to send; {deliverer}")
        return
    if report is not None:
        planned_before = progress.total - outcome.planned
        say(
            f"{report.sent} sent, {report.reconciled} found already posted, "
            f"{planned_before} planned before, {report.failed} failed"
        )
    else:
        where = " (the cards are in its terminal)" if target.in_terminal else ""
        say(f"{progress.sent} of {progress.total} messages sent by {outcome.delivered_by}{where}")
    for paper, reason in progress.failures:
        say(f"failed: {paper}: {reason}")
    if progress.paused is not None:
        say(f"paused: {progress.paused}; fix it, then `paperbot retry`")
    elif progress.pending:
        sender = (
            "the next `paperbot post` sends them"
            if outcome.delivered_by == SELF
            else f"{outcome.delivered_by} (or the next `paperbot post`) sends them"
        )
        why = progress.why()
        say(
            f"{progress.pending} messages still pending" + (f" ({why})" if why else "")
            + f"; they stay planned, and {sender} (`paperbot status` shows them)"
        )  # fmt: skip
