"""paperbot's slash commands and the clicks on its replies, as Bolt listeners.

``/paper``, ``/section``, ``/digest`` and ``/paper-search`` (``/search`` is a Slack built-in)
turn their text into a :class:`~bot.core.answers.query.Query`, run it against the archive with
:func:`~bot.core.answers.query.run_query` as the Discord adapter does, and reply ephemerally
through ``respond``. Clicks (a card's "Show section…", "Open…", Prev/Next, "Post to channel")
carry a query in their value and are answered the same way.

Every listener awaits ``ack()`` before anything else: Slack gives three seconds
(:func:`~bot.slack.responder.acked`). After that, nothing a listener does can crash it or
leave the user without an answer: what Slack refuses and what fails is logged, and the user
gets a short apology instead of silence, never a traceback (:mod:`bot.slack.responder`).
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any, Final

from slack_sdk.errors import SlackApiError

from bot.core.answers.paper_answers import is_help
from bot.core.answers.query import SLASH_NAMES, Command, query_for_command, run_query
from bot.core.archive.lookup import NotFound
from bot.slack.components import ACTION_OPEN, PAGE_ACTIONS, query_of, query_value

from .notice import Register, plain
from .render import ACTION_LINK, ACTION_SECTION, ACTION_SHARE
from .replies import Reply, help_reply, render_reply
from .responder import acked, api_refusal, apology, refusal, send_reply

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
    from slack_sdk.web.async_client import AsyncWebClient

    from bot.core.archive.lookup import Lookup

__all__ = ["SLASH_COMMANDS", "PaperCommands"]

_log = logging.getLogger(__name__)

#: The slash commands, as the app manifest declares them, and the query each asks.
SLASH_COMMANDS: Final[dict[str, Command]] = {
    f"/{name}": command for command, name in SLASH_NAMES.items()
}
_LINKS: Final = re.compile(rf"^{ACTION_LINK}_")
#: Errors of ``chat.postMessage`` that an invitation fixes (the bot is not in the channel).
_NOT_A_MEMBER: Final = frozenset({"not_in_channel", "channel_not_found"})

Payload = dict[str, Any]


def _notice(text: str) -> Reply:
    return Reply(text, ([{"type": "section", "text": {"type": "mrkdwn", "text": text}}],))


class PaperCommands:
    """The listeners, bound to one archive; :meth:`register` adds them to a Bolt app.

    Args:
        lookup: The archive's query service.
    """

    def __init__(self, lookup: Lookup) -> None:
        self._lookup = lookup

    def register(self, app: AsyncApp, command: Register | None = None) -> None:
        """Add every command and action listener to ``app`` (commands through ``command``)."""
        command = command or plain(app)
        command("/paper", self.paper)
        command("/section", self.section)
        command("/digest", self.digest)
        command("/paper-search", self.paper_search)
        app.action(ACTION_SECTION)(self.open_query)
        app.action(ACTION_OPEN)(self.open_query)
        app.action(PAGE_ACTIONS)(self.turn_page)
        app.action(ACTION_SHARE)(self.share)
        app.action(_LINKS)(self.follow_link)

    # -- slash commands ------------------------------------------------------------------

    async def paper(self, ack: AsyncAck, command: Payload, respond: AsyncRespond) -> None:
        """``/paper REF [SECTION] [DATE]``: a card, or one section of it whole."""
        await acked(ack)
        await self._command("paper", command, respond)

    async def section(self, ack: AsyncAck, command: Payload, respond: AsyncRespond) -> None:
        """``/section NAME [REF] [DATE]``: one paper's section, or a page across a digest."""
        await acked(ack)
        await self._command("section", command, respond)

    async def digest(self, ack: AsyncAck, command: Payload, respond: AsyncRespond) -> None:
        """``/digest [DATE]``: a digest's papers, one line each."""
        await acked(ack)
        await self._command("digest", command, respond)

    async def paper_search(self, ack: AsyncAck, command: Payload, respond: AsyncRespond) -> None:
        """``/paper-search QUERY``: titles and summaries, Korean or English."""
        await acked(ack)
        await self._command("search", command, respond)

    async def _command(self, name: Command, command: Payload, respond: AsyncRespond) -> None:
        text = str(command.get("text") or "")
        async with apology(respond, str(command.get("command") or name)):
            if is_help(text) and (text.strip() or name != "digest"):  # /digest: the newest
                reply = help_reply(name)
            else:
                query = query_for_command(name, text)
                reply = render_reply(query, await run_query(self._lookup, query))
            await send_reply(respond, reply)

    # -- clicks --------------------------------------------------------------------------

    async def open_query(self, ack: AsyncAck, action: Payload, respond: AsyncRespond) -> None:
        """A card's "Show section…" or an "Open…" menu: a new ephemeral reply."""
        await acked(ack)
        async with apology(respond, "the menu"):
            await send_reply(respond, await self._rerun(_value(action)))

    async def turn_page(self, ack: AsyncAck, action: Payload, respond: AsyncRespond) -> None:
        """Prev/Next: the same reply, another page, in place."""
        await acked(ack)
        async with apology(respond, "the page button"):
            await send_reply(respond, await self._rerun(_value(action)), replace=True)

    async def follow_link(self, ack: AsyncAck) -> None:
        """Link buttons open in the browser; Slack still sends an action, which needs an ack."""
        await ack()

    async def share(
        self,
        ack: AsyncAck,
        action: Payload,
        body: Payload,
        client: AsyncWebClient,
        respond: AsyncRespond,
    ) -> None:
        """The "Post to channel" button: post what the ephemeral reply shows, then remove it."""
        await acked(ack)
        async with apology(respond, "Post to channel"):
            query = query_of(_value(action))
            channel = str((body.get("channel") or {}).get("id") or "")
            if query is None or not channel:
                await send_reply(respond, _notice("Sorry, I could not read that button."))
                return
            answer = await run_query(self._lookup, query)
            if isinstance(answer, NotFound):
                await send_reply(respond, render_reply(query, answer))
                return
            reply = render_reply(query, answer, shared_by=await _sharer(client, body))
            try:
                for blocks in reply.messages:
                    await client.chat_postMessage(
                        channel=channel,
                        text=reply.text,
                        blocks=blocks,
                        metadata=reply.metadata,
                        unfurl_links=False,
                        unfurl_media=False,
                    )
            except SlackApiError as error:
                refused = api_refusal(error)
                shared = query_value(query)
                _log.warning("Slack refused sharing %s in %s: %s", shared, channel, refused)
                await send_reply(respond, _share_failed(refused.shown_code))
                return
            gone = refusal(await respond(delete_original=True))
            if gone is not None:  # the post is there; only the ephemeral copy stays
                _log.warning("removing the shared ephemeral failed: %s", gone.reason)

    # -- shared ---------------------------------------------------------------------------

    async def _rerun(self, value: str | None) -> Reply:
        query = query_of(value)
        if query is None:
            return _notice("Sorry, I could not read that menu or button.")
        return render_reply(query, await run_query(self._lookup, query))


