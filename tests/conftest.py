"""Shared fixtures: the real digests in ``../shared/digests`` (never copied into the repo)."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

#: ``postgres_cluster`` and ``postgres_url``: a throw-away PostgreSQL server for any test that
#: asks (issue #17 runs the storage, outbox, search and crash tests on both backends).
pytest_plugins = ["tests.postgres_cluster"]

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SHARED_DIGESTS = Path(os.environ.get("PAPERBOT_DIGESTS", ROOT.parent / "shared" / "digests"))
#: No test reaches Hugging Face: a config that names no API gets a closed loopback port (the
#: discard port: refused at once), and the tests that enrich name their loopback fake.
#: Set before any config is built, subprocesses included (they inherit the environment).
os.environ["PAPERBOT_HF_API"] = "http://127.0.0.1:9/api"

#: Property tests draw the same examples on every run (CI stays green or red for a reason, not
#: by luck); ``HYPOTHESIS_PROFILE=explore`` draws new ones, which is how a bug is looked for
#: (two were found that way: an autolink inside a link, a digest cut after a title label).
settings.register_profile("repeatable", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


def real_digest_paths() -> list[Path]:
    """The real digest files, or an empty list when the shared folder is absent."""
    if not SHARED_DIGESTS.is_dir():
        return []
    return sorted(SHARED_DIGESTS.glob("hf-daily-papers-*.md"))


@pytest.fixture
def real_digests() -> list[Path]:
    """All real digests; skips the test with a reason when ``../shared/digests`` is missing."""
    paths = real_digest_paths()
    if not paths:
        pytest.skip(f"real digests not found in {SHARED_DIGESTS} (set PAPERBOT_DIGESTS)")
    return paths


def require_real_digest(name: str) -> Path:
    """One real digest by file name; skips when absent."""
    path = SHARED_DIGESTS / name
    if not path.is_file():
        pytest.skip(f"real digest {name} not found in {SHARED_DIGESTS}")
    return path


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A loopback port that refuses connections at once: bound, never listening.

    "Discord (or Slack) cannot be reached" without the network and without waiting; the port
    stays bound for the test, so nothing else can start listening on it meanwhile.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield int(sock.getsockname()[1])
