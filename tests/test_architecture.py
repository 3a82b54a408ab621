"""Imports point inward only: digest_parser <- bot.core <- storage and adapters <- app/CLI.

Every import counts: absolute (``import bot.discord``), from-imports of a package's modules
(``from bot import app``), relative ones (``from ..discord import limits``, resolved against
the importing file's package) and those under ``if TYPE_CHECKING:``. Inside ``bot.core`` the
sub-packages point inward too (cards <- archive <- delivery <- daily; answers uses cards,
archive and daily), and only ``bot.storage`` imports a database driver or writes SQL.

The last tests feed bad sources through the same checker, one or more per rule and each
checked against that rule alone, so a rule that stopped catching anything would fail here
rather than pass quietly.
"""

from __future__ import annotations

import ast
import functools
import io
import re
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: Our own top-level packages; the parser may import none of them.
OURS = ("bot", "tests", "benchmarks")
#: Chat libraries, database drivers and the event loop.
CHAT = ("discord", "slack_bolt", "slack_sdk")
DATABASE = ("sqlite3", "aiosqlite", "asyncpg", "psycopg", "psycopg2")
ADAPTERS = ("bot.discord", "bot.slack", "bot.console")
#: The composition root, its helpers, the CLI and the list of platforms: the outermost ring.
OUTER = ("bot.cli", "bot.app", "bot.supervise", "bot.startup", "bot.platforms")
#: What a platform registers with: adapters import it, the core never does, and it imports
#: no adapter (:mod:`bot.platforms` lists the adapters' registrations).
REGISTRY = ("bot.registry",)
#: The one package that holds SQL and imports a database driver.
STORAGE = "bot.storage"

#: Inside ``bot.core``: the sibling sub-packages each sub-package may import.
CORE_LAYERS: Final = {
    "cards": (),
    "archive": ("cards",),
    "delivery": ("cards", "archive"),
    "enrichment": ("cards", "archive"),
    "routing": ("cards", "archive"),
    "voice": ("cards", "archive", "delivery", "enrichment", "routing"),
    "daily": ("cards", "archive", "delivery", "enrichment", "routing", "voice"),
    "answers": ("cards", "archive", "daily", "routing"),
}
#: Modules at the root of ``bot.core``: every sub-package may import them; they import nothing
#: from ``bot.core``.
CORE_SHARED: Final = ("clock", "errors")


@dataclass(frozen=True, slots=True)
class Rule:
    """Modules named ``scope`` or below it import nothing named ``forbidden`` or below it.

    Names under ``allowed`` are exceptions to ``forbidden``; modules under ``outside`` are
    exceptions to ``scope``.
    """

    scope: str
    forbidden: tuple[str, ...]
    allowed: tuple[str, ...] = ()
    outside: tuple[str, ...] = ()

    def covers(self, module: str) -> bool:
        return _within(module, self.scope) and not any(_within(module, o) for o in self.outside)


def _inside_core(name: str, may_import: tuple[str, ...]) -> Rule:
    """``bot.core.<name>`` imports nothing of ``bot.core`` but itself and ``may_import``."""
    allowed = tuple(f"bot.core.{n}" for n in (name, *may_import))
    return Rule(f"bot.core.{name}", ("bot.core",), allowed)


RULES: Final = {
    "parser-pure": Rule("digest_parser", (*OURS, *CHAT, *DATABASE, "asyncio")),
    "core-neutral": Rule(
        "bot.core", (*CHAT, *DATABASE, *ADAPTERS, *OUTER, *REGISTRY, "bot.config")
    ),
    "core-no-storage": Rule("bot.core", (STORAGE,)),
    **{
        f"{a.removeprefix('bot.')}-alone": Rule(a, (*(b for b in ADAPTERS if b != a), *OUTER))
        for a in ADAPTERS
    },
    **{f"{a.removeprefix('bot.')}-no-storage": Rule(a, (STORAGE, *DATABASE)) for a in ADAPTERS},
    "storage-inner": Rule(STORAGE, (*CHAT, *ADAPTERS, *OUTER, "bot.config")),
    "registry-inner": Rule("bot.registry", (*CHAT, *DATABASE, *ADAPTERS, *OUTER, STORAGE)),
    "drivers-in-storage": Rule("bot", DATABASE, outside=(STORAGE,)),
    **{f"{n}-layer": _inside_core(n, (*d, *CORE_SHARED)) for n, d in CORE_LAYERS.items()},
    **{f"{n}-alone": _inside_core(n, ()) for n in CORE_SHARED},
}


