"""Where a listing page's lines go in one Discord message: its content, then its embeds.

One message may carry 2,000 characters of content and up to ten embeds, whose texts (titles,
descriptions, field names and values, footers, author names) total at most 6,000, each
description at most 4,096. A single embed holds only 4,096 characters of lines, about 30 of
the real ones; the message holds nearly 8,000. A listing is read top to bottom and Discord
shows the content above the embeds, so the lines stay in order:

1. when the lines, the page's title and its footer fit the embeds alone, there is no content:
   the first embed carries the title, the last the footer (the post key's mark);
2. otherwise the content opens with the title as a heading and takes as many of the first
   lines as its 2,000 characters hold, and the embeds take the rest, the last the footer.

The second is tried only when the first fails, and it fits whenever the first does (it moves
the title and some lines out of the 6,000). Each step fills greedily, and every limit grows
with what is left out, so a page fits if any layout of this shape does: what the content does
not hold must fit the embeds. The one thing not exploited is cutting lines into more embeds
than needed to save the newline between two lines (ten characters at most); such a message
would show a box per line.

Computed on lengths alone, in UTF-16 units (never fewer than Discord's count), so that packing,
which tries many candidate pages, measures without building a message.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .limits import CONTENT_MAX, EMBED_DESCRIPTION_MAX, EMBED_TOTAL_MAX, EMBEDS_PER_MESSAGE

__all__ = ["Frame", "Layout", "lay_out"]


@dataclass(frozen=True, slots=True)
class Frame:
    """The lengths of what a page shows besides its lines."""

    title: int  # the first embed's title, when there is no content
    heading: int  # the content's first line (the title as a heading), when there is content
    footer: int  # the last embed's footer


@dataclass(frozen=True, slots=True)
class Layout:
    """How many lines open the content (``None``: no content), then each embed's count."""

    content: int | None
    embeds: tuple[int, ...]

    def split(self, lines: Sequence[str]) -> tuple[Sequence[str] | None, list[Sequence[str]]]:
        """``lines`` cut as laid out: the content's, then each embed's."""
        start = self.content or 0
        content = lines[:start] if self.content is not None else None
        parts = []
        for count in self.embeds:
            parts.append(lines[start : start + count])
            start += count
        return content, parts


def _descriptions(sizes: Sequence[int]) -> tuple[int, ...] | None:
    """Lines per description, each as full as 4,096 allows; ``None`` if a line is longer."""
    counts: list[int] = []
    used = 0
    for size in sizes:
        if size > EMBED_DESCRIPTION_MAX:
            return None
        if counts and used + 1 + size <= EMBED_DESCRIPTION_MAX:
            counts[-1] += 1
            used += 1 + size  # the newline before it
        else:
            counts.append(1)
            used = size
    return tuple(counts)


def _embeds(sizes: Sequence[int], overhead: int) -> tuple[int, ...] | None:
    """The embeds' line counts, if the lines and ``overhead`` fit ten embeds and 6,000."""
    counts = _descriptions(sizes)
    if not counts or len(counts) > EMBEDS_PER_MESSAGE:
        return None
    text = sum(sizes) + len(sizes) - len(counts)  # the lines and the newlines between them
    return counts if overhead + text <= EMBED_TOTAL_MAX else None


def lay_out(sizes: Sequence[int], frame: Frame) -> Layout | None:
    """Where lines of these lengths go, or ``None`` if no message holds them all."""
    if not sizes:
        return None
    alone = _embeds(sizes, frame.title + frame.footer)
    if alone is not None:
        return Layout(None, alone)
    used, kept = frame.heading, 0
    while kept < len(sizes) - 1 and used + 1 + sizes[kept] <= CONTENT_MAX:
        used += 1 + sizes[kept]  # the newline before it
        kept += 1
    if used > CONTENT_MAX:
        return None
    rest = _embeds(sizes[kept:], frame.footer)
    return Layout(kept, rest) if rest is not None else None
