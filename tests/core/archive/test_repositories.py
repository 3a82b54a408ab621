"""The core's placeholder version: what an adapter holds before it watches the archive."""

from __future__ import annotations

from bot.core.archive.repositories import ArchiveVersion, UnwatchedVersion


def test_an_unwatched_archive_is_never_the_same() -> None:
    version: ArchiveVersion = UnwatchedVersion()
    assert not version.watching
    assert version.current() != version.current()
    version.close()
    assert not version.watching
    assert version.current() != version.current()
