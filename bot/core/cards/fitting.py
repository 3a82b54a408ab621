"""Fit rendered text into platform limits without losing the reader.

Every platform limit (Slack's 3,000-character section, Discord's 1,024-character field and
6,000-character embed) is a limit on the *rendered* text, while safe places to cut (sentence
ends, outside links and code spans) are found in the *Markdown*. So we cut the Markdown,
render, measure, and tighten until the rendering fits. One shared routine, like apprise's
splitter, so no adapter grows its own truncation rules.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.core.cards.text import cut

__all__ = ["Fitted", "fit", "fit_all"]

Render = Callable[[str], str]
Length = Callable[[str], int]

#: Re-cut attempts before falling back to cutting the rendered text itself.
_ATTEMPTS = 8


@dataclass(frozen=True, slots=True)
class Fitted:
    """Rendered text within its limit, and whether anything was cut to get there."""

    text: str
    was_cut: bool


def fit(markdown: str, limit: int, render: Render, *, length: Length = len) -> Fitted:
    """Render ``markdown`` so that ``length(result) <= limit``, cutting it if needed.

    The cut lands on a sentence or line boundary of the Markdown (see
    :func:`bot.core.cards.text.cut`) and ends with an ellipsis; the renderer's expansion (escaping,
    link syntax) is measured, not guessed.
    """
    rendered = render(markdown)
    if length(rendered) <= limit:
        return Fitted(rendered, False)
    budget = limit
    for _ in range(_ATTEMPTS):
        rendered = render(cut(markdown, budget, length=length).text)
        over = length(rendered) - limit
        if over <= 0:
            return Fitted(rendered, True)
        budget -= max(over, budget // 20, 1)
        if budget <= 1:
            break
    return Fitted(cut(rendered, limit, length=length).text, True)


def fit_all(
    bodies: Sequence[str],
    *,
    each: int,
    total: int,
    render: Render,
    length: Length = len,
) -> list[Fitted]:
    """Fit several bodies: each within ``each``, all together within ``total``.

    When the sum is too large, the longest bodies are shortened first to a common cap
    ("water filling"), so that a single runaway section (a degenerate LLM loop) gives up its
    space before the short ones lose a word.
    """
    fitted = [fit(body, each, render, length=length) for body in bodies]
    sizes = [length(f.text) for f in fitted]
    if sum(sizes) <= total:
        return fitted
    cap = _cap(sizes, total)
    for _ in range(_ATTEMPTS):
        result = [
            f if length(f.text) <= cap else _shrunk(body, cap, render, length)
            for body, f in zip(bodies, fitted, strict=True)
        ]
        used = sum(length(f.text) for f in result)
        if used <= total:
            return result
        cap -= max(used - total, 1)
        if cap <= 1:
            break
    return [Fitted("", True) for _ in bodies]


def _shrunk(body: str, cap: int, render: Render, length: Length) -> Fitted:
    shrunk = fit(body, cap, render, length=length)
    return Fitted(shrunk.text, True)


def _cap(sizes: list[int], total: int) -> int:
    """The largest cap ``c`` with ``sum(min(size, c)) <= total``."""
    remaining, ordered = total, sorted(sizes)
    for index, size in enumerate(ordered):
        share = remaining // (len(ordered) - index)
        if size > share:
            return max(share, 1)
        remaining -= size
    return max(ordered[-1], 1)
