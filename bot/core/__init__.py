"""The platform-neutral, storage-neutral core, in sub-packages by concern.

Each sub-package's docstring says what it owns; an arrow reads "may import"::

    cards      Card, fitting to limits, length-safe text      -> (no sibling)
    archive    ingest, lookup, search, references, records    -> cards
    delivery   Poster port, outbox, worker, pacing, lease     -> cards, archive
    daily      subscriptions, scheduler, slots, sources       -> cards, archive, delivery
    answers    what chat commands answer, the answer cache    -> cards, archive, daily

    clock.py   injected time          errors.py   the StorageError tree
    (both import nothing from bot.core; every sub-package may import them)

Besides these, the core imports only :mod:`digest_parser` and ordinary libraries. It never
imports a chat library (``discord``, ``slack_*``), an adapter, the storage package
(:mod:`bot.storage`), a database driver, the platform registry, the config, the composition
root or the CLI: storage and adapters implement the core's ports (``Protocol`` classes) and
the composition root hands them in, so the core reads the same whatever the platform or the
database. ``tests/test_architecture.py`` enforces all of it (its ``DATABASE`` names the
drivers), and that no SQL text is written outside :mod:`bot.storage`.
"""
