"""paperbot never joins a voice channel, so discord.py's voice warnings are noise.

discord.py logs "PyNaCl is not installed, voice will NOT be supported" and "davey is not
installed, …" (``discord.client``, at WARNING) the first time a client is made in a process,
unless the class flags ``VoiceClient.warn_nacl`` and ``warn_dave`` are off. Every one-shot
command makes a client, so every ``paperbot discord …`` and ``post --to discord:…`` printed
them. Turning the flags off removes exactly those two lines; any other warning of
``discord.client`` still shows. Installing the voice extras instead would add native
libraries nobody uses.
"""

from __future__ import annotations

import discord

__all__ = ["without_voice"]


def without_voice() -> None:
    """Skip discord.py's "… is not installed, voice will NOT be supported" warnings.

    Call it before a client is made (the warnings are logged in ``Client.__init__``).
    """
    discord.VoiceClient.warn_nacl = False
    discord.VoiceClient.warn_dave = False
