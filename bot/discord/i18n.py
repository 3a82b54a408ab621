"""Korean for the command descriptions Discord shows in its command picker.

discord.py turns every command and option description (from the docstrings in
:mod:`bot.discord.commands`) into a :class:`~discord.app_commands.locale_str` and asks the tree's
translator for each locale when syncing; what comes back is sent as
``description_localizations``. English stays the default; users whose Discord speaks Korean
see the Korean. Command and option *names* stay English, like the Slack commands.

The table is keyed by the English text, so a reworded docstring needs its Korean here too;
``tests/discord/test_commands.py`` checks that nothing synced lacks a translation.
"""

from __future__ import annotations

import logging
from typing import Final

import discord
from discord import app_commands

__all__ = ["KOREAN", "KoreanTranslator"]

_log = logging.getLogger(__name__)

_DATE: Final = "Digest date YYYY-MM-DD (default: the newest)"

#: English description → Korean (each at most 100 characters, as Discord requires).
KOREAN: Final[dict[str, str]] = {
    "Show a paper's summary card, or one section of it": (
        "논문의 요약 카드 또는 그 한 섹션을 보여 줍니다"
    ),
    "arXiv id or link (arxiv.org, huggingface.co/papers), e.g. 2505.19590": (
        "arXiv ID 또는 링크 (arxiv.org, huggingface.co/papers), 예: 2505.19590"
    ),
    "Only this section, e.g. limitations, 한계, 6": "이 섹션만 보기, 예: limitations, 한계, 6",
    _DATE: "다이제스트 날짜 YYYY-MM-DD (기본값: 최신)",
    "One section of a paper, or of every paper in a digest": (
        "논문 하나 또는 다이제스트의 모든 논문에서 한 섹션을 보여 줍니다"
    ),
    "Which section, e.g. results, limitations, 한계, 6": (
        "섹션 이름, 예: results, limitations, 한계, 6"
    ),
    "arXiv id or link; leave empty for every paper of the digest": (
        "arXiv ID 또는 링크; 비워 두면 다이제스트의 모든 논문"
    ),
    "The papers of a digest, one line each (the newest by default)": (
        "다이제스트의 논문 목록, 한 줄에 하나씩 (기본값: 최신)"
    ),
    "Search titles and summaries (Korean or English)": "제목과 요약 검색 (한국어 또는 영어)",
    "Words to look for, e.g. 강화 학습 or diffusion": "찾을 단어, 예: 강화 학습 또는 diffusion",
    "Admins: this channel gets each new digest daily": (
        "관리자: 이 채널이 매일 새 다이제스트를 받습니다"
    ),
    "Local posting time HH:MM (default 08:00)": "게시 시각 HH:MM, 현지 시간 (기본값 08:00)",
    "IANA timezone, e.g. Asia/Seoul, Europe/Berlin (default Asia/Seoul)": (
        "IANA 시간대, 예: Asia/Seoul, Europe/Berlin (기본값 Asia/Seoul)"
    ),
    "Sections to show, comma-separated, e.g. results,limitations (default all)": (
        "카드에 보일 섹션, 쉼표로 구분, 예: results,limitations (기본값: 전체)"
    ),
    "Post the cards in a thread under the day's header": (
        "그날의 헤더 메시지 아래 스레드에 카드를 게시"
    ),
    'Only papers mentioning a term, e.g. "강화 학습",RL (none clears)': (
        '이 단어가 나오는 논문만, 예: "강화 학습",RL (none이면 해제)'
    ),
    "Never papers mentioning a term, e.g. survey (none clears)": (
        "이 단어가 나오는 논문은 제외, 예: survey (none이면 해제)"
    ),
    'Always papers by these authors, e.g. "Yann LeCun",Hinton (none clears)': (
        '이 저자의 논문은 항상 포함, 예: "Yann LeCun",Hinton (none이면 해제)'
    ),
    "Only papers with at least this many upvotes (0 clears)": (
        "추천 수가 이 이상인 논문만 (0이면 해제)"
    ),
    "Only the N most upvoted papers (0 clears)": "추천 수 상위 N편만 (0이면 해제)",
    "Cards, one listing a day, or the week's top papers": (
        "논문별 카드, 하루 한 번 목록, 또는 주간 상위 논문"
    ),
    "Weekly mode: the day the week's listing is posted": "주간 모드: 주간 목록을 게시할 요일",
    "Weekly mode: rank by Hugging Face upvotes or by the 👍 given here": (
        "주간 모드: Hugging Face 추천 수 또는 이 채널의 👍 순으로 정렬"
    ),
    "Post a one-line note on a day no paper matches": (
        "조건에 맞는 논문이 없는 날에 한 줄 안내를 게시"
    ),
    "Show what the newest digest would bring here; change nothing": (
        "최신 다이제스트에서 이 채널이 받을 논문을 미리 보기 (아무것도 바꾸지 않음)"
    ),
    "Admins: stop this channel's daily digest": "관리자: 이 채널의 매일 다이제스트를 멈춥니다",
    "Admins: the subscribed channels of this server and their next deliveries": (
        "관리자: 이 서버의 구독 채널과 다음 게시 시각"
    ),
    "Your saved papers: list, export as BibTeX, or clear": (
        "저장한 논문: 목록, BibTeX로 내보내기, 또는 지우기"
    ),
    "list (default), export, clear or help": "list (기본값), export, clear 또는 help",
    "Page of the list (default 1)": "목록의 페이지 (기본값 1)",
    "Papers this channel's members liked or saved, with counts": (
        "이 채널 멤버들이 좋아요하거나 저장한 논문과 그 수"
    ),
    "Admins: take this arXiv id off the list": "관리자: 이 arXiv ID를 목록에서 뺍니다",
    "A daily DM with new papers matching your terms or authors": (
        "내 검색어나 저자에 맞는 새 논문을 매일 DM으로 받습니다"
    ),
    'e.g. "강화 학습" RL authors:"Yann LeCun"; empty lists yours; resume; help': (
        '예: "강화 학습" RL authors:"Yann LeCun"; 비우면 목록; resume; help'
    ),
    "Stop following terms or authors": "검색어나 저자 팔로우를 멈춥니다",
    "What to stop following; empty or all stops everything": (
        "팔로우를 멈출 항목; 비우거나 all이면 모두 멈춤"
    ),
}


class KoreanTranslator(app_commands.Translator):
    """Korean descriptions from :data:`KOREAN` (or a ``locale_str``'s ``ko`` extra)."""

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        """The Korean for ``string``; ``None`` (keep English) for other locales and names."""
        if locale is not discord.Locale.korean:
            return None
        if context.location in (
            app_commands.TranslationContextLocation.command_name,
            app_commands.TranslationContextLocation.parameter_name,
        ):
            return None
        found = string.extras.get("ko") or KOREAN.get(string.message)
        if found is None:
            _log.warning("no Korean for %r (%s)", string.message, context.location.name)
        return found
