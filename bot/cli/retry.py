"""``paperbot retry``: requeue failed messages and resume paused channels, and say which."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from bot.console.terminal import echo

from .app import app
from .common import (
    ConfigOption,
    DbOption,
    FormatOption,
    OutputFormat,
    fail,
    load,
    open_store,
    print_json,
    run,
)

if TYPE_CHECKING:
    from bot.core.delivery.outbox import Requeued

__all__ = ["retry"]


@app.command()
def retry(
    to: Annotated[
        str | None, typer.Option("--to", help="Only this channel: slack:C… or discord:123….")
    ] = None,
    output: FormatOption = OutputFormat.TABLE,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Requeue failed cards and resume paused channels, after the cause is fixed.

    A running `paperbot serve` sends them at once; otherwise the next `paperbot post` (or
    serve) does, in order. Exit 1 when --to names a channel paperbot never posted to.
    """
    from bot.app import SetupError, parse_target

    settings = load(config)
    platform = channel = None
    if to is not None:
        try:
            target = parse_target(to)
        except SetupError as error:
            raise fail(str(error)) from None
        platform, channel = target.platform, target.channel

    async def main() -> tuple[list[Requeued], list[str] | None, dict[str, str]]:
        from bot.core.clock import SystemClock
        from bot.core.delivery.lease import delivery_holders, describe_owner
        from bot.core.delivery.outbox import Outbox

        clock = SystemClock()
        async with open_store(db, settings) as store:
            outbox = Outbox(store, clock)
            if platform is not None:
                known = await outbox.channels()
                if (platform, channel) not in known:
                    return [], [f"{p}:{c}" for p, c in known], {}
            done = await outbox.requeue(platform, channel)
            holders = await delivery_holders(store, clock)
            return done, None, {p: describe_owner(o) for p, o in holders.items()}

    done, unknown, senders = run(main())
    where = f"{platform}:{channel}" if platform is not None else None
    if unknown is not None:
        if output is OutputFormat.JSON:
            print_json({"error": "unknown channel", "channel": where, "known_channels": unknown})
        known = ", ".join(unknown) if unknown else "none yet"
        raise fail(
            f"{where}: paperbot has never posted to this channel, so there is nothing to retry "
            f"(channels it knows: {known})",
            1,
        )
    if output is OutputFormat.JSON:
        print_json(_as_json(done, senders))
        return
    if not done:
        scope = f" in {where}" if where else ""
        echo(f"nothing to retry{scope}: no failed messages and no paused channel")
        return
    for item in done:
        echo(f"{item.platform}:{item.channel}: {_what(item, senders)}")


def _what(item: Requeued, senders: dict[str, str]) -> str:
    """One channel's line: what was requeued or resumed, and who sends it now."""
    parts = []
    if item.requeued:
        parts.append(f"requeued {item.requeued} failed message{'s' * (item.requeued != 1)}")
    if item.resumed is not None:
        parts.append(f"resumed (it was paused: {item.resumed})")
    sender = senders.get(item.platform)
    then = (
        f"{sender} sends them now"
        if sender
        else "the next `paperbot post` or `paperbot serve` sends them"
    )
    return "; ".join(parts) + f"; {then}"


def _as_json(done: list[Requeued], senders: dict[str, str]) -> dict[str, Any]:
    """``retry --format json`` (the shape is documented in README.md)."""
    return {
        "requeued": sum(item.requeued for item in done),
        "resumed": [f"{i.platform}:{i.channel}" for i in done if i.resumed is not None],
        "channels": [
            {
                "channel": f"{item.platform}:{item.channel}",
                "platform": item.platform,
                "id": item.channel,
                "requeued": item.requeued,
                "resumed": item.resumed is not None,
                "paused_reason": item.resumed,
                "delivered_by": senders.get(item.platform),
            }
            for item in done
        ],
    }
