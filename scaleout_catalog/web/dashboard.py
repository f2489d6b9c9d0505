"""The Dashboard: the catalog's and master's properties, workers, the queue and the last day's failures."""
from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .problems import describe

if TYPE_CHECKING:
    from .app import Manager


def read(request: Request) -> dict[str, Any]:
    """What the Dashboard shows; a part the login may not read says why instead (a logreader may not read
    the workers, for one)."""
    catalog = request.state.session.catalog
    parts: dict[str, Any] = {}
    for name, reader in (("queue", catalog.queue_summary), ("workers", catalog.worker_summary),
                         ("catalog_properties", catalog.catalog_properties),
                         ("master_properties", catalog.master_properties)):
        try:
            parts[name] = reader()
        except Exception as exc:  # noqa: BLE001
            described = describe(exc)
            if described is None:
                raise
            parts[name + "_refused"] = described[1]
    return parts


def routes(manager: "Manager", routed: Callable) -> list[Route]:
    def page(request: Request) -> Response:
        return manager.page(request, "dashboard.html", **read(request))

    def cards(request: Request) -> Response:
        return manager.page(request, "_dashboard_cards.html", **read(request))

    def rate(request: Request) -> Response:
        """The charts' series, one point a minute, oldest first (minutes with nothing: zero, no pickup)."""
        minutes = 1440 if request.query_params.get("minutes") == "1440" else 60
        rows = {r["minutes_ago"]: r for r in request.state.session.catalog.execution_rate(minutes)}
        now = int(time.time()) // 60 * 60
        series: dict[str, list] = {"time": [], "ended": [], "failed": [], "pickup_avg_ms": []}
        for ago in range(minutes - 1, -1, -1):
            row = rows.get(ago, {})
            series["time"].append(now - ago * 60)
            series["ended"].append(row.get("ended", 0))
            series["failed"].append(row.get("failed", 0))
            pickup = row.get("pickup_avg_ms")
            series["pickup_avg_ms"].append(round(pickup, 3) if pickup is not None else None)
        return JSONResponse(series, headers={"Cache-Control": "no-store"})

    return [Route("/dashboard", routed(page), methods=["GET"]),
            Route("/dashboard/cards", routed(cards), methods=["GET"]),
            Route("/dashboard/rate", routed(rate), methods=["GET"])]
