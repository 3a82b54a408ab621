"""Deceptive masked links are given their real target while parsing (bot.core.cards.links)."""

from __future__ import annotations

import pytest

from bot.core.cards.links import looks_like_address
from bot.core.cards.text import markdown_parser


@pytest.mark.parametrize(
    "text",
    [
        "https://google.com",
        "see HTTPS://Google.com now",
        "ftp://x",
        "mailto:a@b",
        "www.google.com",
        "google.com",
        "arxiv.org/abs/2505.19590",
        "me@google.com",
        "구글.한국",
        "google。com",  # an ideographic full stop, which browsers read as a dot
    ],
)
def test_addresses_are_recognised(text: str) -> None:
    assert looks_like_address(text)


@pytest.mark.parametrize(
    "text", ["논문", "arXiv:2505.19590", "2505.19590", "e.g. this", "U.S. data", "Fig. 2", ""]
)
def test_other_labels_are_not(text: str) -> None:
    assert not looks_like_address(text)


def _links(markdown: str) -> list[tuple[str, str]]:
    """(text, target) of every link and image, as the parser leaves them."""
    found = []
    for block in markdown_parser().parse(markdown):
        children = block.children or []
        for i, token in enumerate(children):
            if token.type == "link_open":
                end = next(j for j in range(i, len(children)) if children[j].type == "link_close")
                text = "".join(t.content for t in children[i + 1 : end])
                found.append((text, str(token.attrs["href"])))
            elif token.type == "image":
                found.append((token.content, str(token.attrs["src"])))
    return found


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        (
            "[https://google.com](https://evil.example)",
            ("https://evil.example", "https://evil.example"),
        ),
        (
            "[google.com](https://evil.example/x)",
            ("https://evil.example/x", "https://evil.example/x"),
        ),
        (
            "[see **www.google.com**](https://evil.example)",
            ("https://evil.example", "https://evil.example"),
        ),
        ("[`google.com`](https://evil.example)", ("https://evil.example", "https://evil.example")),
        (
            "![https://google.com](https://evil.example/a.png)",
            ("https://evil.example/a.png", "https://evil.example/a.png"),
        ),
        ("[ref]\n\n[ref]: https://evil.example", ("ref", "https://evil.example")),
        (
            "[https://google.com][r]\n\n[r]: https://evil.example",
            ("https://evil.example", "https://evil.example"),
        ),
        ("[논문](https://arxiv.org/abs/2505.19590)", ("논문", "https://arxiv.org/abs/2505.19590")),
        (
            "[https://arxiv.org/abs/1](https://arxiv.org/abs/1)",
            ("https://arxiv.org/abs/1", "https://arxiv.org/abs/1"),
        ),
        ("[me@x.org](mailto:me@x.org)", ("me@x.org", "mailto:me@x.org")),
        ("<https://ok.example>", ("https://ok.example", "https://ok.example")),
        ("[https://구글.com](https://구글.com)", ("https://구글.com", "https://xn--2e0b0k.com")),
    ],
)
def test_a_link_showing_another_address_gets_its_target_as_text(
    markdown: str, expected: tuple[str, str]
) -> None:
    assert _links(markdown) == [expected]
