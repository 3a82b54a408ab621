"""Files uploaded to the fake Slack API the way Slack's external upload flow takes them.

Slack's upload is three exchanges (docs.slack.dev/reference/methods/files.getUploadURLExternal):

1. ``files.getUploadURLExternal`` reserves a file ID and hands out an upload URL;
2. the client POSTs the bytes to that URL ("as raw bytes or multipart form encoded"), no token;
3. ``files.completeUploadExternal`` names the file IDs (with titles) and where to share them.

:class:`FileStore` keeps each reserved file until it is completed, then the
:class:`UploadedFile` records tests read back. File IDs come from a counter, not from
randomness, so runs are reproducible.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP

__all__ = ["FileStore", "PendingFile", "UploadedFile", "upload_content"]


@dataclass
class PendingFile:
    """A file ID handed out by ``files.getUploadURLExternal``, not yet completed.

    Attributes:
        id: The file ID (``F…``).
        filename: The ``filename`` argument.
        length: The ``length`` argument, in bytes.
        alt_txt: Screen-reader description, if given.
        snippet_type: Syntax type of a snippet, if given.
        content: The bytes POSTed to the upload URL; ``None`` until they arrive.
        completed: ``files.completeUploadExternal`` has already consumed it.
    """

    id: str
    filename: str
    length: int
    alt_txt: str | None = None
    snippet_type: str | None = None
    content: bytes | None = None
    completed: bool = False


@dataclass(frozen=True)
class UploadedFile:
    """One completed file in one conversation: what a test asserts on.

    Attributes:
        id: The file ID.
        name: The filename given to ``files.getUploadURLExternal``.
        title: The title given at completion (slack_sdk sends the filename when none is set).
        content: Exactly the bytes received at the upload URL.
        channel: The conversation it was shared in (a DM's ``D…`` ID for a user), or ``None``
            when it was completed without a channel, which Slack keeps private.
        initial_comment: The message text introducing it, if any.
        user_facing_channel: The target exactly as the call named it: a ``U…`` user ID for
            a DM addressed by user, otherwise the same as ``channel``.
        thread_ts: The thread it was shared into, if any.
        alt_txt: Screen-reader description, if given.
    """

    id: str
    name: str
    title: str
    content: bytes
    channel: str | None
    initial_comment: str | None
    user_facing_channel: str | None
    thread_ts: str | None = None
    alt_txt: str | None = None

    def to_api(self, user: str) -> dict[str, object]:
        """The file object ``files.completeUploadExternal`` answers with (the fields we model)."""
        return {
            "id": self.id,
            "name": self.name,
            "title": self.title,
            "size": len(self.content),
            "user": user,
            "channels": [self.channel] if self.channel and self.channel[0] == "C" else [],
            "ims": [self.channel] if self.channel and self.channel[0] == "D" else [],
        }


class FileStore:
    """Reserved and completed files of one fake workspace."""

    def __init__(self) -> None:
        self._ids = itertools.count(1)
        self.pending: dict[str, PendingFile] = {}
        self.uploaded: list[UploadedFile] = []

    def reserve(
        self,
        filename: str,
        length: int,
        *,
        alt_txt: str | None = None,
        snippet_type: str | None = None,
    ) -> PendingFile:
        """A fresh file ID for ``files.getUploadURLExternal``."""
        file = PendingFile(f"F{next(self._ids):010d}", filename, length, alt_txt, snippet_type)
        self.pending[file.id] = file
        return file

    def receive(self, file_id: str, content: bytes) -> PendingFile | None:
        """Keep the bytes POSTed to a file's upload URL; ``None`` for an unknown file ID."""
        file = self.pending.get(file_id)
        if file is None or file.completed:
            return None
        file.content = content
        return file

    def in_channel(self, channel_id: str) -> list[UploadedFile]:
        """Files shared in the conversation, oldest first."""
        return [f for f in self.uploaded if f.channel == channel_id]


def upload_content(content_type: str, body: bytes) -> bytes:
    """The file bytes of an upload-URL POST, whichever of Slack's two encodings was used.

    slack_sdk 3.48's ``files_upload_v2`` POSTs the raw bytes (aiohttp labels them
    ``application/octet-stream``); curl-style clients send ``multipart/form-data`` with the
    file in one part (Slack's example uses a part named ``filename``). For a multipart body
    the first part that carries a filename wins, else the first part.
    """
    if not content_type.lower().startswith("multipart/"):
        return body
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + body)
    parts = [part for part in message.iter_parts() if isinstance(part, Message)]
    if not parts:
        return b""
    chosen = next((part for part in parts if part.get_filename()), parts[0])
    payload = chosen.get_payload(decode=True)
    return payload if isinstance(payload, bytes) else b""
