"""A digest written by an attacker: terminal control sequences and rich markup in its text."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final

__all__ = ["CONTROLS", "HOSTILE", "MARKUP", "write_hostile_digest"]

#: Each does something to a terminal that prints it raw.
SEQUENCES: Final = (
    "\x1b[2J",  # ESC CSI: clear the screen
    "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\",  # OSC 8: a link to anywhere
    "\x1b]0;pwned\x07",  # OSC 0: retitle the window
    "\x07",  # BEL
    "\x9b31m",  # C1 CSI: red, on terminals that read C1
    "\x7f\x08",  # DEL, backspace (NUL makes a file binary: the parser refuses it)
)
#: Rich markup: interpreted, it would style the text or make a link.
MARKUP: Final = ("[red]R[/red]", "[link=https://evil.example]L[/link]")
HOSTILE: Final = " ".join((*SEQUENCES, *MARKUP))
#: What must never reach a terminal: C0 but tab and newline, DEL, C1.
CONTROLS: Final = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def write_hostile_digest(folder: Path, name: str = "hf-daily-papers-2026-01-07.md") -> Path:
    """A two-paper digest with :data:`HOSTILE` in titles, a body, a list and a heading."""
    path = folder / name
    path.write_text(
        f"""# 📰 Hugging Face Daily Papers – 2026-01-07

## 2601.01234
🔗 https://huggingface.co/papers/2601.01234

**Summary**:
```markdown
# 논문 요약: "Title {HOSTILE}"

## 1. 핵심 동기와 문제 정의

Body {HOSTILE} needle.

## 2. 주요 기여 및 참신성

- item {HOSTILE}

## 8. heading {HOSTILE}

text
```

---

## 2601.02345
🔗 https://huggingface.co/papers/2601.02345

**Summary**:
해당 논문은 "Second {HOSTILE}"로, 좋아요.

**1. 핵심 동기와 문제 정의**

Second body {HOSTILE} needle.
""",
        encoding="utf-8",
    )
    return path
