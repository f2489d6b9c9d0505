"""The Dashboard: the catalog's and master's properties, workers, the queue and the last day's failures."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from starlette.requests import Request
from starlette.responses import Response
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
                         ("master_properties", lambda: catalog.query(
                             "SELECT property_name, property_value FROM catalog.master_properties"))):
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

    return [Route("/dashboard", routed(page), methods=["GET"]),
            Route("/dashboard/cards", routed(cards), methods=["GET"])]
