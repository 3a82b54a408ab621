"""``paperbot post FILE [--to TARGET]``: archive a digest and deliver it through the outbox."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bot.console.terminal import echo

from .app import app
from .common import ConfigOption, DbOption, fail, load, open_store, run

if TYPE_CHECKING:
    from bot.app import Target
    from bot.config import Config
    from bot.core.store import Store
    from digest_parser import Digest

__all__ = ["post"]

#: How long ``post`` waits for another process's delivery lease before giving up.
LEASE_PATIENCE = 10.0
#: ``post`` stops waiting for retries this many seconds after it starts; what is left stays
#: planned for the next ``post`` (or the service) to send.
RETRY_PATIENCE = 60.0


@app.command()
def post(
    file: Annotated[Path, typer.Argument(help="A digest Markdown file.")],
    to: Annotated[
        str,
        typer.Option("--to", help="console (default), slack:CHANNEL_ID or discord:CHANNEL_ID."),
    ] = "console",
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be sent; send nothing.")
    ] = False,
    again: Annotated[
        bool, typer.Option("--again", help="Post this digest to this channel a second time.")
    ] = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Deliver a digest: its header card, then one card per paper, in order, exactly once.

    The digest is archived first, so /paper and /section can show its papers. Every message
    is planned in the outbox before anything is sent, so running post again (or after a crash)
    sends only what is missing. Without --to the cards are shown in this terminal, which
    gives no receipt: a card cut off by a kill (or Ctrl-C) may be shown again.
    """
    from bot.app import SetupError, parse_target

    settings = load(config)
    try:
        target = parse_target(to)
    except SetupError as error:
        raise fail(str(error)) from None

    async def main() -> int:
        from bot.core.ingest import ingest_file

        async with open_store(db, settings) as store:
            done = await ingest_file(store, file)
            if done.digest is None or done.result is None:
                echo(done.error or f"{file}: cannot be posted", err=True)
                return 2 if done.digest is None else 1
            if dry_run:
                return await _dry_run(store, done.digest, target.platform, target.channel, again)
            return await _deliver(store, done.digest, target, settings, again=again)

    code = run(main())
    if code:
        raise typer.Exit(code)


async def _dry_run(store: Store, digest: Digest, platform: str, channel: str, again: bool) -> int:
    from bot.core.cards import title_from_preamble
    from bot.core.clock import SystemClock
    from bot.core.outbox import Outbox, RowState

    assert digest.date is not None  # archived digests have dates
    states = (
        {} if again else await Outbox(store, SystemClock()).states(platform, channel, digest.date)
    )
    rows = [("header", f"Hugging Face Daily Papers – {digest.date}")]
    rows += [
        (p.arxiv_id, p.title or title_from_preamble(p.preamble) or "(untitled)")
        for p in digest.papers
    ]
    new = 0
    for paper, title in rows:
        state = states.get(paper)
        new += state is None or state is not RowState.SENT
        echo(f"{'sent   ' if state is RowState.SENT else 'to send'}  {paper:<12} {title}")
    typer.echo(f"dry run: {new} of {len(rows)} messages would be sent to {platform}:{channel}")
    return 0


async def _deliver(
    store: Store, digest: Digest, target: Target, settings: Config, *, again: bool
) -> int:
    from bot.app import SetupError, make_worker, open_poster
    from bot.config import Secrets
    from bot.core.clock import SystemClock
    from bot.core.lease import Lease, LeaseHeld

    assert digest.date is not None  # archived digests have dates
    clock = SystemClock()
    lease = Lease(store, clock)
    try:
        await lease.acquire_or_wait(LEASE_PATIENCE)
    except LeaseHeld as error:
        typer.echo(str(error), err=True)
        return 2
    try:
        try:
            async with open_poster(target, settings, Secrets.from_env()) as poster:
                worker = make_worker(store, {target.platform: poster}, settings, clock)
                if again:
                    await worker.outbox.forget(target.platform, target.channel, digest.date)
                planned = await worker.outbox.plan(
                    target.platform,
                    target.channel,
                    digest.date,
                    [paper.arxiv_id for paper in digest.papers],
                )
                report = await worker.run_until_idle(
                    lease,
                    only={(target.platform, target.channel)},
                    deadline=clock.now() + RETRY_PATIENCE,
                )
        except SetupError as error:
            typer.echo(str(error), err=True)
            return 2
    finally:
        await lease.release()
    total = len(digest.papers) + 1
    if planned == 0 and report.sent == report.reconciled == report.failed == 0:
        typer.echo(
            f"{target}: the {digest.date} digest was delivered before; nothing to send "
            "(--again posts it a second time)",
            err=True,
        )
        return 0
    typer.echo(
        f"{target}: {report.sent} sent, {report.reconciled} found already posted, "
        f"{total - planned} planned before, {report.failed} failed"
        + (f"; paused: {', '.join(report.paused)}" if report.paused else ""),
        err=True,
    )
    if report.waiting:
        typer.echo(
            f"{target}: some messages are still pending after errors; they stay planned and "
            "`paperbot post` again (or `paperbot status`) picks them up",
            err=True,
        )
    return 1 if report.failed or report.paused or report.waiting else 0
