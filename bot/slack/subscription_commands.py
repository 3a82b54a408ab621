"""``/subscribe``, ``/unsubscribe`` and ``/subscriptions`` on Slack, for admins only.

Who is an admin is the one thing Slack decides here: a workspace admin or owner (``users.info``
says ``is_admin``/``is_owner``), or a user id in ``[slack] admins``: a team may prefer that
the people who run its reading group, not its IT department, choose when digests arrive. The
rest (arguments, the table, the words of the reply) is :mod:`bot.core.answers.subscription_answers`,
shared with Discord.

Like every listener, these acknowledge first (three seconds) and never crash: a failed
``users.info`` refuses politely with the reason, anything unexpected gets an apology.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from typing import TYPE_CHECKING, Any, Final

from slack_sdk.errors import SlackApiError

from bot.core.answers.paper_answers import is_help
from bot.core.answers.subscription_answers import Voice, parse_subscribe_text
from bot.core.cards.text import escape_slack
from bot.core.daily.subscriptions import SubscriptionError
from bot.core.voice.members import tag

from .limits import SECTION_TEXT_MAX
from .literal import literal
from .notice import Register, plain
from .responder import acked, api_refusal, apology, say

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
    from slack_sdk.web.async_client import AsyncWebClient

    from bot.core.answers.subscription_answers import SubscriptionDesk

__all__ = ["SUBSCRIPTION_COMMANDS", "WHO_MAY", "SubscriptionCommands", "is_admin"]

_log = logging.getLogger(__name__)

#: The commands, as the app manifest declares them.
SUBSCRIPTION_COMMANDS: Final = ("/subscribe", "/unsubscribe", "/subscriptions")
#: The refusal's "only … can manage" phrase.
WHO_MAY: Final = "workspace admins and owners (or people on paperbot's admin list)"
_ADMIN_FLAGS: Final = ("is_admin", "is_owner", "is_primary_owner")
#: Replies escape digest text and filter terms as mrkdwn literals (``<!channel>`` and
#: ``*bold*`` show as typed, ping no one, format nothing) and stay within one section's 3000
#: characters: longer text is hard to read in a reply.
VOICE: Final = Voice(literal, SECTION_TEXT_MAX)

Payload = dict[str, Any]


class SubscriptionCommands:
    """The three listeners, bound to one :class:`SubscriptionDesk`.

    Args:
        desk: The subscription commands for platform ``slack``.
        admins: User ids allowed besides workspace admins and owners (``[slack] admins``).
    """

    def __init__(self, desk: SubscriptionDesk, admins: Collection[str] = ()) -> None:
        self._desk = desk.speaking(VOICE)
        self._admins = frozenset(admins)

    def register(self, app: AsyncApp, command: Register | None = None) -> None:
        """Add the listeners to ``app`` (through ``command`` when given)."""
        command = command or plain(app)
        command("/subscribe", self.subscribe)
        command("/unsubscribe", self.unsubscribe)
        command("/subscriptions", self.subscriptions)

    async def subscribe(
        self, ack: AsyncAck, command: Payload, respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        """``/subscribe [TIME] [TIMEZONE] [SECTIONS] [thread] [include:… …] [preview]``."""
        await acked(ack)
        async with apology(respond, "/subscribe"):
            text = str(command.get("text") or "")
            if text.strip() and is_help(text):
                await say(respond, self._desk.help("subscribe"))
            elif await self._admitted(command, respond, client):
                try:
                    args = parse_subscribe_text(text)
                except SubscriptionError as error:
                    await say(
                        respond, f"{escape_slack(str(error))}\n{self._desk.usage('subscribe')}"
                    )
                    return
                if args.preview:
                    await say(respond, await self._desk.preview(_channel(command), args))
                    return
                answer = await self._desk.subscribe(_channel(command), args)
                await say(respond, answer + _MEMBERSHIP_HINT)

    async def unsubscribe(
        self, ack: AsyncAck, command: Payload, respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        """``/unsubscribe``: this channel gets no more daily digests."""
        await acked(ack)
        async with apology(respond, "/unsubscribe"):
            if is_help(str(command.get("text") or "x")):
                await say(respond, self._desk.usage("unsubscribe"))
            elif await self._admitted(command, respond, client):
                await say(respond, await self._desk.unsubscribe(_channel(command)))

    async def subscriptions(
        self, ack: AsyncAck, command: Payload, respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        """``/subscriptions``: every subscribed channel of the workspace."""
        await acked(ack)
        async with apology(respond, "/subscriptions"):
            if is_help(str(command.get("text") or "x")):
                await say(respond, self._desk.usage("subscriptions"))
            elif await self._admitted(command, respond, client):
                await say(respond, await self._desk.listing())

    async def _admitted(
        self, command: Payload, respond: AsyncRespond, client: AsyncWebClient
    ) -> bool:
        """Whether the caller may manage subscriptions; tells them why not when they may not."""
        user = str(command.get("user_id") or "")
        try:
            admin = await is_admin(client, user, self._admins)
        except SlackApiError as error:
            refused = api_refusal(error)
            _log.warning("users.info for %s failed: %s", tag(user), refused)
            await say(
                respond,
                "I could not check whether you are a workspace admin "
                f"(Slack said `{refused.shown_code}`). "
                "Please try again, or ask whoever runs paperbot to add your user id to "
                "`[slack] admins`.",
            )
            return False
        if admin:
            return True
        await say(respond, self._desk.refusal(WHO_MAY))
        return False


async def is_admin(client: AsyncWebClient, user: str, admins: Collection[str]) -> bool:
    """Whether ``user`` is on the admin list or a workspace admin or owner (``users.info``).

    Raises:
        SlackApiError: ``users.info`` failed.
    """
    if user and user in admins:
        return True
    info = await client.users_info(user=user)
    profile = info.get("user") or {}
    return any(profile.get(flag) for flag in _ADMIN_FLAGS)


#: Posting needs membership in private channels (public ones take ``chat:write.public``).
_MEMBERSHIP_HINT: Final = (
    "\nIn a private channel, invite me first (`/invite @paperbot`) or the cards cannot arrive."
)


def _channel(command: Payload) -> str:
    return str(command.get("channel_id") or "")
