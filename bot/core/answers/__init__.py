"""Chat answers: what every command answers and says, decided once for every platform.

Owns what ``/paper``, ``/section``, ``/digest`` and ``/paper-search`` answer, as typed values
the adapters only render (:mod:`~bot.core.answers.paper_answers`); what ``/subscribe``,
``/unsubscribe`` and ``/subscriptions`` do and reply
(:mod:`~bot.core.answers.subscription_answers`), with the newest digest's words to suggest
while a filter is typed (:mod:`~bot.core.answers.filter_suggestions`); and the cache that
keeps answers while the archive stays the same (:mod:`~bot.core.answers.cache`). It is the
outermost room of the core: it may import :mod:`bot.core.cards`, :mod:`bot.core.archive`,
:mod:`bot.core.daily` and :mod:`bot.core.routing` (and the shared ``clock`` and ``errors``),
and nothing in the core imports it.
"""
