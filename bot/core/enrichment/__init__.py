"""Enrichment: what Hugging Face knows about each archived paper, fetched and kept fresh.

Owns the Hugging Face API's response models and their checks (:mod:`.response`: bounded
strings and arrays, ``https`` links only, thumbnails only from Hugging Face's hosts), the
client that asks for a day's list and for single papers, paced and retried
(:mod:`.client`), the :class:`~.enricher.Enricher` that turns one archived digest into stored
:class:`~bot.core.cards.paper_meta.PaperMeta` (one request per day, plus one per paper the
day's list lacks), when that happens (:mod:`.background`: after a digest is archived, and
again shortly before a channel's posting time), its ``[enrichment]`` settings (:mod:`.config`)
and what it asks of storage (:mod:`.repositories`). Nothing here ever delays ingest or posting:
a card without metadata goes out on time. It may import :mod:`bot.core.cards` and
:mod:`bot.core.archive` (and the shared ``clock`` and ``errors``).
"""
