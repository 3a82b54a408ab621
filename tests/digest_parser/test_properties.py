"""Property tests: nothing but DigestParseError escapes, and nothing is lost.

Inputs are arbitrary text and bytes, and mutations of the real digests (lines deleted, blocks
shuffled, cut at a random byte), the damage a truncated download or a careless edit does.
Linear time is shown by ``benchmarks/parse.py``; here pathological lines simply must finish.
"""

from __future__ import annotations

import contextlib
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from digest_parser import Digest, DigestParseError, parse_digest, parse_digest_bytes
from tests.conftest import real_digest_paths

from .lossless import lossless_gaps

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MARKDOWNISH = st.text(
    alphabet=st.sampled_from(list("#*-`~ \n\t:.1234567890()[]<>\"'한계점실험결과ab🔗\r\ufeff")),
    max_size=400,
)


def parse_or_reject(text: str) -> Digest | None:
    try:
        return parse_digest(text, source="fuzz.md")
    except DigestParseError:
        return None


@cache
def real_texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in real_digest_paths()]


def needs_real() -> None:
    if not real_texts():
        pytest.skip("real digests not found in ../shared/digests")


@SETTINGS
@given(st.text(max_size=2000))
def test_arbitrary_text(text: str) -> None:
    digest = parse_or_reject(text)
    if digest is not None:
        assert all(w.line >= 1 for w in digest.warnings)


@SETTINGS
@given(MARKDOWNISH)
def test_markdown_shaped_noise_with_a_header(text: str) -> None:
    full = "# 📰 Hugging Face Daily Papers – 2026-01-02\n## 2601.00001\n" + text
    digest = parse_or_reject(full)
    assert digest is not None and len(digest.papers) == 1
    missing, invented = lossless_gaps(full, digest)
    assert not missing and not invented


@SETTINGS
@given(st.binary(max_size=2000))
def test_arbitrary_bytes(data: bytes) -> None:
    with contextlib.suppress(DigestParseError):
        parse_digest_bytes(data)


@SETTINGS
@given(st.data())
def test_deleted_lines_stay_lossless(data: st.DataObject) -> None:
    needs_real()
    text = data.draw(st.sampled_from(real_texts()))
    lines = text.split("\n")
    doomed = set(data.draw(st.lists(st.integers(0, len(lines) - 1), max_size=40)))
    mutated = "\n".join(line for i, line in enumerate(lines) if i not in doomed)
    digest = parse_or_reject(mutated)
    if digest is not None:
        missing, invented = lossless_gaps(mutated, digest)
        assert not missing and not invented


@SETTINGS
@given(st.data())
def test_shuffled_blocks_stay_lossless(data: st.DataObject) -> None:
    needs_real()
    text = data.draw(st.sampled_from(real_texts()))
    blocks = text.split("\n\n")
    mutated = "\n\n".join(data.draw(st.permutations(blocks)))
    digest = parse_or_reject(mutated)
    if digest is not None:
        missing, invented = lossless_gaps(mutated, digest)
        assert not missing and not invented


@SETTINGS
@given(st.data())
def test_cut_at_a_random_byte(data: st.DataObject) -> None:
    needs_real()
    raw = data.draw(st.sampled_from(real_texts())).encode()
    cut = raw[: data.draw(st.integers(0, len(raw)))]
    try:
        digest = parse_digest_bytes(cut)
    except DigestParseError as error:
        assert error.line >= 1
        return
    missing, invented = lossless_gaps(cut.decode(), digest)
    assert not missing and not invented


@pytest.mark.parametrize(
    "line",
    [
        "# a" + " " * 50_000 + "x",
        "**a" + " " * 50_000 + "b**",
        "**" * 50_000,
        "1. **" + "*" * 50_000,
        "## " + "#" * 50_000,
        "### 6. 한계점 " + "(" * 50_000,
        "```" + "`" * 50_000,
        "- - " * 50_000 + "x",
        "🔗 https://" + "a" * 50_000 + " " * 50_000 + "x",
    ],
)
def test_pathological_lines_finish(line: str) -> None:
    text = f"# 📰 Hugging Face Daily Papers – 2026-01-02\n## 2601.00001\n{line}\n{line}\n"
    digest = parse_digest(text)
    assert len(digest.papers) == 1
