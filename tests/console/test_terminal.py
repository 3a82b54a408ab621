"""The terminal's doors: rich output, plain lines, log lines and JSON carry no control."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import re
from pathlib import Path

from rich.table import Table
from rich.text import Text

from bot.console.poster import ConsolePoster
from bot.console.render import SummaryMarkdown, render_card
from bot.console.terminal import TerminalConsole, TerminalFormatter, json_dumps, strip_controls
from bot.core.cards.card import Card, CardSection
from bot.core.delivery.poster import PostKey
from digest_parser import SectionKey
from tests.console.hostile import CONTROLS, HOSTILE, MARKUP

#: What rich itself writes on a colour terminal: colours, and the card's own links.
_RICH_OWN = re.compile(
    r"\x1b\[[0-9;]*m"
    r"|\x1b\]8;id=\d+;https://(?:huggingface\.co/papers|arxiv\.org/(?:abs|pdf))/[0-9.]+\x1b\\"
    r"|\x1b\]8;;\x1b\\"
)


def test_strip_controls_keeps_text_newlines_and_tabs() -> None:
    assert strip_controls("한국어 🧪\tcol\nline") == "한국어 🧪\tcol\nline"
    assert strip_controls("a\x1b[2Jb\x07c\x9b31md\x7fe\x00f\rg\x85h") == "a[2Jbc31mdefgh"
    assert not CONTROLS.search(strip_controls(HOSTILE))


def test_json_escapes_every_control_and_keeps_the_text() -> None:
    value = {"title": HOSTILE, "한글": "\x9b"}
    dumped = json_dumps(value)
    assert not CONTROLS.search(dumped.replace("\n", ""))
    assert json.loads(dumped) == value
    assert "\\u009b" in dumped and "\\u001b" in dumped


def _card(text: str) -> Card:
    section = CardSection(SectionKey.MOTIVATION, f"Body {text}")
    return Card("2601.01234", f"Title {text}", dt.date(2026, 1, 7), 1, 2, (section,), note=text)


def test_a_card_on_a_colour_terminal_has_only_richs_own_sequences() -> None:
    out = io.StringIO()
    console = TerminalConsole(file=out, force_terminal=True, width=200, color_system="truecolor")
    console.print(render_card(_card(HOSTILE)))
    shown = out.getvalue()
    assert "\x1b[0m" in shown  # colours are still on
    assert not CONTROLS.search(_RICH_OWN.sub("", shown).replace("\n", ""))
    assert all(markup in shown for markup in MARKUP)  # shown, not interpreted


def test_markdown_links_show_their_real_target() -> None:
    out = io.StringIO()
    console = TerminalConsole(file=out, force_terminal=True, width=200)
    console.print(SummaryMarkdown("see [https://google.com](https://evil.example)"))
    shown = _RICH_OWN.sub("", out.getvalue())
    assert "https://evil.example" in shown and "google.com" not in shown  # no hidden hyperlink


def test_plain_strings_and_tables_are_stripped_too() -> None:
    out = io.StringIO()
    console = TerminalConsole(file=out, width=200)
    table = Table("id", "title")
    table.add_row("2601.01234", Text(HOSTILE))
    console.print(table)
    console.print(Text(HOSTILE))
    assert not CONTROLS.search(out.getvalue().replace("\n", ""))
    assert MARKUP[1] in out.getvalue()


async def test_the_console_poster_writes_no_control() -> None:
    out = io.StringIO()
    poster = ConsolePoster(TerminalConsole(file=out, width=200))
    await poster.post_card("console", _card(HOSTILE), key=PostKey("console", "2026-01-07", "x"))
    assert not CONTROLS.search(out.getvalue().replace("\n", ""))
    assert ConsolePoster().console.__class__ is TerminalConsole  # the default, too


def test_log_lines_are_stripped() -> None:
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "file %s", (HOSTILE,), None)
    line = TerminalFormatter("%(levelname)s %(message)s").format(record)
    assert line.startswith("WARNING file ") and not CONTROLS.search(line)


def test_every_rich_console_in_bot_is_a_terminal_console() -> None:
    """A plain ``Console()`` (or ``print``) would be a fourth door, without the stripping."""
    root = Path(__file__).resolve().parents[2] / "bot"
    door = re.compile(r"(?<![\w.])(?:Console|print)\(")
    found = [
        f"{path.relative_to(root)}:{number}: {line.strip()}"
        for path in sorted(root.rglob("*.py"))
        if path.name != "terminal.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if door.search(line)
    ]
    assert not found, "use bot.console.terminal (TerminalConsole, echo):\n" + "\n".join(found)
