"""literal(): untrusted text in mrkdwn shows as typed, formats nothing and pings no one."""

from __future__ import annotations

import pytest

from bot.slack.literal import literal


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("*bold* ~strike~ `code`", "∗bold∗ ∼strike∼ ˋcodeˋ"),
        ("_italic_ (_x_) __init__", "ˍitalicˍ (ˍxˍ) ˍˍinitˍˍ"),
        ("snake_case_name, 강_화", "snake_case_name, 강_화"),  # Slack never formats inside a word
        ("<!channel> & <https://evil|x>", "&lt;!channel&gt; &amp; &lt;https://evil|x&gt;"),
    ],
)
def test_literal_text_cannot_format_link_or_ping(text: str, shown: str) -> None:
    assert literal(text) == shown
