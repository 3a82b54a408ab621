"""Routing: which of a day's papers a channel gets, and why the others are left out.

Owns the filter terms (:mod:`~bot.core.routing.terms`: literal words and phrases, matched as
whole words in Latin script and as substrings in Hangul), a channel's filter settings
(:mod:`~bot.core.routing.filters`) and the selection that applies them to a day or a week of
archived papers, keeping a reason for every paper left out
(:mod:`~bot.core.routing.selection`), and the suggestions offered while a filter is typed
(:mod:`~bot.core.routing.suggestions`). It is pure: no I/O, no clock. It may import
:mod:`bot.core.cards` and :mod:`bot.core.archive` (their records), nothing that delivers.
"""
