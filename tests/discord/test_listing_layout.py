"""Where a listing page's lines go: embeds alone while they hold them, then content too.

Measured on lengths, against Discord's limits as ``bot.discord.limits`` names them: 2,000
characters of content, ten embeds, 4,096 per description and 6,000 across every embed.
"""

from __future__ import annotations

from bot.discord.limits import CONTENT_MAX, EMBED_DESCRIPTION_MAX, EMBED_TOTAL_MAX
from bot.discord.listing_layout import Frame, Layout, lay_out

FRAME = Frame(title=60, heading=100, footer=80)


def embed_text(sizes: list[int], layout: Layout) -> int:
    """The characters the layout puts in embeds: lines, newlines, title and footer."""
    start = layout.content or 0
    total = FRAME.footer + (FRAME.title if layout.content is None else 0)
    for count in layout.embeds:
        part = sizes[start : start + count]
        assert sum(part) + len(part) - 1 <= EMBED_DESCRIPTION_MAX
        total += sum(part) + len(part) - 1
        start += count
    assert start == len(sizes)  # every line is shown, once, in order
    return total


def test_lines_the_embeds_hold_need_no_content() -> None:
    sizes = [140] * 30  # 4,229 characters: two descriptions, no content
    layout = lay_out(sizes, FRAME)
    assert layout == Layout(None, (29, 1))
    assert embed_text(sizes, layout) <= EMBED_TOTAL_MAX


def test_more_lines_than_6000_open_the_content_under_the_title() -> None:
    sizes = [140] * 47  # 6,626 characters, like the largest real digest
    layout = lay_out(sizes, FRAME)
    assert layout is not None and layout.content is not None
    assert FRAME.heading + sum(s + 1 for s in sizes[: layout.content]) <= CONTENT_MAX
    assert FRAME.heading + sum(s + 1 for s in sizes[: layout.content + 1]) > CONTENT_MAX
    assert embed_text(sizes, layout) <= EMBED_TOTAL_MAX


def test_what_no_message_holds_is_refused() -> None:
    content = (CONTENT_MAX - FRAME.heading) // 101  # lines of 100 the content holds
    embeds = (EMBED_TOTAL_MAX - FRAME.footer + 1) // 101  # and the embeds (a newline each)
    assert lay_out([100] * (content + embeds), FRAME) is not None
    assert lay_out([100] * (content + embeds + 1), FRAME) is None
    assert lay_out([EMBED_DESCRIPTION_MAX + 1, 10], FRAME) is None
    assert lay_out([], FRAME) is None
