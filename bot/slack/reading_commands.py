"""``/reading-list``, ``/follow`` and ``/unfollow`` on Slack.

``/reading-list [PAGE]`` shows what members of this channel liked or saved, with counts and no
names; admins (the rule of ``/subscribe``: :func:`~bot.slack.subscription_commands.is_admin`)
also get a Remove… menu, and ``/reading-list remove ARXIV_ID`` does the same by typing. Who is
an admin is checked again when the menu is used: a menu is only a message, anyone could
forward its value. ``/follow`` and ``/unfollow`` are the desk's own answers. All are ephemeral.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from typing import TYPE_CHECKING, Any, Final

from slack_sdk.errors import SlackApiError

from bot.core.voice.members import ChannelRef, tag

from .literal import literal
from .notice import Register, member_of, plain
from .responder import acked, api_refusal, apology, say
from .subscription_commands import is_admin
from .voice_pages import (
    ACTION_READING_PAGE,
    ACTION_READING_REMOVE,
    page_of,
    paper_of,
    show_page,
)

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
    from slack_sdk.web.async_client import AsyncWebClient

    from bot.core.voice.desk import VoiceDesk

__all__ = ["READING_COMMANDS", "READING_HELP", "ReadingCommands"]

_log = logging.getLogger(__name__)

Payload = dict[str, Any]

#: The commands, as the app manifest declares them.
READING_COMMANDS: Final = ("/reading-list", "/follow", "/unfollow")

READING_HELP: Final = (
    "`/reading-list`: the papers members of this channel liked (👍) or saved (🔖), with "
    "counts and no names · `/reading-list 2`: another page · "
    "`/reading-list remove ARXIV_ID`: admins take a paper off the list"
)


class ReadingCommands:
    """The listeners, bound to the voice desk.

    Args:
        voice: The desk.
        admins: User ids allowed besides workspace admins and owners (``[slack] admins``).
    """

    def __init__(self, voice: VoiceDesk, admins: Collection[str] = ()) -> None:
        self._voice = voice
        self._admins = frozenset(admins)

    def register(self, app: AsyncApp, command: Register | None = None) -> None:
        """Add the commands (through ``command`` when given) and the list's controls."""
        command = command or plain(app)
        command("/reading-list", self.reading_list)
        command("/follow", self.follow)
        command("/unfollow", self.unfollow)
        app.action(ACTION_READING_REMOVE)(self.remove)
        app.action(f"{ACTION_READING_PAGE}_prev")(self.turn_page)
        app.action(f"{ACTION_READING_PAGE}_next")(self.turn_page)

    async def reading_list(
        self, ack: AsyncAck, command: Payload, respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        """``/reading-list [PAGE|remove ARXIV_ID|help]``."""
        await acked(ack)
        async with apology(respond, "/reading-list"):
            words = str(command.get("text") or "").split()
            where = _channel(command.get("team_id"), command.get("channel_id"))
            user = str(command.get("user_id") or "")
            if words and words[0].lower() == "remove":
                if len(words) != 2:
                    await say(respond, READING_HELP)
                    return
                admin = await self._admin(client, user)
                said = await self._voice.remove_from_reading_list(
                    where, words[1], admin=admin is True
                )
                await say(respond, literal(said) if admin is not None else _UNCHECKED)
            elif not words or (len(words) == 1 and words[0].isdigit()):
                admin = await self._admin(client, user)
                page = int(words[0]) if words else 1
                await self._show(where, respond, page, admin=admin is True)
            else:
                await say(respond, READING_HELP)

    async def follow(self, ack: AsyncAck, command: Payload, respond: AsyncRespond) -> None:
        """``/follow [TERMS|resume|help]``."""
        await acked(ack)
        async with apology(respond, "/follow"):
            text = str(command.get("text") or "")
            await say(respond, await self._voice.follow(member_of(command), text, literal))

    async def unfollow(self, ack: AsyncAck, command: Payload, respond: AsyncRespond) -> None:
        """``/unfollow [TERMS|all]``."""
        await acked(ack)
        async with apology(respond, "/unfollow"):
            text = str(command.get("text") or "")
            await say(respond, await self._voice.unfollow(member_of(command), text, literal))

    async def remove(
        self,
        ack: AsyncAck,
        action: Payload,
        body: Payload,
        respond: AsyncRespond,
        client: AsyncWebClient,
    ) -> None:
        """Remove… (admins): take the paper off, then the page again, in place."""
        await acked(ack)
        async with apology(respond, "Remove…"):
            value = str((action.get("selected_option") or {}).get("value") or "")
            paper = paper_of(value)
            user = str((body.get("user") or {}).get("id") or "")
            admin = await self._admin(client, user)
            if paper is None or admin is None:
                unread = "Sorry, I could not read that menu."
                await say(respond, unread if admin is not None else _UNCHECKED)
                return
            said = await self._voice.remove_from_reading_list(_where(body), paper, admin=admin)
            if not admin:
                await say(respond, said)
                return
            await self._show(_where(body), respond, page_of(value), admin=True, said=said)

    async def turn_page(
        self,
        ack: AsyncAck,
        action: Payload,
        body: Payload,
        respond: AsyncRespond,
        client: AsyncWebClient,
    ) -> None:
        """Prev/Next: another page, in place."""
        await acked(ack)
        async with apology(respond, "the page button"):
            admin = await self._admin(client, str((body.get("user") or {}).get("id") or ""))
            page = page_of(str(action.get("value") or ""))
            await self._show(_where(body), respond, page, admin=admin is True, replace=True)

    async def _show(
        self,
        where: ChannelRef,
        respond: AsyncRespond,
        page: int,
        *,
        admin: bool,
        said: str | None = None,
        replace: bool = False,
    ) -> None:
        shown = await self._voice.reading_list(where, page)
        await show_page(
            respond, shown, title="This channel's reading list",
            remove=ACTION_READING_REMOVE if admin else None, pager=ACTION_READING_PAGE,
            said=said, replace=replace,
        )  # fmt: skip

    async def _admin(self, client: AsyncWebClient, user: str) -> bool | None:
        """Whether ``user`` is an admin; ``None`` when Slack would not say."""
        try:
            return await is_admin(client, user, self._admins)
        except SlackApiError as error:
            _log.warning("users.info for %s failed: %s", tag(user), api_refusal(error))
            return None


_UNCHECKED: Final = (
    "I could not check whether you are a workspace admin. Please try again, or ask whoever "
    "runs paperbot to add your user id to `[slack] admins`."
)


def _channel(team: object, channel: object) -> ChannelRef:
    return ChannelRef("slack", str(team or ""), str(channel or ""))


def _where(body: Payload) -> ChannelRef:
    user = body.get("user") or {}
    team = (body.get("team") or {}).get("id") or user.get("team_id")
    container = body.get("container") or {}
    channel = (body.get("channel") or {}).get("id") or container.get("channel_id")
    return _channel(team, channel)
