"""The daily run: which channel gets which digest, and when.

Owns the subscriptions (which channel, at what local time, which sections, made in
``config.toml`` or from chat; :mod:`~bot.core.daily.subscriptions`) and their config models
(:mod:`~bot.core.daily.config`), the DST-correct local posting times
(:mod:`~bot.core.daily.slots`), the scheduler that plans each channel's newest unsent digest
into the outbox at its slot and remembers what became of every slot
(:mod:`~bot.core.daily.schedule`, :mod:`~bot.core.daily.schedule_runs`), and the sources that
bring digests into the archive: a watched directory and a polled URL
(:mod:`~bot.core.daily.sources`, :mod:`~bot.core.daily.http_source`). It may import
:mod:`bot.core.cards`, :mod:`bot.core.archive` and :mod:`bot.core.delivery` (and the shared
``clock`` and ``errors``), never chat answers.
"""
