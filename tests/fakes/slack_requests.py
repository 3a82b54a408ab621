"""Requests as Slack sends them to an app: slash commands and button clicks, signed.

Slack POSTs ``application/x-www-form-urlencoded`` bodies and signs each one with the app's
signing secret: ``X-Slack-Signature = v0=hex(HMAC-SHA256(secret, "v0:{ts}:{raw body}"))`` with
``X-Slack-Request-Timestamp = {ts}`` (docs.slack.dev/authentication/verifying-requests-from-slack).
Bolt recomputes the signature over the *raw* body and refuses, with 401, a mismatch or a
timestamp more than five minutes from its clock. So these helpers return the exact body string
that was signed; send it byte for byte.

The signature comes from ``slack_sdk.signature.SignatureVerifier.generate_signature``, the
same routine Bolt checks with, so a test cannot pass by sharing a bug with our own HMAC code.

Usage::

    body = slash_command_body("/paper", "2405.12345", response_url=slack.response_url())
    headers = signed_headers(body, SECRET)                       # now
    stale = signed_headers(body, SECRET, timestamp=int(time.time()) - 301)
    forged = signed_headers(body, "not-the-secret")
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

__all__ = [
    "FORM_CONTENT_TYPE",
    "SignedRequest",
    "block_actions_body",
    "block_actions_payload",
    "encode_payload",
    "sign",
    "signed_headers",
    "slash_command_body",
]

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"

_TEAM_ID = "T0PAPERBOT"
_APP_ID = "A0PAPERBOT"
_USER_ID = "U0READER"
_CHANNEL_ID = "C0PAPERS"


@dataclass(frozen=True)
class SignedRequest:
    """A body and the headers that sign it, ready for aiohttp or ``AsyncBoltRequest``."""

    body: str
    headers: dict[str, str]


def signed_headers(
    body: str | bytes,
    signing_secret: str,
    *,
    timestamp: int | None = None,
    content_type: str = FORM_CONTENT_TYPE,
) -> dict[str, str]:
    """Headers signing ``body`` exactly as Slack does.

    Args:
        body: The raw body that will be sent, unchanged.
        signing_secret: The secret to sign with; pass a wrong one to forge.
        timestamp: Unix seconds to sign with; default now (Bolt compares with ``time.time()``,
            so a stale request is ``int(time.time()) - 301``).
        content_type: ``Content-Type`` to declare (Slack sends form bodies for both commands
            and interactions).
    """
    ts = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(signing_secret).generate_signature(timestamp=ts, body=body)
    if signature is None:  # only when ts is None, which the line above rules out
        raise ValueError("no signature generated")
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": signature,
    }


def sign(body: str, signing_secret: str, *, timestamp: int | None = None) -> SignedRequest:
    """``body`` with its signed headers, in one value."""
    return SignedRequest(body, signed_headers(body, signing_secret, timestamp=timestamp))


def slash_command_body(
    command: str,
    text: str = "",
    *,
    response_url: str = "https://hooks.slack.com/commands/T0PAPERBOT/1/fake",
    user_id: str = _USER_ID,
    user_name: str = "reader",
    channel_id: str = _CHANNEL_ID,
    channel_name: str = "papers",
    team_id: str = _TEAM_ID,
    team_domain: str = "paperbot-test",
    api_app_id: str = _APP_ID,
    trigger_id: str = "1000000000001.1000000000.fakefakefakefake",
    enterprise_id: str | None = None,
    verification_token: str = "legacy-verification-token",
    **extra: str,
) -> str:
    """The form body of a slash command invocation, with every field Slack sends.

    Args:
        command: The command, with its slash (``"/paper"``).
        text: Everything the user typed after the command.
        response_url: Where ``respond()`` posts; use ``FakeSlackAPI.response_url()``.
        extra: More fields, for payload shapes not modelled here.
    """
    fields: dict[str, str] = {
        "token": verification_token,
        "team_id": team_id,
        "team_domain": team_domain,
        "channel_id": channel_id,
        "channel_name": channel_name,
        "user_id": user_id,
        "user_name": user_name,
        "command": command,
        "text": text,
        "api_app_id": api_app_id,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id,
    }
    if enterprise_id is not None:
        fields["enterprise_id"] = enterprise_id
    fields.update(extra)
    return urlencode(fields)


def block_actions_payload(
    action_id: str,
    value: str = "",
    *,
    block_id: str = "actions",
    text: str = "Button",
    response_url: str = "https://hooks.slack.com/actions/T0PAPERBOT/1/fake",
    message_ts: str | None = None,
    user_id: str = _USER_ID,
    user_name: str = "reader",
    channel_id: str = _CHANNEL_ID,
    channel_name: str = "papers",
    team_id: str = _TEAM_ID,
    api_app_id: str = _APP_ID,
    trigger_id: str = "1000000000002.1000000000.fakefakefakefake",
    message: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A ``block_actions`` payload for one button click on a message, as a dict to adjust.

    Args:
        action_id: The button's ``action_id`` (what ``app.action(...)`` matches).
        value: The button's ``value``.
        message_ts: ``ts`` of the message holding the button; ``None`` for an ephemeral reply.
        message: The message object, when a listener reads it (``body["message"]``).
    """
    container: dict[str, Any] = {"type": "message", "channel_id": channel_id}
    container.update(
        {"message_ts": message_ts, "is_ephemeral": False}
        if message_ts is not None
        else {"is_ephemeral": True}
    )
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": user_id, "username": user_name, "name": user_name, "team_id": team_id},
        "api_app_id": api_app_id,
        "token": "legacy-verification-token",
        "container": container,
        "trigger_id": trigger_id,
        "team": {"id": team_id, "domain": "paperbot-test"},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel_id, "name": channel_name},
        "state": {"values": {}},
        "response_url": response_url,
        "actions": [
            {
                "type": "button",
                "action_id": action_id,
                "block_id": block_id,
                "text": {"type": "plain_text", "text": text, "emoji": True},
                "value": value,
                "action_ts": "1716800000.123456",
            }
        ],
    }
    if message is not None:
        payload["message"] = message
    return payload


def block_actions_body(action_id: str, value: str = "", **fields: Any) -> str:
    """The form body of a button click: ``payload=<JSON>``, as Slack posts interactions.

    ``fields`` are passed to :func:`block_actions_payload`; build the payload yourself and use
    :func:`encode_payload` when a test needs a shape it does not offer.
    """
    return encode_payload(block_actions_payload(action_id, value, **fields))


def encode_payload(payload: dict[str, Any]) -> str:
    """Form-encode an interactive payload the way Slack does (one ``payload`` field)."""
    return urlencode({"payload": json.dumps(payload, ensure_ascii=False, separators=(",", ":"))})
