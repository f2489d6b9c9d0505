"""Execute Package in Scale Out: pick folder, project and package, an environment the project references
(its variables fill the parameters bound to them), fill its parameters (the catalog checks their types),
choose any worker or specific ones, set the retry count, start. One transaction: a value
or a start the catalog refuses leaves no half-made execution behind."""
from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, Callable

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from .problems import describe

if TYPE_CHECKING:
    from .app import Manager

MAX_VALUE = 4000


def choices(catalog, form: dict[str, str]) -> dict[str, Any]:
    """The folders, the chosen folder's projects, the chosen project's packages and the chosen package's
    parameters, from the catalog's views."""
    folders = catalog.folders()
    folder = next((f for f in folders if f.name == form.get("folder")), None)
    projects = [p for p in catalog.projects() if folder and p.folder_id == folder.id]
    project = next((p for p in projects if p.name == form.get("project")), None)
    packages = [k for k in catalog.packages() if project and k.project_id == project.project_id]
    package = next((k for k in packages if k.name == form.get("package")), None)
    parameters, references = [], []
    if package is not None:
        parameters = [p for p in catalog.object_parameters(folder.name, project.name)
                      if p["object_type"] == 20 or p["object_name"] == package.name]
        references = catalog.environment_references(folder.name, project.name)
    workers = [w for w in catalog.worker_agents() if w.is_enabled]
    return {"folders": folders, "projects": projects, "packages": packages, "parameters": parameters,
            "references": references, "workers": workers, "ready": package is not None}


def routes(manager: "Manager", routed: Callable) -> list[Route]:
    def show(request: Request, form: dict[str, str], status: int = 200, message: str | None = None,
             chosen_workers: list[str] | None = None, context: dict[str, Any] | None = None) -> Response:
        """The form; context: the choices already read for this request, if any."""
        return manager.page(request, "execute.html", status_code=status, form=form, message=message,
                            chosen_workers=chosen_workers or [],
                            **(context or choices(request.state.session.catalog, form)))

    def page(request: Request) -> Response:
        form = {k: request.query_params.get(k, "") for k in ("folder", "project", "package")}
        return show(request, form)

    def run(request: Request) -> Response:
        catalog = request.state.session.catalog
        raw = request.state.form
        form = {k: v for k, v in raw.items() if k != "csrf_token"}
        worker_ids = request.state.form_lists.get("worker", [])
        context = choices(catalog, form)
        if not context["ready"]:
            return show(request, form, 400, "Choose a folder, a project and a package.", worker_ids, context)
        values: list[tuple[int, str, str]] = []
        for p in context["parameters"]:
            value = form.get(f"param:{p['object_type']}:{p['parameter_name']}", "")
            if value == "":
                continue        # keeps the design default (a required one without it is refused at start)
            if len(value) > MAX_VALUE or "\x00" in value:
                return show(request, form, 400, f"The value of {p['parameter_name']} is longer than {MAX_VALUE} "
                                                "characters or contains NUL.", worker_ids, context)
            values.append((p["object_type"], p["parameter_name"], value))
        try:
            retry_count = int(form.get("retry_count") or 0)
        except ValueError:
            return show(request, form, 400, "The retry count is a whole number from 0 to 100.", worker_ids, context)
        reference = form.get("reference") or None
        if reference is not None and reference not in {str(r["reference_id"]) for r in context["references"]}:
            return show(request, form, 400, "The chosen environment is not one this project references.",
                        worker_ids, context)
        try:
            workers = [uuid.UUID(w) for w in worker_ids]
        except ValueError:
            return show(request, form, 400, "A chosen worker is not a WorkerAgentId.", worker_ids, context)
        try:
            with catalog.transaction():
                execution_id = catalog.create_execution(form["folder"], form["project"], form["package"],
                                                        useanyworker=not workers,
                                                        reference_id=int(reference) if reference else None)
                for object_type, name, value in values:
                    catalog.set_execution_parameter_value(execution_id, object_type, name, value)
                for worker in workers:
                    catalog.add_execution_worker(execution_id, worker)
                catalog.start_execution(execution_id, retry_count=retry_count)
        except Exception as exc:  # noqa: BLE001  (the catalog's refusal, said on the form, values kept)
            described = describe(exc)
            if described is None:
                raise
            return show(request, form, described[0], described[1], worker_ids, context)
        return RedirectResponse(f"/executions/{execution_id}", status_code=303)

    return [Route("/execute", routed(page), methods=["GET"]),
            Route("/execute", routed(run), methods=["POST"])]
