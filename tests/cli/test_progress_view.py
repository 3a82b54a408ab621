"""What ``paperbot post`` shows while a delivery runs: lines when piped, a bar on a terminal."""

from __future__ import annotations

import io
import logging
import sys

from rich.console import Console

from bot.cli.progress import LINE_SECONDS, BarView, LineView
from bot.core.delivery.outbox import RATE_LIMITED, OutboxRow, RowState
from bot.core.delivery.progress import DeliveryProgress
from tests.fakes.clock import FakeClock

SERVE = "paperbot serve (pid 7)"


def progress(sent: int, *, error: str | None = None, wait: float = 0.0) -> DeliveryProgress:
    """Nine messages for slack:C1, ``sent`` of them sent, the next one waiting ``wait`` s."""
    head = OutboxRow(
        id=sent + 1, platform="slack", channel="C1", digest_date="2026-01-05",
        paper=f"2601.0000{sent}", position=sent, sections="", in_thread=False,
        state=RowState.PENDING, attempts=1 if error else 0, not_before=0.0, attempted_at=None,
        last_error=error, message_id=None, thread_id=None,
    )  # fmt: skip
    return DeliveryProgress(
        platform="slack", channel="C1", digest_date="2026-01-05", total=9, sent=sent,
        failed=0, pending=9 - sent, paused=None, failures=(), head=head if sent < 9 else None,
        wait=wait,
    )  # fmt: skip


def test_lines_come_every_few_seconds_and_when_the_reason_changes() -> None:
    clock, out = FakeClock(), io.StringIO()
    view = LineView("slack:C1", clock, out)
    view.show(progress(0), SERVE)
    clock.advance(1)
    view.show(progress(1), SERVE)  # a second later, nothing new to say: no line
    limited = f"{RATE_LIMITED}: posting 2601.00001 to C1: ratelimited"
    view.show(progress(1, error=limited, wait=12), SERVE)  # the reason changed: at once
    clock.advance(1)
    view.show(progress(1, error=limited, wait=11), SERVE)  # only the countdown moved
    clock.advance(LINE_SECONDS)
    view.show(progress(4), SERVE)
    view.show(progress(9), SERVE)  # finished: the command's summary says so
    assert out.getvalue().splitlines() == [
        "slack:C1: 0 of 9 sent by paperbot serve (pid 7)",
        "slack:C1: 1 of 9 sent by paperbot serve (pid 7); "
        "rate limited by the platform: waiting 12 s (Retry-After)",
        "slack:C1: 4 of 9 sent by paperbot serve (pid 7)",
    ]


def test_the_bar_says_why_the_next_message_waits() -> None:
    out = io.StringIO()
    view = BarView("slack:C1", Console(file=out, force_terminal=True, width=150))
    view.show(progress(3, error="posting 2601.00003 to C1: HTTP 503", wait=4), "this process")
    view.close()
    shown = out.getvalue()
    assert "slack:C1" in shown and "3/9" in shown
    assert "retry 2 in 4 s after an error: posting 2601.00003 to C1: HTTP 503" in shown


def test_log_lines_print_above_the_bar() -> None:
    out = io.StringIO()
    handler = logging.StreamHandler(sys.stderr)  # as logging.basicConfig sets one up
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        view = BarView("slack:C1", Console(file=out, force_terminal=True, width=150))
        logging.getLogger("bot.core.delivery.worker").warning(
            "slack:C1 header: HTTP 503; retrying in 4 s"
        )
        view.close()
        assert handler.stream is sys.stderr  # given back
    finally:
        root.removeHandler(handler)
    assert "HTTP 503; retrying in 4 s" in out.getvalue()