#: SQL as it is written: case-sensitive (prose says "select", SQL says ``SELECT``) and in the
#: shape of a statement, so that a docstring's "``SELECT {_COLUMNS}`` row" or "the INSERT" is
#: prose, while ``f"SELECT {_COLUMNS} FROM t"`` split over three literals is SQL.
SQL: Final = re.compile(
    r"\bSELECT\s.*?\bFROM\s+\w"
    r"|\bSELECT\s+(?:\d|\w+\()"
    r"|\bINSERT\s+(?:OR\s+[A-Z]+\s+)?INTO\b"
    r"|\bUPDATE\s+\w+\s+SET\b"
    r"|\bDELETE\s+FROM\b"
    r"|\bPRAGMA\s+\w"
    r"|\bBEGIN(?:\s+(?:DEFERRED|IMMEDIATE|EXCLUSIVE))?\s*(?:\bTRANSACTION\b|;|$)"
    r"|\b(?:CREATE|DROP|ALTER)\s+(?:VIRTUAL\s+)?(?:TABLE|INDEX|TRIGGER|VIEW)\b",
    re.DOTALL,
)


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def module_name(path: Path) -> str:
    """``bot/core/answers.py`` -> ``bot.core.answers``; ``bot/core/__init__.py`` -> ``bot.core``."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@functools.cache  # every rule reads every module: parse each once per run
def imported_names(source: str, module: str, *, is_package: bool) -> frozenset[str]:
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
    return frozenset(names)


def _breaks(rule: Rule, module: str, name: str) -> bool:
    """Whether ``module`` importing ``name`` breaks ``rule`` (``module`` must be in its scope).

    A package enclosing ``module`` is never a breach: importing ``module`` runs it anyway, and
    ``from bot.core import clock`` names ``bot.core`` beside the ``bot.core.clock`` it imports.
    """
    if name == "<beyond top level>":
        return True
    if _within(module, name):
        return False
    return any(_within(name, f) for f in rule.forbidden) and not any(
        _within(name, a) for a in rule.allowed
    )


def violations(
    source: str, module: str, *, is_package: bool = False, rules: tuple[Rule, ...] | None = None
) -> list[str]:
    """What ``module`` imports against ``rules`` (all :data:`RULES`), as ``module imports name``."""
    names = imported_names(source, module, is_package=is_package)
    return sorted(
        {
            f"{module} imports {name}"
            for rule in (tuple(RULES.values()) if rules is None else rules)
            if rule.covers(module)
            for name in names
            if _breaks(rule, module, name)
        }
    )


def _texts(source: str) -> Iterator[tuple[int, str]]:
    """Every string literal (adjacent ones joined, an f-string's holes as ``{}``) and comment."""
    tree = ast.parse(source)
    held = {  # the literal parts of f-strings, read whole as their f-string
        id(v) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for v in node.values
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            yield (
                node.lineno,
                "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values),
            )
        elif (
            isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in held
        ):
            yield node.lineno, node.value
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            yield token.start[0], token.string


def sql_in(source: str) -> list[str]:
    """Where ``source`` writes SQL (see :data:`SQL`), as ``line: statement`` lines."""
    return sorted(
        {
            f"{line}: {' '.join(match.group().split())}"
            for line, text in _texts(source)
            if (match := SQL.search(text))
        },
        key=lambda found: int(found.partition(":")[0]),
    )


def our_modules() -> list[Path]:
    return sorted(p for top in ("digest_parser", "bot") for p in (ROOT / top).rglob("*.py"))


def test_every_rule_scope_has_modules() -> None:
    # A renamed package would otherwise leave its rule checking nothing.
    names = {module_name(p) for p in our_modules()}
    for rule in RULES.values():
        assert any(rule.covers(n) for n in names), rule.scope


def test_every_core_module_has_a_layer() -> None:
    # A new sub-package of bot.core (or a module at its root) would otherwise be free to
    # import anything in the core, and anything in the core free to import it.
    for path in our_modules():
        parts = module_name(path).split(".")
        if parts[:2] == ["bot", "core"] and len(parts) > 2:
            assert parts[2] in (*CORE_LAYERS, *CORE_SHARED), module_name(path)


@pytest.mark.parametrize("name", list(RULES))
def test_imports_point_inward(name: str) -> None:
    found = [
        line
        for path in our_modules()
        for line in violations(
            path.read_text(encoding="utf-8"),
            module_name(path),
            is_package=path.name == "__init__.py",
            rules=(RULES[name],),
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
        ("bot.core.cards", False, "import bot.supervise", "bot.supervise"),
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
        ("bot.core.cards.fitting", False, "from .text import cut\nfrom . import links"),
        ("bot.core", True, "from .cards import Card\nfrom digest_parser import Digest"),
        ("bot.discord.render", False, "from ..core.cards import Card\nimport discord"),
        ("bot.slack.poster", False, "from bot.config import SlackConfig\nfrom .limits import X"),
        ("digest_parser.model", False, "from .sections import SectionKey\nimport regex"),
        # Each room of the core imports the rooms inside it and the shared root modules.
        ("bot.core.archive.lookup", False, "from ..cards.card import Card\nfrom .refs import r"),
        (
            "bot.core.delivery.worker",
            False,
            "from bot.core.archive import records\nfrom .. import clock",
        ),
        (
            "bot.core.daily.schedule",
            False,
            "from ..delivery.outbox import Outbox\nfrom ..errors import E",
        ),
        (
            "bot.core.answers.query",
            False,
            "from ..daily.subscriptions import S\nimport bot.core.cards",
        ),
        ("bot.core.clock", False, "import asyncio\nimport time"),
        # Storage imports the core and its driver; the root and the CLI import storage.
        ("bot.storage.sqlite.store", False, "import aiosqlite\nfrom ...core import errors"),
        (
            "bot.storage.postgres.store",
            False,
            "import asyncpg\nfrom bot.core.archive import records",
        ),
        ("bot.app", False, "from bot.storage import open_store\nfrom bot.slack import platform"),
        ("bot.cli.status", False, "from bot.storage.sqlite.store import Store"),
        # A platform registers with the registry; only the outer ring lists the platforms.
        ("bot.slack.platform", False, "from bot.registry import Platform"),
        ("bot.platforms", False, "from bot.slack.platform import SLACK"),
    ],
)
def test_an_inward_import_passes(module: str, is_package: bool, source: str) -> None:
    assert violations(source, module, is_package=is_package) == []


#: For every rule, imports it catches on its own: (rule, module, source, what is reported).
#: The first of each kind of breach the #13 plan names is here.
BAD_BY_RULE: Final = [
    ("parser-pure", "digest_parser.model", "import asyncio", "asyncio"),
    ("registry-inner", "bot.registry", "from bot.slack.platform import SLACK", "bot.slack"),
    ("registry-inner", "bot.registry", "from bot import platforms", "bot.platforms"),
    ("core-neutral", "bot.core.archive.lookup", "import aiosqlite", "aiosqlite"),
    ("core-neutral", "bot.core.answers.query", "import asyncpg", "asyncpg"),
    (
        "core-neutral",
        "bot.core.daily.schedule",
        "from bot.registry import PLATFORMS",
        "bot.registry",
    ),
    ("core-neutral", "bot.core.delivery.worker", "from bot import platforms", "bot.platforms"),
    ("core-neutral", "bot.core.daily.config", "from ... import config", "bot.config"),
    (
        "core-no-storage",
        "bot.core.delivery.worker",
        "from bot.storage import Store",
        "bot.storage",
    ),
    (
        "core-no-storage",
        "bot.core.archive.lookup",
        "from ...storage.sqlite import store",
        "bot.storage",
    ),
    (
        "core-no-storage",
        "bot.core.daily.subscriptions",
        "if TYPE_CHECKING:\n    from bot.storage.sqlite.store import Store",
        "bot.storage",
    ),
    ("discord-alone", "bot.discord.render", "from ..slack import x", "bot.slack"),
    ("slack-alone", "bot.slack.poster", "from bot.app import open_poster", "bot.app"),
    ("console-alone", "bot.console.poster", "from ..cli import common", "bot.cli"),
    (
        "discord-alone",
        "bot.discord.platform",
        "from bot.platforms import PLATFORMS",
        "bot.platforms",
    ),
    ("discord-no-storage", "bot.discord.responder", "import sqlite3", "sqlite3"),
    (
        "discord-no-storage",
        "bot.discord.responder",
        "from bot.storage.sqlite.version import ArchiveVersion",
        "bot.storage",
    ),
    (
        "slack-no-storage",
        "bot.slack.app",
        "from ..storage import open_store",
        "bot.storage",
    ),
    ("console-no-storage", "bot.console.poster", "import aiosqlite", "aiosqlite"),
    ("storage-inner", "bot.storage.sqlite.store", "from bot.slack import x", "bot.slack"),
    ("storage-inner", "bot.storage.sqlite.schema", "from bot.cli.common import x", "bot.cli"),
    ("storage-inner", "bot.storage.sqlite.store", "from bot import app", "bot.app"),
    ("storage-inner", "bot.storage.sqlite.store", "from ... import config", "bot.config"),
    ("storage-inner", "bot.storage.sqlite.store", "import discord", "discord"),
    ("drivers-in-storage", "bot.app", "import sqlite3", "sqlite3"),
    ("drivers-in-storage", "bot.discord.responder", "import sqlite3", "sqlite3"),
    ("drivers-in-storage", "bot.cli.status", "from aiosqlite import Connection", "aiosqlite"),
    ("drivers-in-storage", "bot.config", "import psycopg", "psycopg"),
    ("cards-layer", "bot.core.cards.card", "from ..archive import lookup", "bot.core.archive"),
    (
        "cards-layer",
        "bot.core.cards.card",
        "from bot.core.filters import F",
        "bot.core.filters",
    ),
    (
        "archive-layer",
        "bot.core.archive.lookup",
        "from ..answers import query",
        "bot.core.answers",
    ),
    (
        "archive-layer",
        "bot.core.archive.lookup",
        "from .. import delivery",
        "bot.core.delivery",
    ),
    (
        "delivery-layer",
        "bot.core.delivery.worker",
        "from ..daily.schedule import S",
        "bot.core.daily",
    ),
    (
        "delivery-layer",
        "bot.core.delivery.outbox",
        "import bot.core.answers.cache",
        "bot.core.answers",
    ),
    (
        "enrichment-layer",
        "bot.core.enrichment.enricher",
        "from ..delivery.outbox import Outbox",
        "bot.core.delivery",
    ),
    (
        "routing-layer",
        "bot.core.routing.selection",
        "from ..delivery.outbox import Outbox",
        "bot.core.delivery",
    ),
    (
        "voice-layer",
        "bot.core.voice.desk",
        "from ..daily.planner import Planner",
        "bot.core.daily",
    ),
    (
        "daily-layer",
        "bot.core.daily.schedule",
        "from ..answers.query import Query",
        "bot.core.answers",
    ),
    (
        "answers-layer",
        "bot.core.answers.paper_answers",
        "from ..delivery import outbox",
        "bot.core.delivery",
    ),
    ("clock-alone", "bot.core.clock", "from .errors import StorageError", "bot.core.errors"),
    ("clock-alone", "bot.core.clock", "from bot.core.cards import card", "bot.core.cards"),
    ("errors-alone", "bot.core.errors", "from . import clock", "bot.core.clock"),
]


@pytest.mark.parametrize(("rule", "module", "source", "expected"), BAD_BY_RULE)
def test_each_rule_catches_its_bad_imports(
    rule: str, module: str, source: str, expected: str
) -> None:
    found = violations(source, module, rules=(RULES[rule],))
    assert any(line.startswith(f"{module} imports {expected}") for line in found), found


def test_every_rule_has_a_bad_import() -> None:
    # A rule added without an example could be checking nothing at all.
    assert {rule for rule, *_ in BAD_BY_RULE} == set(RULES)


def test_sql_only_in_storage() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in sorted((ROOT / "bot").rglob("*.py"))
        if not _within(module_name(path), STORAGE)
        for line in sql_in(path.read_text(encoding="utf-8"))
    ]
    assert not found, "\n".join(found)


def test_the_sql_pattern_knows_our_sql() -> None:
    # Every statement module of the storage package is SQL by the pattern's lights; a pattern
    # that stopped matching SQL as we write it would let any SQL through the test above.
    modules = sorted((ROOT / "bot" / "storage").rglob("*_sql.py"))
    assert modules
    for path in modules:
        assert sql_in(path.read_text(encoding="utf-8")), path.relative_to(ROOT)


@pytest.mark.parametrize(
    "source",
    [
        'conn.execute("SELECT paper, state FROM outbox WHERE id = ?", (row,))',
        '(\n    "SELECT platform, channel,"\n    " count(*) FROM outbox GROUP BY 1, 2"\n)',
        'f"SELECT {_COLUMNS} FROM schedule_runs WHERE platform = ?"',
        'QUERY = """\n    SELECT a\n      FROM t\n"""',
        'await conn.execute("SELECT 1")',
        'await conn.execute("INSERT INTO leases VALUES (?, ?, ?)", row)',
        '"INSERT OR IGNORE INTO outbox (paper) VALUES (?)"',
        "\"UPDATE outbox SET state = 'sent' WHERE id = ?\"",
        '"DELETE FROM leases WHERE owner = ?"',
        'await store.query("PRAGMA data_version")',
        'await conn.execute("BEGIN IMMEDIATE")',
        'await conn.execute("BEGIN")',
        '"CREATE TABLE IF NOT EXISTS leases (name TEXT PRIMARY KEY)"',
        "x = 1  # the same as SELECT max(digest_date) FROM outbox",
    ],
)
def test_sql_is_found(source: str) -> None:
    assert sql_in(source), source


@pytest.mark.parametrize(
    "source",
    [
        '"""Build from a ``SELECT {_COLUMNS}`` row."""',
        '"""Select the newest digest, then update or delete from the outbox."""',
        '"""The INSERT and the UPDATE happen in one transaction (BEGIN ... COMMIT)."""',
        'raise SetupError("Update the token, then begin again; DELETE requests are retried")',
        "x = 1  # PRAGMA-free: the archive's version comes from the storage port",
    ],
)
def test_prose_about_sql_is_not_sql(source: str) -> None:
    assert sql_in(source) == []
