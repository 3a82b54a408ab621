"""Text for a terminal: digest text is untrusted, and a terminal obeys control sequences.

A summary carrying ``ESC [2J`` clears the screen, ``ESC ]8`` draws a link to anywhere,
``ESC ]0`` retitles the window, ``BEL`` rings, and U+009B (the C1 form of ``ESC [``) does the
same on terminals that read C1 controls. So everything paperbot shows in a terminal leaves by
one of three doors, each applying :func:`strip_controls`:

* :class:`TerminalConsole`: every rich renderable (cards, tables, answers), segment by segment,
  after layout (controls are zero-width to rich, so stripping them moves no border);
* :func:`echo`: plain lines (``parse`` warnings, ``post --dry-run``, errors);
* :class:`TerminalFormatter`: log lines.

JSON keeps the text exact instead: :func:`json_dumps` writes every control as a ``\\u`` escape
(``json.dumps`` escapes C0 but writes DEL and C1 raw when ``ensure_ascii`` is off).

Rich markup is the other injection (``[link=…]`` in a title would become a link): untrusted
text is handed to rich as :class:`~rich.text.Text`, never as a markup string, and the console
renders plain strings without emoji codes.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable
from typing import Any, Final

from rich.console import Console, ConsoleOptions, RenderableType
from rich.segment import Segment

__all__ = ["TerminalConsole", "TerminalFormatter", "echo", "json_dumps", "strip_controls"]

#: C0 controls except tab and newline, DEL, and the C1 controls (U+0080 to U+009F).
_CONTROLS: Final = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
#: What ``json.dumps(ensure_ascii=False)`` leaves raw: DEL and C1 (it escapes C0 itself).
_RAW_IN_JSON: Final = re.compile(r"[\x7f-\x9f]")


def strip_controls(text: str) -> str:
    """``text`` without C0/C1 control characters, newline and tab kept.

    Removing the introducer disarms the whole sequence: what is left (``[2J``, ``]0;title``)
    is printed as the harmless text it then is.
    """
    return _CONTROLS.sub("", text)


class TerminalConsole(Console):
    """A rich :class:`~rich.console.Console` that never emits a control character of the text.

    Styles, links and cursor moves are rich's own (``Segment.control`` or the style), so they
    still work; only characters inside the rendered text are stripped.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("emoji", False)  # ":warning:" in a summary stays text
        super().__init__(**kwargs)

    def render(
        self, renderable: RenderableType, options: ConsoleOptions | None = None
    ) -> Iterable[Segment]:
        """Rich's rendering, with control characters stripped from the text of each segment."""
        for segment in super().render(renderable, options):
            if segment.control or not _CONTROLS.search(segment.text):
                yield segment
            else:
                yield Segment(strip_controls(segment.text), segment.style)


def echo(message: str, *, err: bool = False) -> None:
    """Print a plain line to stdout (or stderr), its control characters stripped."""
    print(strip_controls(message), file=sys.stderr if err else sys.stdout)


class TerminalFormatter(logging.Formatter):
    """A log formatter whose lines carry no control characters (tracebacks keep newlines)."""

    def format(self, record: logging.LogRecord) -> str:
        """The standard line, stripped."""
        return strip_controls(super().format(record))


def json_dumps(value: Any) -> str:
    """Indented UTF-8 JSON in which every control character is a ``\\uXXXX`` escape."""
    text = json.dumps(value, ensure_ascii=False, indent=2)
    return _RAW_IN_JSON.sub(lambda m: f"\\u{ord(m[0]):04x}", text)
