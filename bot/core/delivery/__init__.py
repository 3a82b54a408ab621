"""Delivery: every planned message reaches its channel exactly once, at the platform's pace.

Owns the :class:`~bot.core.delivery.poster.Poster` port the adapters implement with its tree
of send errors, the outbox of planned messages (:mod:`~bot.core.delivery.outbox`), the worker
that drains it in order, asking the platform about a send a crash interrupted before it
sends again (:mod:`~bot.core.delivery.worker`), pacing (:mod:`~bot.core.delivery.pacing`),
the lease that lets at most one process deliver to a platform
(:mod:`~bot.core.delivery.lease`), the progress ``paperbot post`` shows, noticing what other
processes planned, and the shape of each platform's channel ids. It may import
:mod:`bot.core.cards` and :mod:`bot.core.archive` (and the shared ``clock`` and ``errors``),
never the daily run or chat answers: what to send is decided before it reaches the outbox.
"""
