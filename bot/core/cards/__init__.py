"""Cards: what one paper (or a digest's header) looks like before any platform formats it.

Owns the :class:`~bot.core.cards.card.Card` model built from a parsed paper, the one routine
that fits rendered text into a platform's limits (:mod:`~bot.core.cards.fitting`), and the
length-safe, mention-safe text tools every renderer shares: cutting and splitting Markdown at
safe places, escaping, the shared Markdown parser and its masked-link rule
(:mod:`~bot.core.cards.text`, :mod:`~bot.core.cards.links`). It is the innermost room: it
imports :mod:`digest_parser` and no other sub-package of :mod:`bot.core`, so a card means the
same thing whether it came from the archive, the outbox or a chat answer.
"""
