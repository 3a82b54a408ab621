"""Imports point inward only: digest_parser <- bot.core <- adapters <- app/CLI.

Every import counts: absolute (``import bot.discord``), from-imports of a package's modules
(``from bot import app``), relative ones (``from ..discord import limits``, resolved against
the importing file's package) and those under ``if TYPE_CHECKING:``. The last tests feed bad
sources through the same checker, so a rule that stopped catching anything would fail here
rather than pass quietly.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: Our own top-level packages; the parser may import none of them.
OURS = ("bot", "tests", "benchmarks")
#: Chat libraries, database drivers and the event loop.
CHAT = ("discord", "slack_bolt", "slack_sdk")
DATABASE = ("sqlite3", "aiosqlite")
ADAPTERS = ("bot.discord", "bot.slack", "bot.console")
#: The composition root, the CLI and the config they read: the outermost ring.
OUTER = ("bot.cli", "bot.app", "bot.service")


@dataclass(frozen=True, slots=True)
class Rule:
    """Modules named ``scope`` or below it import nothing named ``forbidden`` or below it."""

    scope: str
    forbidden: tuple[str, ...]


RULES = (
    Rule("digest_parser", (*OURS, *CHAT, *DATABASE, "asyncio")),
    Rule("bot.core", (*CHAT, *ADAPTERS, *OUTER, "bot.config")),
    *(Rule(a, (*(b for b in ADAPTERS if b != a), *OUTER)) for a in ADAPTERS),
)


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def module_name(path: Path) -> str:
    """``bot/core/answers.py`` -> ``bot.core.answers``; ``bot/core/__init__.py`` -> ``bot.core``."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_names(source: str, module: str, *, is_package: bool) -> set[str]:
    """Every absolute module name ``source`` (the text of ``module``) may import.

    ``from X import y`` yields both ``X`` and ``X.y``, since ``y`` may be a submodule: that is
    how ``from bot import app`` and ``from .. import discord`` are caught. A relative import
    climbing above the top-level package is reported as the name ``<beyond top level>``.
    """
    package = module if is_package else module.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".") if package else []
                if node.level - 1 >= len(parts):
                    names.add("<beyond top level>")
                    continue
                base = ".".join(parts[: len(parts) - (node.level - 1)])
                if node.module:
                    base = f"{base}.{node.module}"
            else:
                base = node.module or ""
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names if alias.name != "*")
    return names


def violations(source: str, module: str, *, is_package: bool = False) -> list[str]:
    """What ``module`` imports against :data:`RULES`, as ``module imports name`` lines."""
    names = imported_names(source, module, is_package=is_package)
    return sorted(
        f"{module} imports {name}"
        for rule in RULES
        if _within(module, rule.scope)
        for name in names
        if name == "<beyond top level>" or any(_within(name, f) for f in rule.forbidden)
    )


def our_modules() -> list[Path]:
    return sorted(p for top in ("digest_parser", "bot") for p in (ROOT / top).rglob("*.py"))


def test_every_rule_scope_has_modules() -> None:
    # A renamed package would otherwise leave its rule checking nothing.
    names = {module_name(p) for p in our_modules()}
    for rule in RULES:
        assert any(_within(n, rule.scope) for n in names), rule.scope


def test_imports_point_inward() -> None:
    found = [
        line
        for path in our_modules()
        for line in violations(
            path.read_text(encoding="utf-8"),
            module_name(path),
            is_package=path.name == "__init__.py",
        )
    ]
    assert not found, "\n".join(found)


def test_every_module_is_reachable_from_the_cli() -> None:
    # A module nothing imports (the old direct-delivery loop the outbox replaced) is dead
    # weight a reader still has to read. Importing ``a.b.c`` runs ``a`` and ``a.b`` too.
    graph = {
        module_name(p): imported_names(
            p.read_text(encoding="utf-8"), module_name(p), is_package=p.name == "__init__.py"
        )
        for p in our_modules()
    }
    seen: set[str] = set()
    todo = ["bot.__main__", "bot.cli"]
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        for name in graph[module]:
            parts = name.split(".")
            todo.extend(p for i in range(len(parts)) if (p := ".".join(parts[: i + 1])) in graph)
    assert sorted(set(graph) - seen) == []


@pytest.mark.parametrize(
    ("module", "is_package", "source", "expected"),
    [
        # Relative imports, resolved from the file's package.
        ("bot.core.cards", False, "from ..discord import limits", "bot.discord"),
        ("bot.core.cards", False, "from .. import slack", "bot.slack"),
        ("bot.core", True, "from ..console import poster", "bot.console"),
        ("bot.core", True, "from .. import config", "bot.config"),
        ("bot.discord.render", False, "from ..slack import x", "bot.slack"),
        ("bot.slack.poster", False, "from ..console.poster import ConsolePoster", "bot.console"),
        ("bot.console.poster", False, "from ..cli import common", "bot.cli"),
        ("digest_parser.model", False, "from ..bot import core", "<beyond top level>"),
        # `from bot import x` and `import bot.x`.
        ("bot.core.cards", False, "from bot import app", "bot.app"),
        ("bot.core.cards", False, "import bot.service", "bot.service"),
        ("bot.core.cards", False, "from bot.config import Config", "bot.config"),
        ("bot.slack.render", False, "import bot.discord.limits as dl", "bot.discord"),
        ("bot.discord.poster", False, "from bot import app", "bot.app"),
        # Libraries, including under TYPE_CHECKING.
        ("bot.core.cards", False, "if TYPE_CHECKING:\n    import discord", "discord"),
        ("bot.core.cards", False, "from slack_sdk.errors import SlackApiError", "slack_sdk"),
        ("digest_parser.model", False, "import asyncio", "asyncio"),
        ("digest_parser.model", False, "import sqlite3", "sqlite3"),
        ("digest_parser.model", False, "from bot.core import cards", "bot"),
        ("digest_parser", True, "from tests import fakes", "tests"),
    ],
)
def test_a_bad_import_fails(module: str, is_package: bool, source: str, expected: str) -> None:
    found = violations(source, module, is_package=is_package)
    assert any(line.startswith(f"{module} imports {expected}") for line in found), found


@pytest.mark.parametrize(
    ("module", "is_package", "source"),
    [
        ("bot.core.cards", False, "from .text import cut\nfrom . import ports"),
        ("bot.core", True, "from .cards import Card\nfrom digest_parser import Digest"),
        ("bot.discord.render", False, "from ..core.cards import Card\nimport discord"),
        ("bot.slack.poster", False, "from bot.config import SlackConfig\nfrom .limits import X"),
        ("digest_parser.model", False, "from .sections import SectionKey\nimport regex"),
    ],
)
def test_an_inward_import_passes(module: str, is_package: bool, source: str) -> None:
    assert violations(source, module, is_package=is_package) == []
