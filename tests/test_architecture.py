"""Imports point inward only: digest_parser <- bot.core <- adapters <- app/CLI."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(package: str) -> dict[Path, set[str]]:
    found: dict[Path, set[str]] = {}
    for path in (ROOT / package).rglob("*.py"):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
        found[path] = names
    return found


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("digest_parser", ("bot", "discord", "slack_bolt", "slack_sdk", "aiosqlite", "asyncio")),
        ("bot/core", ("discord", "slack_bolt", "slack_sdk", "bot.discord", "bot.slack", "bot.cli")),
    ],
)
def test_imports_point_inward(package: str, forbidden: tuple[str, ...]) -> None:
    for path, names in imported_modules(package).items():
        bad = {n for n in names if any(n == f or n.startswith(f + ".") for f in forbidden)}
        assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"
