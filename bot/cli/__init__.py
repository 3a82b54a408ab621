"""Command-line entry point: ``paperbot`` / ``python -m bot``.

Each command lives in its own module and registers itself on :data:`app`; heavy imports
(chat libraries, the database) stay inside the commands so ``paperbot parse`` starts fast.
"""

from __future__ import annotations

from . import discord as _discord  # noqa: F401  (each module registers its commands)
from . import enrich as _enrich  # noqa: F401
from . import export as _export  # noqa: F401
from . import ingest as _ingest  # noqa: F401
from . import lookup as _lookup  # noqa: F401
from . import migrate as _migrate  # noqa: F401
from . import parse as _parse  # noqa: F401
from . import post as _post  # noqa: F401
from . import retry as _retry  # noqa: F401
from . import serve as _serve  # noqa: F401
from . import status as _status  # noqa: F401
from .app import app

__all__ = ["app", "main"]


def main() -> None:
    """Run the CLI."""
    app()
