"""A loopback fake of Hugging Face's paper API: ``/api/daily_papers`` and ``/api/papers/{id}``.

It serves the documented JSON shape (``paper.{id, title, authors[{name, hidden}], upvotes,
ai_keywords, githubRepo, githubStars, projectPage, withdrawnAt}``, ``thumbnail``,
``numComments``, ``organization``) for the papers a test lists per day, pages with ``limit``
and ``p`` as the real API does, and can misbehave on demand: answer 429 with ``Retry-After``,
5xx, hang past the client's timeout, or send truncated JSON. ``requests`` counts every call.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from aiohttp import web

__all__ = ["FakeHuggingFace", "Fault", "paper_json"]


@dataclass
class Fault:
    """What the next matching requests get instead of an answer."""

    status: int = 0  # 429, 500, 503…; 0 = no status fault
    retry_after: str | None = None
    hang: bool = False  # never answer (until the fake closes)
    truncated: bool = False  # a 200 whose JSON is cut short
    times: int = 1  # how many requests it applies to


def paper_json(arxiv_id: str, **fields: Any) -> dict[str, Any]:
    """A daily-list item for ``arxiv_id`` as Hugging Face writes it; ``fields`` override."""
    paper = {
        "id": arxiv_id,
        "title": f"Paper {arxiv_id}",
        "summary": "An abstract.",
        "authors": [{"name": f"Author {n}", "hidden": False} for n in range(1, 6)],
        "publishedAt": "2026-01-04T10:00:00.000Z",
        "upvotes": 7,
        "ai_summary": "A summary.",
        "ai_keywords": ["agents", "reinforcement learning"],
        "githubRepo": f"https://github.com/example/{arxiv_id}",
        "githubStars": 120,
        "projectPage": f"https://example.org/{arxiv_id}",
    }
    item = {
        "paper": paper,
        "title": paper["title"],
        "thumbnail": f"https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/{arxiv_id}.png",
        "numComments": 2,
        "organization": {"name": "example", "fullname": "Example Lab"},
        "submittedBy": {"name": "someone", "fullname": "Some One"},
    }
    for key, value in fields.items():
        (paper if key in paper or key == "withdrawnAt" else item)[key] = value
    return item


@dataclass
class FakeHuggingFace:
    """The fake server; ``days[date] = [items]``, ``papers[id] = paper`` (for ``/papers``)."""

    days: dict[str, list[Any]] = field(default_factory=lambda: defaultdict(list))
    papers: dict[str, Any] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)  # paths with query, in order
    latency: float = 0.0  # real seconds before each answer (benchmarks/enrich.py)
    _runner: web.AppRunner | None = None
    _port: int | None = None
    _closing: asyncio.Event = field(default_factory=asyncio.Event)

    async def __aenter__(self) -> FakeHuggingFace:
        app = web.Application()
        app.router.add_get("/api/daily_papers", self._daily)
        app.router.add_get("/api/papers/{id}", self._paper)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.2)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self._port = self._runner.addresses[0][1]
        return self

    async def __aexit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._closing.set()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        """For ``[enrichment] api_base_url``."""
        return f"http://127.0.0.1:{self._port}/api"

    def list_day(self, day: dt.date, *items: Any) -> None:
        """Add ``items`` to the list of ``day`` (a list grows through the day)."""
        self.days[day.isoformat()].extend(items)

    async def _misbehave(self) -> web.Response | None:
        if self.latency:
            await asyncio.sleep(self.latency)
        if not self.faults:
            return None
        fault = self.faults[0]
        fault.times -= 1
        if fault.times <= 0:
            self.faults.pop(0)
        if fault.hang:
            await self._closing.wait()
            return web.Response(status=503)
        if fault.truncated:
            return web.Response(text='[{"paper": {"id": "26', content_type="application/json")
        headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
        return web.json_response({"error": "busy"}, status=fault.status, headers=headers)

    async def _daily(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(str(request.rel_url))
        if (bad := await self._misbehave()) is not None:
            return bad
        items = self.days.get(request.query.get("date", ""), [])
        limit, page = int(request.query.get("limit", "50")), int(request.query.get("p", "0"))
        return web.json_response(items[page * limit : (page + 1) * limit])

    async def _paper(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(str(request.rel_url))
        if (bad := await self._misbehave()) is not None:
            return bad
        paper = self.papers.get(request.match_info["id"])
        if paper is None:
            return web.json_response({"error": "Paper not found"}, status=404)
        return web.Response(text=json.dumps(paper), content_type="application/json")
