"""A digest listing in the terminal: one panel, every paper, and nothing the text could do."""

from __future__ import annotations

import dataclasses
import io
import re

from bot.console.poster import ConsolePoster
from bot.console.render import render_listing
from bot.console.terminal import TerminalConsole
from bot.core.cards.listing import DigestListing, listing_item, pack
from bot.core.delivery.poster import PostKey
from digest_parser import parse_digest_file
from tests.conftest import require_real_digest
from tests.console.hostile import CONTROLS, HOSTILE, MARKUP

LARGEST = "hf-daily-papers-2025-05-25.md"
PINGS = "@everyone <!channel> <@123> [click](https://evil.example)"
#: What rich itself writes on a colour terminal for a listing: colours only.
_COLOURS = re.compile(r"\x1b\[[0-9;]*m")


def _listing() -> DigestListing:
    digest = parse_digest_file(require_real_digest(LARGEST))
    assert digest.date is not None
    items = [listing_item(p, digest.date, n) for n, p in enumerate(digest.papers, 1)]
    items[4] = dataclasses.replace(
        items[4], title=f"{items[4].title} {HOSTILE} {PINGS}", gist=HOSTILE, upvotes=34
    )
    (page,) = pack(items, ConsolePoster(TerminalConsole(file=io.StringIO())).listing_fits())
    return DigestListing("daily", digest.date, digest.date, page, 1, 1, len(page), left_out=3)


async def test_the_largest_real_digest_is_one_panel_with_no_control() -> None:
    listing = _listing()
    out = io.StringIO()
    poster = ConsolePoster(TerminalConsole(file=out, width=200, force_terminal=True))
    key = PostKey("console", "2025-05-25", "listing-1")
    posted = await poster.post_listing("console", listing, key=key)
    assert posted.message_id.startswith("console-")
    shown = out.getvalue()
    assert "\x1b[" in shown  # colours are on
    assert not CONTROLS.search(_COLOURS.sub("", shown).replace("\n", ""))


def test_every_paper_is_listed_and_markup_is_shown_as_written() -> None:
    listing = _listing()
    assert len(listing.items) == 47
    console = TerminalConsole(file=io.StringIO(), width=400, color_system=None)
    with console.capture() as captured:
        console.print(render_listing(listing))
    text = captured.get()
    assert "Hugging Face Daily Papers – 2025-05-25" in text
    assert "47 papers (3 left out by this channel's filters)" in text
    for item in listing.items:
        assert f"{item.number:>3}. " in text and item.arxiv_id in text
    assert "▲ 34" in text and PINGS in text  # a terminal pings nobody: shown as written
    assert all(markup in text for markup in MARKUP)  # rich markup shown, not interpreted
