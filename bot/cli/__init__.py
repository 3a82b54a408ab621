"""Command-line entry point: ``paperbot`` / ``python -m bot``.

Each command lives in its own module and registers itself on :data:`app`; heavy imports
(chat libraries, the database) stay inside the commands so ``paperbot parse`` starts fast.
"""

from __future__ import annotations

from . import parse as _parse  # noqa: F401  (registers the command)
from .app import app

__all__ = ["app", "main"]


def main() -> None:
    """Run the CLI."""
    app()
