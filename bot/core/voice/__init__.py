"""The group's voice: reactions, saved papers, reading lists and follows."""
