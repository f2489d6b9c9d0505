"""The Worker Manager page: every worker with its state; enable, disable, delete and edit (admins)."""
from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Callable

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ..models import WorkerAgent

if TYPE_CHECKING:
    from .app import Manager

PROPERTIES = ("DisplayName", "Description", "Tags")     # what catalog.set_worker_agent_property sets
ACTIONS = ("enable", "disable", "delete")


def heartbeat_age(worker: WorkerAgent, now: datetime) -> str:
    if worker.last_online_time is None:
        return "never"
    seconds = max(0, int((now - worker.last_online_time).total_seconds()))
    if seconds < 120:
        return f"{seconds} s ago"
    if seconds < 7200:
        return f"{seconds // 60} min ago"
    if seconds < 172800:
        return f"{seconds // 3600} h ago"
    return f"{seconds // 86400} days ago"


def routes(manager: "Manager", routed: Callable) -> list[Route]:
    def rows(request: Request) -> dict:
        catalog = request.state.session.catalog
        workers = catalog.worker_agents()
        now = datetime.now(timezone.utc)
        return {"workers": workers, "ages": {w.worker_agent_id: heartbeat_age(w, now) for w in workers}}

    def page(request: Request) -> Response:
        return manager.page(request, "workers.html", **rows(request))

    def table(request: Request) -> Response:
        return manager.page(request, "_workers_table.html", **rows(request))

    def worker_id(request: Request) -> tuple[str | None, Response | None]:
        """The path's WorkerAgentId, or the 404 to answer."""
        raw = request.path_params["worker_agent_id"]
        try:
            return str(uuid.UUID(raw)), None
        except ValueError:
            return None, manager.problem(request, 404, f"{raw[:60]!r} is not a WorkerAgentId "
                                                       "(a GUID, as in catalog.worker_agents).")

    def worker_row(request: Request) -> tuple[WorkerAgent | None, Response | None]:
        """The path's worker agent from catalog.worker_agents, or the 404 to answer."""
        worker, missing = worker_id(request)
        if missing is not None:
            return None, missing
        found = request.state.session.catalog.worker_agent(worker)
        if found is None:
            return None, manager.problem(request, 404, f"There is no worker agent {worker} (it may have been deleted).")
        return found, None

    def done(request: Request, message: str, close_editor: bool = False) -> Response:
        """After an action: the fresh table for htmx (and the message), else back to the page."""
        if request.headers.get("HX-Request") != "true":
            return RedirectResponse("/workers", status_code=303)
        return manager.page(request, "_workers_table.html", flash=message, close_editor=close_editor, **rows(request))

    def action(request: Request) -> Response:
        name = request.path_params["action"]
        worker, missing = worker_id(request)
        if missing is not None:
            return missing
        if name not in ACTIONS:
            return manager.problem(request, 404, f"There is no worker action {name[:40]!r}.")
        getattr(request.state.session.catalog, f"{name}_worker_agent")(worker)
        return done(request, f"Worker agent {worker} {name}d.")

    def editor(request: Request) -> Response:
        found, missing = worker_row(request)
        return missing or manager.page(request, "_worker_editor.html", worker=found)

    def properties(request: Request) -> Response:
        current, missing = worker_row(request)
        if missing is not None:
            return missing
        worker, catalog = str(current.worker_agent_id), request.state.session.catalog
        form = request.state.form
        values = {"DisplayName": current.display_name, "Description": current.description, "Tags": current.tags}
        changed = {name: form[name] for name in PROPERTIES if name in form and form[name] != (values[name] or "")}
        for name, value in changed.items():      # each its own procedure call, as in SSMS's Edit and Save
            catalog.set_worker_agent_property(worker, name, value)
        said = ", ".join(changed) + " saved." if changed else "nothing changed."
        return done(request, f"Worker agent {worker}: {said}", close_editor=True)

    return [
        Route("/workers", routed(page), methods=["GET"]),
        Route("/workers/table", routed(table), methods=["GET"]),
        Route("/workers/{worker_agent_id}/edit", routed(editor), methods=["GET"]),
        Route("/workers/{worker_agent_id}/properties", routed(properties), methods=["POST"]),
        Route("/workers/{worker_agent_id}/{action}", routed(action), methods=["POST"]),
    ]
