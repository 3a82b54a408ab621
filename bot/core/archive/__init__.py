"""The archive, as the core sees it: every digest ever read, and how to find things in it.

Owns getting digest files in (:mod:`~bot.core.archive.ingest`: read, hash, parse, store, one
way for every path in), reading papers, sections, digests and search results back out as
typed answers whose misses carry what to try next (:mod:`~bot.core.archive.lookup`), reading
the paper a person means out of whatever they pasted (:mod:`~bot.core.archive.refs`), and the
records archive reads return (:mod:`~bot.core.archive.records`). Where the archive is kept and
how its search index works belong to :mod:`bot.storage`, which the core never imports. It may
import :mod:`bot.core.cards` (and the shared ``clock`` and ``errors``), nothing else of the
core.
"""
