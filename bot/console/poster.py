"""The console channel: cards as rich panels in the terminal.

The embedded default when no chat credentials are configured, so a new user sees exactly what
a channel would receive (same cards, same order, same sections) without creating a bot.
Bodies are shown whole: a terminal has no message limit. Nor does it give a receipt: a card
is recorded as shown after it is printed, so a process killed in between shows it again
(:meth:`ConsolePoster.find_posted` cannot find it). The console is one channel,
:data:`~bot.core.delivery.poster.CONSOLE_CHANNEL`, whatever ``channel`` it is given.
"""

from __future__ import annotations

import itertools

from markdown_it.token import Token
from rich.console import Console, Group, RenderableType
from rich.markdown import Markdown
from rich.panel import Panel
from rich.rule import Rule
from rich.text import Text

from bot.core.cards.card import Card, DigestHeaderCard
from bot.core.cards.text import markdown_parser
from bot.core.delivery.poster import Posted, PostKey

from .terminal import TerminalConsole

__all__ = ["ConsolePoster", "SummaryMarkdown", "render_card"]

_PARSER = markdown_parser()


class SummaryMarkdown(Markdown):
    """rich's Markdown, parsed by our parser: ``**61.2%에서 68.9%**로`` stays bold.

    rich parses with stock CommonMark, whose flanking rules leave such Korean spans as
    literal asterisks; our parser (:func:`bot.core.cards.text.markdown_parser`) fixes them.

    Links are printed as ``text (target)``, not as terminal hyperlinks: a summary's
    ``[https://google.com](https://evil.example)`` must not show one address and open another.
    A link that reads as its own target (an autolink, or a deceptive label the parser replaced
    with its target) is printed once, as plain text.
    """

    def __init__(self, markup: str) -> None:
        super().__init__(markup, hyperlinks=False)
        self.parsed = _PARSER.parse(markup)
        for token in self.parsed:
            if token.children:
                token.children = _without_self_links(token.children)


def _without_self_links(tokens: list[Token]) -> list[Token]:
    """Inline tokens with the link markers dropped around text that is the link's target."""
    kept: list[Token] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        closes = index + 2 < len(tokens) and tokens[index + 2].type == "link_close"
        if token.type == "link_open" and closes and tokens[index + 1].type == "text":
            href = str(token.attrs.get("href", ""))
            if tokens[index + 1].content in {href, href.removeprefix("mailto:")}:
                kept.append(tokens[index + 1])
                index += 3
                continue
        kept.append(token)
        index += 1
    return kept


def render_card(card: Card) -> Panel:
    """A card as a rich panel: title, sections with Korean and English headings, links."""
    parts: list[RenderableType] = []
    if card.note:
        parts.append(SummaryMarkdown(card.note))
    for section in card.sections:
        heading = Text.assemble(
            (f"{section.number} · {section.heading}", "bold cyan"), (f"  {section.label}", "dim")
        )
        parts.extend([heading, SummaryMarkdown(section.body), Text()])
    if card.missing and card.sections:
        missing = ", ".join(key.english for key in card.missing)
        parts.append(Text(f"Not in this summary: {missing}", style="dim italic"))
    links = Text.assemble(
        ("Hugging Face ", "bold"), (card.hf_url, f"link {card.hf_url}"), "  ",
        ("arXiv ", "bold"), (card.abs_url, f"link {card.abs_url}"), "  ",
        ("PDF ", "bold"), (card.pdf_url, f"link {card.pdf_url}"),
    )  # fmt: skip
    parts.append(links)
    return Panel(
        Group(*parts),
        title=Text(card.display_title, style="bold"),
        title_align="left",
        subtitle=Text(f"{card.arxiv_id} · {card.date_label} · {card.position_label}"),
        subtitle_align="right",
        border_style="blue",
    )


class ConsolePoster:
    """A :class:`~bot.core.delivery.poster.Poster` that prints to a terminal."""

    platform = "console"

    def __init__(self, console: Console | None = None) -> None:
        self.console = console or TerminalConsole()
        self._ids = itertools.count(1)

    async def post_header(self, channel: str, header: DigestHeaderCard, *, key: PostKey) -> Posted:
        """Print the day's header as a rule."""
        self.console.print(Rule(Text(header.title, style="bold magenta")))
        return Posted(message_id=f"console-{next(self._ids)}")

    async def post_card(
        self, channel: str, card: Card, *, key: PostKey, thread: str | None = None
    ) -> Posted:
        """Print one card."""
        self.console.print(render_card(card))
        return Posted(message_id=f"console-{next(self._ids)}", thread_id=thread)

    async def find_posted(self, channel: str, key: PostKey, since: float) -> Posted | None:
        """A terminal keeps no history: an interrupted console post is shown again."""
        return None
