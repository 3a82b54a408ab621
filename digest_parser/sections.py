"""The seven summary sections and every name a person or an LLM uses for them.

The digest generator asks for seven sections with exact Korean headings, but the LLM shortens,
numbers, bolds and decorates them, and users type English words or numbers in slash commands.
All of those spellings meet here, in one table, so the parser and the chat commands agree.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Final

from .errors import UnknownSectionError

__all__ = ["SectionKey", "normalise_name"]


class SectionKey(StrEnum):
    """A summary section, in the order the generator asks for them."""

    MOTIVATION = "motivation"
    CONTRIBUTIONS = "contributions"
    ARCHITECTURE = "architecture"
    EXPERIMENTS = "experiments"
    RESULTS = "results"
    LIMITATIONS = "limitations"
    FUTURE_WORK = "future-work"

    @property
    def number(self) -> int:
        """The section's 1-based position in the template."""
        return _ORDER.index(self) + 1

    @property
    def korean(self) -> str:
        """The exact Korean heading the generator asks for."""
        return _KOREAN[self]

    @property
    def english(self) -> str:
        """A short English label for cards and help text."""
        return _ENGLISH[self]

    @classmethod
    def ordered(cls) -> tuple[SectionKey, ...]:
        """All keys in template order."""
        return _ORDER

    @classmethod
    def resolve(cls, text: str) -> SectionKey:
        """Resolve any accepted spelling of a section name.

        Accepts the slug, English synonyms, the Korean heading and its short forms, and the
        numbers 1-7, ignoring case, spaces, hyphens and underscores.

        Raises:
            UnknownSectionError: no spelling matches; its message lists the valid names.
        """
        key = cls.lookup(text)
        if key is None:
            raise UnknownSectionError(text, cls.valid_names())
        return key

    @classmethod
    def lookup(cls, text: str) -> SectionKey | None:
        """Like :meth:`resolve` but return ``None`` for an unknown name."""
        return _ALIASES.get(normalise_name(text))

    @classmethod
    def valid_names(cls) -> list[str]:
        """The names to show a user who typed an unknown one: slug and Korean heading."""
        return [f"{k.value} ({k.korean})" for k in _ORDER]


_ORDER: Final = tuple(SectionKey)

_KOREAN: Final[dict[SectionKey, str]] = {
    SectionKey.MOTIVATION: "핵심 동기와 문제 정의",
    SectionKey.CONTRIBUTIONS: "주요 기여 및 참신성",
    SectionKey.ARCHITECTURE: "모델 아키텍처 및 학습 설정",
    SectionKey.EXPERIMENTS: "실험 설정",
    SectionKey.RESULTS: "정량적 결과",
    SectionKey.LIMITATIONS: "한계점 및 잠재적 실패 요인",
    SectionKey.FUTURE_WORK: "후속 연구 아이디어 또는 확장 방향",
}

_ENGLISH: Final[dict[SectionKey, str]] = {
    SectionKey.MOTIVATION: "Motivation",
    SectionKey.CONTRIBUTIONS: "Contributions",
    SectionKey.ARCHITECTURE: "Architecture & training",
    SectionKey.EXPERIMENTS: "Experimental setup",
    SectionKey.RESULTS: "Results",
    SectionKey.LIMITATIONS: "Limitations",
    SectionKey.FUTURE_WORK: "Future work",
}

# Every spelling below is compared after normalise_name(), so write them naturally.
_SYNONYMS: Final[dict[SectionKey, tuple[str, ...]]] = {
    SectionKey.MOTIVATION: (
        "motivation",
        "motivations",
        "problem",
        "problem definition",
        "problem statement",
        "why",
        "background",
        "goal",
        "goals",
        "동기",
        "핵심 동기",
        "문제",
        "문제 정의",
        "핵심 동기 및 문제 정의",
        "동기와 문제 정의",
    ),
    SectionKey.CONTRIBUTIONS: (
        "contributions",
        "contribution",
        "novelty",
        "novel",
        "key contributions",
        "main contributions",
        "what's new",
        "whats new",
        "기여",
        "주요 기여",
        "참신성",
        "기여 및 참신성",
        "주요 기여와 참신성",
    ),
    SectionKey.ARCHITECTURE: (
        "architecture",
        "arch",
        "method",
        "methods",
        "methodology",
        "model",
        "training",
        "training setup",
        "model architecture",
        "approach",
        "design",
        "how",
        "아키텍처",
        "모델",
        "모델 아키텍처",
        "학습",
        "학습 설정",
        "방법",
        "방법론",
        "모델 아키텍처와 학습 설정",
    ),
    SectionKey.EXPERIMENTS: (
        "experiments",
        "experiment",
        "experimental setup",
        "setup",
        "datasets",
        "dataset",
        "data",
        "baselines",
        "baseline",
        "evaluation setup",
        "benchmarks",
        "실험",
        "실험 설정",
        "데이터셋",
        "베이스라인",
        "비교 대상",
    ),
    SectionKey.RESULTS: (
        "results",
        "result",
        "performance",
        "numbers",
        "quantitative results",
        "quantitative",
        "findings",
        "scores",
        "metrics",
        "결과",
        "정량적 결과",
        "성능",
        "정량 결과",
        "실험 결과",
    ),
    SectionKey.LIMITATIONS: (
        "limitations",
        "limitation",
        "limits",
        "limit",
        "weaknesses",
        "weakness",
        "failure",
        "failure modes",
        "failures",
        "risks",
        "caveats",
        "drawbacks",
        "cons",
        "한계",
        "한계점",
        "약점",
        "실패 요인",
        "한계 및 잠재적 실패 요인",
        "한계점과 잠재적 실패 요인",
        "잠재적 실패 요인",
    ),
    SectionKey.FUTURE_WORK: (
        "future work",
        "future",
        "future directions",
        "next steps",
        "next",
        "extensions",
        "follow up",
        "followup",
        "follow-up",
        "outlook",
        "ideas",
        "후속",
        "후속 연구",
        "확장",
        "확장 방향",
        "후속 연구 아이디어",
        "향후 연구",
        "후속 연구 아이디어 및 확장 방향",
    ),
}

_SEPARATORS = re.compile(r"[\s\-_·.:]+")


def normalise_name(text: str) -> str:
    """Fold a section name for comparison: case, spaces, hyphens, underscores, dots, colons."""
    return _SEPARATORS.sub("", text.strip().casefold())


def _build_aliases() -> dict[str, SectionKey]:
    table: dict[str, SectionKey] = {}
    for key in _ORDER:
        spellings = (key.value, key.name, key.korean, key.english, str(key.number), *_SYNONYMS[key])
        for spelling in spellings:
            folded = normalise_name(spelling)
            owner = table.setdefault(folded, key)
            if owner is not key:  # pragma: no cover - guarded by a test on import
                raise AssertionError(f"alias {spelling!r} names both {owner} and {key}")
    return table


_ALIASES: Final[dict[str, SectionKey]] = _build_aliases()
