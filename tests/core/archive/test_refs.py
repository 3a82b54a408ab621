"""parse_ref and id_prefix: every way people write an arXiv reference, and garbage."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.archive.refs import id_prefix, parse_ref

ID = "2505.19590"


@pytest.mark.parametrize(
    "text",
    [
        "2505.19590",
        "2505.19590v2",
        "2505.19590v12",
        "  2505.19590\n",
        "arXiv:2505.19590",
        "arxiv:2505.19590v1",
        "ARXIV: 2505.19590",
        "https://arxiv.org/abs/2505.19590",
        "https://arxiv.org/abs/2505.19590v1",
        "https://arxiv.org/abs/2505.19590/",
        "http://arxiv.org/abs/2505.19590",
        "https://www.arxiv.org/abs/2505.19590",
        "https://export.arxiv.org/abs/2505.19590",
        "arxiv.org/abs/2505.19590",
        "www.arxiv.org/abs/2505.19590",
        "HTTPS://ARXIV.ORG/abs/2505.19590",
        "https://arxiv.org/pdf/2505.19590",
        "https://arxiv.org/pdf/2505.19590v3",
        "https://arxiv.org/pdf/2505.19590.pdf",
        "https://arxiv.org/pdf/2505.19590v2.pdf",
        "https://arxiv.org/html/2505.19590v1",
        "https://arxiv.org/abs/2505.19590?context=cs.CL",
        "https://arxiv.org/abs/2505.19590#S3",
        "https://huggingface.co/papers/2505.19590",
        "https://huggingface.co/papers/2505.19590/",
        "https://www.huggingface.co/papers/2505.19590",
        "huggingface.co/papers/2505.19590",
        "https://huggingface.co/papers/2505.19590#community",
        "<https://arxiv.org/abs/2505.19590>",
        "<https://arxiv.org/abs/2505.19590|arXiv:2505.19590>",
        "<https://huggingface.co/papers/2505.19590|the paper>",
        "  <https://arxiv.org/pdf/2505.19590v2.pdf>  ",
        "2505.19590.pdf",
    ],
)
def test_every_reference_form_gives_the_bare_id(text: str) -> None:
    assert parse_ref(text) == ID


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0704.0001", "0704.0001"),  # the first new-style id: four digits
        ("1501.00001v1", "1501.00001"),
        ("hep-th/9901001", "hep-th/9901001"),
        ("hep-th/9901001v2", "hep-th/9901001"),
        ("arXiv:hep-th/9901001", "hep-th/9901001"),
        ("https://arxiv.org/abs/hep-th/9901001v1", "hep-th/9901001"),
        ("https://arxiv.org/pdf/cond-mat/0102536", "cond-mat/0102536"),
        ("math.GT/0309136", "math/0309136"),  # arXiv names it without the subject class
        ("cs/0112017", "cs/0112017"),
    ],
)
def test_other_id_styles(text: str, expected: str) -> None:
    assert parse_ref(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "garbage",
        "2505",
        "2505.195",
        "2505.1959000",
        "2513.19590",  # month 13
        "2500.19590",  # month 00
        "25051.9590",
        "2505.19590v",
        "2505.19590vx",
        "v2505.19590",
        "https://example.com/abs/2505.19590",
        "https://arxiv.org/list/cs.CL/recent",
        "https://arxiv.org/abs/",
        "https://huggingface.co/2505.19590",
        "https://huggingface.co/papers/",
        "ftp://arxiv.org/abs/2505.19590",
        "http://[::1/abs/2505.19590",
        "<>",
        "<|>",
        "arXiv:",
        "2505.19590 2505.19591",
        "'; DROP TABLE entries; --",
        "\x00",
    ],
)
def test_non_references_give_none(text: str) -> None:
    assert parse_ref(text) is None


@given(st.text(max_size=300))
def test_parse_ref_never_raises(text: str) -> None:
    result = parse_ref(text)
    assert result is None or parse_ref(result) == result


@given(
    yymm=st.sampled_from(["0704", "1412", "1501", "2312", "2505"]),
    number=st.integers(min_value=0, max_value=99999),
    version=st.one_of(st.none(), st.integers(min_value=1, max_value=30)),
    form=st.sampled_from(
        [
            "{}",
            "arXiv:{}",
            " https://arxiv.org/abs/{} ",
            "http://www.arxiv.org/pdf/{}.pdf",
            "<https://huggingface.co/papers/{}|x>",
        ]
    ),
)
def test_generated_ids_round_trip(yymm: str, number: int, version: int | None, form: str) -> None:
    digits = f"{number:05d}" if yymm >= "1501" else f"{number % 10000:04d}"
    bare = f"{yymm}.{digits}"
    versioned = bare + (f"v{version}" if version else "")
    assert parse_ref(form.format(versioned)) == bare


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2505.1", "2505.1"),
        ("  arXiv:2505.19 ", "2505.19"),
        ("https://arxiv.org/abs/2505.1", "2505.1"),
        ("arxiv.org/pdf/25", "25"),
        ("<https://huggingface.co/papers/2505", "2505"),
        ("HEP-TH/99", "hep-th/99"),
        ("diffusion", "diffusion"),
        ("", ""),
    ],
)
def test_id_prefix_strips_known_prefixes(text: str, expected: str) -> None:
    assert id_prefix(text) == expected


@given(st.text(max_size=300))
def test_id_prefix_never_raises(text: str) -> None:
    assert isinstance(id_prefix(text), str)
