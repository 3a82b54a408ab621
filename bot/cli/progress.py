"""What ``paperbot post`` shows while a delivery runs: a progress bar, or a line now and then.

Nine Slack messages take nine seconds at Slack's pace, and an unreachable API a minute of
back-off: without this the command sits silent. On a terminal it is a rich progress bar whose
text says why the next message waits; piped or logged, one line every few seconds (and when
that reason changes), so a log shows progress without drowning in it.
"""

from __future__ import annotations

import logging
import sys
from typing import Protocol, TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Column

from bot.console.terminal import TerminalConsole, strip_controls
from bot.core.clock import Clock
from bot.core.delivery.progress import DeliveryProgress

__all__ = ["LINE_SECONDS", "BarView", "LineView", "ProgressView", "QuietView", "progress_view"]

#: Without a terminal, a progress line at most this often (seconds), unless the reason changes.
LINE_SECONDS = 5.0


class ProgressView(Protocol):
    """Shows a delivery as it goes."""

    def show(self, progress: DeliveryProgress, who: str) -> None:
        """The delivery as it stands; ``who`` is sending (``this process``, ``paperbot serve…``)."""
        ...

    def close(self) -> None:
        """The delivery is over (or no longer waited for)."""
        ...


def _summary(progress: DeliveryProgress, who: str) -> str:
    text = f"{progress.sent} of {progress.total} sent by {who}"
    if progress.failed:
        text += f", {progress.failed} failed"
    why = progress.why()
    return text + (f"; {why}" if why else "")


class QuietView:
    """Shows nothing: the console channel's own cards are the progress, JSON is for programs."""

    def show(self, progress: DeliveryProgress, who: str) -> None:
        """Nothing."""

    def close(self) -> None:
        """Nothing."""


class LineView:
    """One line on stderr every :data:`LINE_SECONDS`, or sooner when the reason changes."""

    def __init__(self, label: str, clock: Clock, stream: TextIO | None = None) -> None:
        self._label = label
        self._clock = clock
        self._stream = stream
        self._last: tuple[float, object] | None = None

    def show(self, progress: DeliveryProgress, who: str) -> None:
        """Print a line if it is time, or the reason for waiting changed."""
        if progress.finished:
            return  # the command's summary says how it ended
        now, head = self._clock.now(), progress.head
        # what the reason is about, not its countdown: "waiting 12 s" must not print each second
        reason = (progress.paused, head and head.last_error, head and head.state, progress.wait > 0)
        if self._last is not None:
            when, before = self._last
            if before == reason and now - when < LINE_SECONDS:
                return
        self._last = (now, reason)
        stream = self._stream or sys.stderr
        stream.write(strip_controls(f"{self._label}: {_summary(progress, who)}") + "\n")
        stream.flush()

    def close(self) -> None:
        """Nothing to clean up."""


class BarView:
    """A rich progress bar on stderr, its text saying who sends and why a message waits.

    Log lines (the worker's warnings) are printed above the bar rather than through it: rich
    redirects ``sys.stderr`` while the bar shows, and the logging handlers that wrote to the
    real one are pointed at the redirection until :meth:`close`.
    """

    def __init__(self, label: str, console: Console) -> None:
        # the label, the bar and the counts keep their width; a long reason is cut, not them
        self._progress = Progress(
            TextColumn("{task.description}", table_column=Column(min_width=len(label))),
            BarColumn(bar_width=24),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn(
                "{task.fields[why]}",
                markup=False,
                table_column=Column(ratio=1, no_wrap=True, overflow="ellipsis"),
            ),
            console=console,
            transient=True,
            expand=True,
        )
        self._task = self._progress.add_task(label, total=None, why="")
        stderr = sys.stderr
        self._progress.start()
        self._moved: list[tuple[logging.StreamHandler[TextIO], TextIO]] = []
        if sys.stderr is not stderr:  # rich redirected it, to print above the bar
            for handler in logging.getLogger().handlers:
                if isinstance(handler, logging.StreamHandler) and handler.stream is stderr:
                    self._moved.append((handler, stderr))
                    handler.setStream(sys.stderr)

    def show(self, progress: DeliveryProgress, who: str) -> None:
        """Move the bar and rewrite its text."""
        why = progress.why() or f"sending ({who})"
        self._progress.update(
            self._task, total=progress.total, completed=progress.sent + progress.failed, why=why
        )

    def close(self) -> None:
        """Take the bar off the screen (the command prints its summary)."""
        for handler, stream in self._moved:
            handler.setStream(stream)
        self._progress.stop()


def progress_view(label: str, clock: Clock, *, quiet: bool) -> ProgressView:
    """The right view for where stderr goes: a bar on a terminal, lines otherwise."""
    if quiet:
        return QuietView()
    console = TerminalConsole(stderr=True)
    if console.is_terminal:
        return BarView(label, console)
    return LineView(label, clock)
