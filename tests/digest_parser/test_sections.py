"""Every spelling a user or the LLM uses resolves to the right section."""

from __future__ import annotations

import pytest

from digest_parser import SectionKey, UnknownSectionError

L = SectionKey.LIMITATIONS


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("limitations", L),
        ("Limits", L),
        ("  WEAKNESSES ", L),
        ("한계", L),
        ("한계점", L),
        ("한계점 및 잠재적 실패 요인", L),
        ("6", L),
        ("future-work", SectionKey.FUTURE_WORK),
        ("future_work", SectionKey.FUTURE_WORK),
        ("Future Work", SectionKey.FUTURE_WORK),
        ("next-steps", SectionKey.FUTURE_WORK),
        ("후속", SectionKey.FUTURE_WORK),
        ("method", SectionKey.ARCHITECTURE),
        ("training", SectionKey.ARCHITECTURE),
        ("datasets", SectionKey.EXPERIMENTS),
        ("baselines", SectionKey.EXPERIMENTS),
        ("실험", SectionKey.EXPERIMENTS),
        ("performance", SectionKey.RESULTS),
        ("결과", SectionKey.RESULTS),
        ("novelty", SectionKey.CONTRIBUTIONS),
        ("기여", SectionKey.CONTRIBUTIONS),
        ("problem", SectionKey.MOTIVATION),
        ("동기", SectionKey.MOTIVATION),
        ("1", SectionKey.MOTIVATION),
        ("MOTIVATION", SectionKey.MOTIVATION),
    ],
)
def test_resolve(text: str, key: SectionKey) -> None:
    assert SectionKey.resolve(text) is key


@pytest.mark.parametrize("text", ["", "8", "0", "abstract", "한계점들요", "lim"])
def test_unknown_lists_valid_names(text: str) -> None:
    with pytest.raises(UnknownSectionError) as info:
        SectionKey.resolve(text)
    message = str(info.value)
    assert "limitations (한계점 및 잠재적 실패 요인)" in message
    assert all(key.value in message for key in SectionKey)
    assert isinstance(info.value, ValueError)


def test_template_order_numbers_and_labels() -> None:
    assert [k.number for k in SectionKey.ordered()] == list(range(1, 8))
    assert SectionKey.RESULTS.korean == "정량적 결과"
    assert SectionKey.FUTURE_WORK.english == "Future work"
    assert SectionKey.lookup("nonsense") is None
