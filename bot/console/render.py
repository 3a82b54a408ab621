"""Cards as rich renderables: the console rendering of the platform-neutral card.

A terminal has no message limit, so bodies are shown whole and a listing is one panel;
Markdown is parsed by our own parser (:class:`SummaryMarkdown`) so that Korean emphasis
renders and links cannot deceive.
"""

from __future__ import annotations

from markdown_it.token import Token
from rich.console import Group, RenderableType
from rich.markdown import Markdown
from rich.panel import Panel
from rich.text import Text

from bot.core.cards.card import Card
from bot.core.cards.listing import DigestListing
from bot.core.cards.paper_meta import PaperMeta
from bot.core.cards.text import markdown_parser

__all__ = ["SummaryMarkdown", "render_card", "render_listing"]

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


def render_meta(meta: PaperMeta) -> Text:
    """Hugging Face's facts as plain styled text: nothing in them is read as markup."""
    text = Text()
    if meta.withdrawn:
        text.append("Withdrawn by its authors\n", style="bold red")
    if meta.title:
        text.append(meta.title + "\n", style="bold")
    if meta.authors:
        text.append(meta.authors_line + "\n")
    if meta.organization:
        text.append(meta.organization + "\n", style="italic")
    facts = [meta.counts_line] if meta.counts_line else []
    facts += [f"{label} {url}" for label, url in meta.links]
    if facts:
        text.append(" · ".join(facts) + "\n", style="dim")
    if meta.shown_keywords:
        text.append(" · ".join(meta.shown_keywords), style="cyan")
    text.rstrip()
    return text


def render_card(card: Card) -> Panel:
    """A card as a rich panel: title, sections with Korean and English headings, links."""
    parts: list[RenderableType] = []
    if card.meta is not None:
        parts.extend([render_meta(card.meta), Text()])
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


def render_listing(listing: DigestListing) -> Panel:
    """A digest listing as one panel: numbered lines of title, gist and upvotes.

    Digest text goes in as :class:`~rich.text.Text`, never as markup, so ``[red]`` or
    ``[link=…]`` in a title is shown as written; the terminal strips control sequences
    (:mod:`bot.console.terminal`). A terminal has no menu: the subtitle says how to open a card.
    """
    lines = Text()
    for item in listing.items:
        if lines:
            lines.append("\n")
        lines.append(f"{item.number:>3}. ", style="bold cyan")
        lines.append(" ".join(item.title.split()), style="bold")
        if item.withdrawn:
            lines.append(" (withdrawn)", style="bold red")
        if item.gist:
            lines.append(f" — {item.gist}", style="dim")
        if item.upvotes is not None:
            lines.append(f"  ▲ {item.upvotes}", style="yellow")
        lines.append(f"  {item.arxiv_id}", style="dim cyan")
    return Panel(
        lines or Text("No papers.", style="dim"),
        title=Text(f"{listing.title} {listing.page_label}".strip(), style="bold"),
        title_align="left",
        subtitle=Text(f"{listing.summary} · `paperbot lookup paper ID` shows a card"),
        subtitle_align="right",
        border_style="magenta",
    )
