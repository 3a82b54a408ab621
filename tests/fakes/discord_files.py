"""Uploaded files and the attachments the fake keeps for them, bytes included.

Why bytes: a bot that exports a ``.bib`` or a CSV is only tested if the test can read what
the user would download. Discord stores the file behind a CDN URL and the message carries an
attachment object (``resources/message.md``, "Attachment Object"); the fake keeps the object
for discord.py and the bytes for the test, on :class:`StoredAttachment`.

Uploads arrive as ``multipart/form-data``: a ``payload_json`` part plus ``files[n]`` parts
(``reference.md``, "Uploading Files"). The JSON's ``attachments`` list refers to the parts by
``id`` = ``n`` and may carry a ``description``; on an edit it also lists the ids of existing
attachments to keep.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tests.fakes.discord_payloads import Payload

__all__ = ["StoredAttachment", "Upload", "attachment_descriptions"]

_CDN = "https://cdn.discordapp.com/attachments"


@dataclass(frozen=True)
class Upload:
    """One ``files[n]`` part of a multipart request, as the bot sent it.

    Attributes:
        index: ``n`` in ``files[n]``: what ``payload_json.attachments[].id`` refers to.
        filename: The part's file name.
        content: The bytes uploaded.
        content_type: The part's ``Content-Type`` (discord.py sends
            ``application/octet-stream`` unless told otherwise).
    """

    index: int
    filename: str
    content: bytes
    content_type: str = "application/octet-stream"


@dataclass(frozen=True)
class StoredAttachment:
    """An attachment of a stored message: Discord's object plus the bytes behind its URL.

    Attributes:
        id: The attachment's snowflake.
        channel_id: The channel of its message (part of the CDN URL).
        filename: The file name users see.
        content: The bytes a user would download.
        content_type: The media type the upload declared.
        description: Alt text sent in ``payload_json.attachments[].description``, if any.
    """

    id: int
    channel_id: int
    filename: str
    content: bytes
    content_type: str = "application/octet-stream"
    description: str | None = None

    @property
    def size(self) -> int:
        """Size in bytes, as Discord reports it."""
        return len(self.content)

    @property
    def url(self) -> str:
        """Where Discord's CDN would serve the file (never fetched by the fake)."""
        return f"{_CDN}/{self.channel_id}/{self.id}/{self.filename}"

    @property
    def text(self) -> str:
        """The content decoded as UTF-8, for the common case of a text export."""
        return self.content.decode("utf-8")

    def payload(self) -> Payload:
        """The attachment object discord.py parses into ``discord.Attachment``."""
        data: Payload = {
            "id": str(self.id),
            "filename": self.filename,
            "size": self.size,
            "url": self.url,
            "proxy_url": self.url,
            "content_type": self.content_type,
        }
        if self.description is not None:
            data["description"] = self.description
        return data


def attachment_descriptions(body: Mapping[str, Any] | None) -> dict[int, str]:
    """``files[n]`` index → description, from the JSON ``attachments`` list of a body."""
    result: dict[int, str] = {}
    entries: Sequence[Any] = (body or {}).get("attachments") or []
    for entry in entries:
        if not isinstance(entry, Mapping) or entry.get("description") is None:
            continue
        try:
            result[int(entry["id"])] = str(entry["description"])
        except (KeyError, TypeError, ValueError):
            continue
    return result
