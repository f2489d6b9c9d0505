"""The Schedules page: each schedule the login may see (catalog.schedules), its next and last run, and its
latest runs (catalog.schedule_runs), including the ones that could not start and why."""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

if TYPE_CHECKING:
    from .app import Manager

RUN_TYPES = {"S": "due", "C": "catch-up", "K": "skipped", "M": "run now"}
RECENT_RUNS = 10


def routes(manager: "Manager", routed: Callable) -> list[Route]:
    def page(request: Request) -> Response:
        catalog = request.state.session.catalog
        schedules = catalog.schedules()
        runs: dict[int, list[dict]] = {}
        for run in catalog.recent_schedule_runs(RECENT_RUNS):     # one query, not one a schedule
            runs.setdefault(run["schedule_id"], []).append(run)
        return manager.page(request, "schedules.html", schedules=schedules, runs=runs, RUN_TYPES=RUN_TYPES)

    return [Route("/schedules", routed(page), methods=["GET"])]
