"""Input that is not quite text, or not quite a digest."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from digest_parser import DigestParseError, parse_digest, parse_digest_bytes, parse_digest_file

DIGEST = (
    "# 📰 Hugging Face Daily Papers – 2026-01-02\n\n## 2601.00001\n"
    "🔗 https://huggingface.co/papers/2601.00001\n\n**Summary**:\n"
    "**1. 핵심 동기와 문제 정의**\n\n동기.\n"
)


def test_bom_crlf_and_cr_parse_alike() -> None:
    plain = parse_digest(DIGEST)
    for variant in (
        b"\xef\xbb\xbf" + DIGEST.encode(),
        DIGEST.replace("\n", "\r\n").encode(),
        DIGEST.replace("\n", "\r").encode(),
    ):
        parsed = parse_digest_bytes(variant)
        assert parsed.model_dump() == plain.model_dump()


def test_invalid_utf8_names_the_byte_offset() -> None:
    data = DIGEST.encode()
    bad = data[:40] + b"\xff\xfe" + data[40:]
    with pytest.raises(DigestParseError) as info:
        parse_digest_bytes(bad, source="bad.md")
    assert info.value.byte_offset == 40
    assert "byte offset 40" in str(info.value) and str(info.value).startswith("bad.md:")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\n",
        "just some words\nno digest here\n",
        "# Notes\n\nnot a digest\n",
        "\x00\x01binary",
    ],
)
def test_not_a_digest_raises(text: str) -> None:
    with pytest.raises(DigestParseError):
        parse_digest(text, source="x.md")


def test_header_missing_takes_date_from_file_name(tmp_path: Path) -> None:
    path = tmp_path / "hf-daily-papers-2026-03-04.md"
    path.write_text(DIGEST.split("\n", 1)[1], encoding="utf-8")
    digest = parse_digest_file(path)
    assert digest.date == dt.date(2026, 3, 4)
    assert [w.message for w in digest.warnings][:2] == [
        "the digest header is missing",
        "date 2026-03-04 taken from the file name",
    ]


def test_invalid_header_date() -> None:
    digest = parse_digest(DIGEST.replace("2026-01-02", "2026-13-45"), source="d-2026-01-09.md")
    assert digest.date == dt.date(2026, 1, 9)
    assert digest.warnings[0].line == 1 and "invalid header date" in digest.warnings[0].message


def test_header_only_is_a_digest_with_no_papers() -> None:
    digest = parse_digest("# 📰 Hugging Face Daily Papers – 2026-01-02\n")
    assert digest.papers == () and digest.date == dt.date(2026, 1, 2)
    assert "no paper entries" in digest.warnings[0].message


def test_text_before_first_entry_is_reported_with_its_line() -> None:
    digest = parse_digest(DIGEST.replace("\n\n## 2601", "\n\nstray words\n\n## 2601", 1))
    assert (3, "text outside any entry: 'stray words'") in [
        (w.line, w.message) for w in digest.warnings
    ]
