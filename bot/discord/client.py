"""The Discord bot: the client that answers paperbot's commands and components.

Collaborators come in through the constructor (the archive's
:class:`~bot.core.archive.lookup.Lookup` and the ``[discord]`` config), and everything asynchronous
happens in :meth:`setup_hook`, after login and before the gateway connects: the component routes
are registered (so buttons on old cards work from the first event), the commands are added with
their Korean translations, and the command tree is synced to the development guild or globally.

It is an :class:`~discord.ext.commands.AutoShardedBot`: with ``shard_count`` unset Discord's
recommendation (``GET /gateway/bot``) decides, which is one shard below 2,500 guilds; all
shards run in this process unless ``shard_ids`` names this process's share, so that several
``serve`` processes together cover every guild. Run it with :func:`run_bot` (or
``async with bot: await bot.start(token)``).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord
from discord.ext import commands

from bot.discord.components import dynamic_items

from .commands import PaperCommands
from .endpoints import use_endpoints
from .errors import NETWORK_ERRORS, TOKEN_ENV, DiscordSetupError, login_error
from .i18n import KoreanTranslator
from .poster import NO_MENTIONS
from .responder import DEFER_AFTER, Responder
from .subscription_commands import SubscriptionCommands
from .voice import without_voice
from .voice_answers import VoiceAnswers
from .voice_commands import VoiceCommands
from .voice_components import voice_items

if TYPE_CHECKING:
    from discord import app_commands

    from bot.core.answers.subscription_answers import SubscriptionDesk
    from bot.core.archive.lookup import Lookup
    from bot.core.voice.desk import VoiceDesk
    from bot.discord.config import DiscordConfig

__all__ = ["PaperBot", "bot_intents", "run_bot"]

_log = logging.getLogger(__name__)


def bot_intents() -> discord.Intents:
    """Only ``guilds``: interactions arrive without any intent, and no message is read."""
    return discord.Intents(guilds=True)


class PaperBot(commands.AutoShardedBot):
    """paperbot on Discord.

    Args:
        lookup: The archive's query service, shared with every other adapter.
        config: The ``[discord]`` section: endpoints, development guild, shard count.
        sync_commands: Sync the command tree in :meth:`setup_hook`. Global syncs are rate
            limited (and take up to an hour to show), so a deployment that did not change its
            commands may turn this off.
        defer_after: Seconds an answer may take before the interaction is deferred.
        desk: Answers ``/subscribe``, ``/unsubscribe`` and ``/subscriptions`` when given
            (``paperbot serve`` passes one; without it those commands are not offered).
        voice: Counts the cards' 👍/🔖 presses and answers ``/saved``, ``/reading-list``,
            ``/follow`` and ``/unfollow`` when given (``paperbot serve`` passes one); every
            command's answer is then followed by the member's notice, if any.
        options: Passed to :class:`discord.ext.commands.AutoShardedBot` (tests pass
            ``guild_ready_timeout``).
    """

    def __init__(
        self,
        *,
        lookup: Lookup,
        config: DiscordConfig,
        sync_commands: bool = True,
        defer_after: float = DEFER_AFTER,
        desk: SubscriptionDesk | None = None,
        voice: VoiceDesk | None = None,
        **options: Any,
    ) -> None:
        use_endpoints(config)
        without_voice()
        options.setdefault("intents", bot_intents())
        if config.shard_ids is not None:  # this process's share of the shards
            options.setdefault("shard_ids", list(config.shard_ids))
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            shard_count=config.shard_count,
            allowed_mentions=NO_MENTIONS,
            **options,
        )
        self.lookup = lookup
        self.config = config
        self.components = Responder(lookup, defer_after=defer_after, voice=voice)
        self._sync = sync_commands
        self._desk = desk
        self._voice = voice
        #: Answers the 👍/🔖 buttons and the list menus; ``None`` shows a note on a click.
        self.voice_answers = VoiceAnswers(voice, self.components) if voice else None
        self.synced: list[app_commands.AppCommand] = []

    async def setup_hook(self) -> None:
        """Register component routes, add the commands, sync them, pre-render today's cards."""
        self.add_dynamic_items(*dynamic_items(), *voice_items())
        await self.tree.set_translator(KoreanTranslator())
        await self.add_cog(PaperCommands(self.lookup, self.components))
        if self._desk is not None:
            await self.add_cog(SubscriptionCommands(self._desk, self.components))
        if self._voice is not None and self.voice_answers is not None:
            await self.add_cog(VoiceCommands(self._voice, self.voice_answers, self.components))
        if self._sync:
            self.synced = await self.sync_commands()
        try:
            warmed = await self.components.warm_up()
        except Exception:  # a slow first answer is no reason not to start
            _log.exception("could not pre-render the newest digest's cards")
        else:
            _log.info("pre-rendered %d cards of the newest digest", warmed)

    async def sync_commands(self) -> list[app_commands.AppCommand]:
        """Sync to ``dev_guild_id`` (instant, for development) or globally."""
        guild_id = self.config.dev_guild_id
        if guild_id is None:
            synced = await self.tree.sync()
            _log.info("synced %d global commands", len(synced))
            return synced
        guild = discord.Object(id=guild_id)
        self.tree.copy_global_to(guild=guild)
        synced = await self.tree.sync(guild=guild)
        _log.info("synced %d commands to guild %s", len(synced), guild_id)
        return synced

    async def launch_shards(self) -> None:
        """Honour ``gateway_url`` with automatic sharding too.

        With no shard count discord.py connects to the URL ``GET /gateway/bot`` returns and
        ignores the configured gateway, so take only the recommended count from there.
        """
        if self.shard_count is None and self.config.gateway_url is not None:
            self.shard_count, _, _ = await self.http.get_bot_gateway()
        await super().launch_shards()

    async def close(self) -> None:
        """Close the connections, then stop watching the archive."""
        await super().close()
        self.components.close()

    async def on_ready(self) -> None:
        """Log who we are and where: the first thing to check when commands do not appear."""
        shards = self.config.shard_ids
        _log.info(
            "connected as %s (application %s) to %d guild(s) over %s shard(s)%s",
            self.user,
            self.application_id,
            len(self.guilds),
            self.shard_count,
            f" (this process runs {', '.join(map(str, shards))})" if shards else "",
        )


async def run_bot(lookup: Lookup, config: DiscordConfig, token: str | None, **options: Any) -> None:
    """Run paperbot on Discord until the task is cancelled or the bot is closed.

    This is what a ``paperbot`` service command needs::

        async with Store.open(path) as store:
            await run_bot(Lookup(store), config.discord, secrets.discord_token)

    Raises:
        DiscordSetupError: ``token`` is missing, Discord refuses it, or Discord cannot be
            reached (once connected, discord.py reconnects by itself: this is at start).
    """
    if not token:
        raise DiscordSetupError(
            f"{TOKEN_ENV} is not set: copy the bot token from the Developer Portal"
        )
    bot = PaperBot(lookup=lookup, config=config, **options)
    async with bot:
        try:
            await bot.start(token)
        except (discord.LoginFailure, *NETWORK_ERRORS) as error:
            raise login_error(error, config.api_base_url) from None
