"""Fitting rendered text into limits: always within, cut only when needed, never empty-handed."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.cards.fitting import fit, fit_all
from bot.core.cards.text import escape_slack, utf16_len

SENTENCE = "강화 학습은 R&D <팀>의 핵심 과제입니다. "


def expand(text: str) -> str:
    """A renderer that grows text, like Slack escaping (& → &amp;)."""
    return escape_slack(text)


def test_short_text_is_rendered_whole() -> None:
    fitted = fit("짧은 문장입니다.", 100, expand)
    assert fitted.text == "짧은 문장입니다." and not fitted.was_cut


def test_cut_measures_the_rendering_not_the_source() -> None:
    body = SENTENCE * 40
    fitted = fit(body, 300, expand)
    assert fitted.was_cut and len(fitted.text) <= 300
    assert fitted.text.endswith("…") and "&amp;" in fitted.text
    assert fitted.text.rstrip("…").endswith("다.")  # a sentence boundary


def test_fit_all_shrinks_the_runaway_section_first() -> None:
    short, runaway = "한 문장.", SENTENCE * 200
    fitted = fit_all([short, runaway, short], each=3000, total=1500, render=expand)
    assert [f.text for f in fitted][::2] == [short, short]
    assert fitted[1].was_cut and sum(len(f.text) for f in fitted) <= 1500


BODIES = st.lists(
    st.text(alphabet=st.sampled_from(list("가나다 라.!?\n*_`[]()<>&@😀👩‍💻")), max_size=3000),
    min_size=1,
    max_size=8,
)


@settings(max_examples=60, deadline=None)
@given(BODIES, st.integers(20, 1024), st.integers(100, 6000))
def test_limits_always_hold(bodies: list[str], each: int, total: int) -> None:
    fitted = fit_all(bodies, each=each, total=total, render=expand, length=utf16_len)
    assert all(utf16_len(f.text) <= each for f in fitted)
    assert sum(utf16_len(f.text) for f in fitted) <= total
    for body, f in zip(bodies, fitted, strict=True):
        if not f.was_cut:
            assert f.text == expand(body)