async def _sharer(client: AsyncWebClient, body: Payload) -> str:
    """The display name of whoever pressed "Post to channel", for "Shared by …".

    A name, not a ``<@U…>`` mention, which would notify them of their own share. Slack's
    profile has it (``users.info``, the ``users:read`` scope); without it, the user name the
    click carries.
    """
    user = body.get("user") or {}
    fallback = str(user.get("name") or user.get("username") or "")
    try:
        info = await client.users_info(user=str(user.get("id") or ""))
    except SlackApiError as error:
        _log.warning("users.info for the sharer failed: %s", api_refusal(error))
        return fallback
    found = info.get("user") or {}
    profile = found.get("profile") or {}
    for name in (profile.get("display_name"), profile.get("real_name"), found.get("real_name")):
        if isinstance(name, str) and name.strip():
            return name
    return fallback


def _value(action: Payload) -> str | None:
    """A button's ``value``, or a select's chosen option's."""
    selected = action.get("selected_option")
    if isinstance(selected, dict):
        return str(selected.get("value") or "")
    value = action.get("value")
    return str(value) if value is not None else None


def _share_failed(code: str) -> Reply:
    if code in _NOT_A_MEMBER:
        return _notice(
            "I can't post in this channel because I'm not a member of it. "
            "Invite me with `/invite @paperbot`, then press *Post to channel* again."
        )
    return _notice(f"Slack did not let me post here (`{code}`). The answer above is still yours.")
