"""``/saved``: a member's saved papers, privately; pages, Remove…, a BibTeX export, clear.

``/saved`` shows page 1, ``/saved 2`` another, ``/saved export`` sends a ``.bib`` file to the
member's direct messages with the app (``conversations.open``, then ``files_upload_v2``: an
ephemeral reply cannot carry a file), ``/saved clear`` deletes the member's likes, saves and
follows at once and says how many, ``/saved help`` explains. Everything answers ephemerally.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Final

from slack_sdk.errors import SlackApiError

from bot.core.voice.desk import BibFile

from .notice import Register, member_of, plain
from .responder import acked, api_refusal, apology, say
from .voice_pages import (
    ACTION_SAVED_PAGE,
    ACTION_SAVED_REMOVE,
    page_of,
    paper_of,
    show_page,
)

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
    from slack_sdk.web.async_client import AsyncWebClient

    from bot.core.voice.desk import VoiceDesk
    from bot.core.voice.members import Member

__all__ = ["SAVED_COMMANDS", "SAVED_HELP", "SavedCommands"]

_log = logging.getLogger(__name__)

Payload = dict[str, Any]

#: The commands, as the app manifest declares them.
SAVED_COMMANDS: Final = ("/saved",)

SAVED_HELP: Final = (
    "`/saved`: the papers you saved with 🔖 (only you see them) · `/saved 2`: another page · "
    "`/saved export`: a BibTeX file of them all, sent to your direct messages with me · "
    "`/saved clear`: delete your likes, saves and follows here"
)
#: Slack error codes meaning the app cannot reach the member's direct messages.
_DM_CLOSED: Final = frozenset(
    {
        "cannot_dm_bot",
        "messages_tab_disabled",
        "user_disabled",
        "user_not_found",
        "user_not_visible",
    }
)


class SavedCommands:
    """``/saved`` and the controls of its pages, bound to the voice desk.

    Args:
        voice: The desk holding every member's saved papers.
    """

    def __init__(self, voice: VoiceDesk) -> None:
        self._voice = voice

    def register(self, app: AsyncApp, command: Register | None = None) -> None:
        """Add ``/saved`` (through ``command`` when given) and its controls to ``app``."""
        (command or plain(app))("/saved", self.saved)
        app.action(ACTION_SAVED_REMOVE)(self.remove)
        app.action(f"{ACTION_SAVED_PAGE}_prev")(self.turn_page)
        app.action(f"{ACTION_SAVED_PAGE}_next")(self.turn_page)

    async def saved(
        self, ack: AsyncAck, command: Payload, respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        """``/saved [PAGE|export|clear|help]``."""
        await acked(ack)
        async with apology(respond, "/saved"):
            word = str(command.get("text") or "").strip().lower()
            member = member_of(command)
            if word == "export":
                await self._export(member, respond, client)
            elif word == "clear":
                await say(respond, await self._voice.clear(member))
            elif not word or word.isdigit():
                await self._show(member, respond, int(word or "1"))
            else:
                await say(respond, SAVED_HELP)

    async def remove(
        self, ack: AsyncAck, action: Payload, body: Payload, respond: AsyncRespond
    ) -> None:
        """Remove…: unsave the chosen paper, then the page again, in place."""
        await acked(ack)
        async with apology(respond, "Remove…"):
            value = str((action.get("selected_option") or {}).get("value") or "")
            paper = paper_of(value)
            member = _member(body)
            if paper is None:
                await say(respond, "Sorry, I could not read that menu.")
                return
            said = await self._voice.unsave(member, paper)
            await self._show(member, respond, page_of(value), said=said, replace=True)

    async def turn_page(
        self, ack: AsyncAck, action: Payload, body: Payload, respond: AsyncRespond
    ) -> None:
        """Prev/Next: another page, in place."""
        await acked(ack)
        async with apology(respond, "the page button"):
            page = page_of(str(action.get("value") or ""))
            await self._show(_member(body), respond, page, replace=True)

    async def _show(
        self,
        member: Member,
        respond: AsyncRespond,
        page: int,
        *,
        said: str | None = None,
        replace: bool = False,
    ) -> None:
        shown = await self._voice.saved(member, page)
        await show_page(
            respond, shown, title="Your saved papers", remove=ACTION_SAVED_REMOVE,
            pager=ACTION_SAVED_PAGE, said=said, replace=replace,
        )  # fmt: skip

    async def _export(self, member: Member, respond: AsyncRespond, client: AsyncWebClient) -> None:
        exported = await self._voice.export(member)
        if not isinstance(exported, BibFile):
            await say(respond, exported)
            return
        try:
            opened = await client.conversations_open(users=member.user)
            channel = str((opened.get("channel") or {}).get("id") or "")
            await client.files_upload_v2(
                channel=channel,
                filename=exported.filename,
                title=exported.filename,
                content=exported.content,
                initial_comment=f"Your {exported.papers} saved papers, as BibTeX.",
            )
        except SlackApiError as error:
            refused = api_refusal(error)
            _log.warning("sending %s their export failed: %s", member, refused.reason)
            if refused.code in _DM_CLOSED:
                await say(
                    respond,
                    "I could not send you a direct message "
                    f"(Slack said `{refused.shown_code}`). Allow direct messages from "
                    "paperbot (its profile → Messages), then run `/saved export` again.",
                )
            else:
                await say(
                    respond,
                    f"Sorry, Slack did not take the file (`{refused.shown_code}`). "
                    "Please try again in a moment.",
                )
            return
        await say(
            respond,
            f"Sent `{exported.filename}` ({exported.papers} papers) to your direct messages "
            "with me.",
        )


def _member(body: Payload) -> Member:
    user = body.get("user") or {}
    team = (body.get("team") or {}).get("id") or user.get("team_id") or ""
    return member_of({"team_id": team, "user_id": user.get("id") or ""})
