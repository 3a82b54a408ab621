"""A masked link showing another address than its target shows its target, everywhere.

``[https://google.com](https://evil.example)`` would read "https://google.com" and open
evil.example. Slack, Discord and the terminal render section bodies with the same parser
(:func:`bot.core.cards.text.markdown_parser`), which gives such a link its target as its text.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rich.console import Console

from bot.console.render import SummaryMarkdown
from bot.discord.markdown import to_discord
from bot.slack.mrkdwn import to_mrkdwn

DECEPTIVE = (
    "읽어 보세요: [https://google.com](https://evil.example/steal) "
    "그리고 [논문](https://arxiv.org/abs/1)"
)


def console_text(markdown: str) -> str:
    console = Console(width=200, color_system=None, force_terminal=False)
    with console.capture() as captured:
        console.print(SummaryMarkdown(markdown))
    return captured.get()


@pytest.mark.parametrize(
    ("render", "shown"),
    [
        (to_mrkdwn, "<https://evil.example/steal> 그리고 <https://arxiv.org/abs/1|논문>"),
        (
            lambda md: to_discord(md, headings=False),
            "<https://evil.example/steal> 그리고 [논문](https://arxiv.org/abs/1)",
        ),
        (console_text, "https://evil.example/steal 그리고 논문 (https://arxiv.org/abs/1)"),
    ],
    ids=["slack", "discord", "console"],
)
def test_every_renderer_shows_the_real_target(render: Callable[[str], str], shown: str) -> None:
    out = render(DECEPTIVE)
    assert shown in out and "google.com" not in out


@pytest.mark.parametrize(
    "render",
    [to_mrkdwn, lambda md: to_discord(md, headings=False), console_text],
    ids=["slack", "discord", "console"],
)
@pytest.mark.parametrize(
    ("markdown", "shown", "hidden"),
    [
        ("[<https://x.y>]()", "x.y", None),  # a link to nowhere keeps its label
        ("[<https://x.y>](https://evil.example)", "evil.example", "x.y"),
        ("[a <https://b.c> d](https://e.f)", "e.f", "b.c"),
    ],
)
def test_an_autolink_inside_a_link_renders_everywhere(
    render: Callable[[str], str], markdown: str, shown: str, hidden: str | None
) -> None:
    # markdown-it nests the autolink's tokens in the link's; rewriting a deceptive label used
    # to stop at the inner close, and the tree then refused the whole card (found by hypothesis).
    out = render(markdown)
    assert shown in out and (hidden is None or hidden not in out)
