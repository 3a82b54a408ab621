"""The platform-neutral core: cards, store, lookups, schedule and delivery.

Nothing here imports ``discord`` or ``slack_*``; adapters translate to and from these values.
"""
