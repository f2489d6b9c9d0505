"""All Executions (filtered, paged), the execution overview with its messages streamed live, and stop
and run again: each action one transaction of catalog procedure calls under the signed-in login."""
from __future__ import annotations

import asyncio
import time
import uuid
from datetime import datetime, timezone
from statistics import mean
from typing import TYPE_CHECKING, Any, Callable
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response, StreamingResponse
from starlette.routing import Route

from ..models import STATUS_NAMES, TERMINAL_STATUSES
from .present import duration
from .problems import describe
from .sessions import SESSION_COOKIE

if TYPE_CHECKING:
    from .app import Manager

PAGE_SIZE = 50
FIRST_MESSAGES = 2000          # messages an overview shows at once; the rest stream after them
STREAM_INTERVAL = 0.5          # seconds between reads of a running execution
STREAM_SECONDS = 600           # a stream ends after this long; the browser reconnects where it left off
STREAM_BATCH = 1000            # messages a stream reads at a time (a full batch: read on at once)
MAX_NAME = 128
MAX_TEXT = 200


class BadFilter(ValueError):
    """A filter value that cannot be searched for: said back in one line; nothing is queried."""


def _int(value: str, what: str, low: int, high: int) -> int:
    try:
        number = int(value)
    except ValueError:
        raise BadFilter(f"{what} must be a whole number, not {value[:40]!r}") from None
    if not low <= number <= high:
        raise BadFilter(f"{what} must be from {low} to {high}")
    return number


def _time(value: str, what: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise BadFilter(f"{what} must be a date and time such as 2026-11-28T09:30 (UTC), not {value[:40]!r}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def filters_from(query: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """The search's filters from the query string, and the form's values to show again."""
    form = {k: str(query.get(k, "")).strip() for k in ("status", "folder", "project", "package", "worker", "from",
                                                        "until", "q", "before")}
    for key, value in form.items():
        if "\x00" in value:
            raise BadFilter(f"{key} contains a NUL character")
    found: dict[str, Any] = {}
    if form["status"]:
        found["status"] = _int(form["status"], "status", 1, 9)
    for key, name in (("folder", "folder_name"), ("project", "project_name"), ("package", "package_name")):
        if form[key]:
            if len(form[key]) > MAX_NAME:
                raise BadFilter(f"{key} is at most {MAX_NAME} characters")
            found[name] = form[key]
    if form["worker"]:
        try:
            found["worker_agent_id"] = uuid.UUID(form["worker"])
        except ValueError:
            raise BadFilter("worker must be a WorkerAgentId (a GUID, as in catalog.worker_agents)") from None
    if form["from"]:
        found["started_from"] = _time(form["from"], "from")
    if form["until"]:
        found["started_until"] = _time(form["until"], "until")
    if form["q"]:
        if len(form["q"]) > MAX_TEXT:
            raise BadFilter(f"the search text is at most {MAX_TEXT} characters")
        found["text"] = form["q"]
    if form["before"]:
        found["before"] = _int(form["before"], "before", 1, 2**63 - 1)
    return found, form


def routes(manager: "Manager", routed: Callable) -> list[Route]:
    def listing(request: Request, template: str) -> Response:
        try:
            found, form = filters_from(request.query_params)
        except BadFilter as exc:
            return manager.problem(request, 400, str(exc))
        rows = request.state.session.catalog.search_executions(limit=PAGE_SIZE + 1, **found)
        more = len(rows) > PAGE_SIZE
        rows = rows[:PAGE_SIZE]
        next_query = None
        if more:
            next_query = urlencode({k: v for k, v in {**form, "before": str(rows[-1].execution_id)}.items() if v})
        return manager.page(request, template, executions=rows, form=form, next_query=next_query,
                            statuses=STATUS_NAMES)

    def page(request: Request) -> Response:
        return listing(request, "executions.html")

    def rows(request: Request) -> Response:
        return listing(request, "_executions_rows.html")

    def execution_or_404(request: Request):
        execution_id = request.path_params["execution_id"]
        execution = request.state.session.catalog.execution(execution_id)
        if execution is None:
            return None, manager.problem(request, 404, f"There is no execution {execution_id} "
                                                       "(see All Executions), or it has been cleaned up.")
        return execution, None

    def overview(request: Request) -> Response:
        execution, missing = execution_or_404(request)
        if missing is not None:
            return missing
        catalog = request.state.session.catalog
        messages = catalog.operation_messages_after(execution.execution_id, 0, FIRST_MESSAGES)
        return manager.page(request, "execution.html", messages=in_time_order(messages),
                            last_message_id=messages[-1].operation_message_id if messages else 0,
                            more_messages=len(messages) == FIRST_MESSAGES,
                            parameters=catalog.execution_parameter_values(execution.execution_id),
                            **summary(catalog, execution, request.state.session.may_execute))

    def summary(catalog, execution, may_execute: bool) -> dict[str, Any]:
        """The part of the overview that changes while it runs: status, why it waits, the error, attempts."""
        error = catalog.first_error(execution.execution_id) if execution.status in (4, 6) else None
        waits = catalog.execution_waits(execution.execution_id) if execution.status == 5 and may_execute else None
        names = {}
        if may_execute:      # a logreader may not read the workers: it sees their ids
            names = {w.worker_agent_id: w.display_name or w.machine_name for w in catalog.worker_agents()}
        runs = [r for r in catalog.recent_runs(execution.folder_name, execution.project_name, execution.package_name)
                if r.execution_id != execution.execution_id and r.start_time and r.end_time]
        return {"e": execution, "error": error, "waits": waits,
                "took": duration(execution.start_time, execution.end_time),
                "attempts": catalog.task_attempts(execution.execution_id), "worker_names": names,
                "usual_seconds": mean((r.end_time - r.start_time).total_seconds() for r in runs) if runs else None,
                "usual_runs": len(runs)}

    def stream(request: Request) -> Response:
        execution, missing = execution_or_404(request)
        if missing is not None:
            return missing
        session, session_id = request.state.session, request.cookies.get(SESSION_COOKIE)
        try:
            after = int(request.headers.get("last-event-id") or request.query_params.get("after") or 0)
            shown = int(request.query_params.get("status") or 0)
        except ValueError:
            return manager.problem(request, 400, "after and status must be whole numbers")

        def read(after: int):
            # The status first: a worker writes an attempt's messages and its outcome in one transaction,
            # so once the status is final every message is there to read.
            e = session.catalog.execution(execution.execution_id)
            return e, session.catalog.operation_messages_after(execution.execution_id, after, STREAM_BATCH)

        def render(template: str, **context: Any) -> str:
            return manager.templates.get_template(template).render(request=request, session=session, **context)

        async def events():
            nonlocal after, shown
            ends = time.monotonic() + STREAM_SECONDS
            waits = None
            while time.monotonic() < ends:
                if manager.sessions.get(session_id) is None:
                    yield _event("done", "")
                    return
                try:
                    e, messages = await run_in_threadpool(read, after)
                except Exception as exc:  # noqa: BLE001  (say it on the page; the browser reconnects)
                    described = describe(exc)
                    yield _event("problem", render("_flash.html", message=described[1] if described else
                                                   "The catalog did not answer; retrying.", kind="error"))
                    await asyncio.sleep(2)
                    continue
                if e is None:
                    yield _event("done", "")
                    return
                if messages:
                    after = messages[-1].operation_message_id
                    yield _event("messages", render("_messages.html", messages=in_time_order(messages)), after)
                # Pending: the reason it waits may change; only that is read again until something has.
                now_waits = waits
                if e.status == shown == 5 and session.may_execute:
                    now_waits = await run_in_threadpool(session.catalog.execution_waits, e.execution_id)
                if e.status != shown or now_waits != waits:
                    extra = await run_in_threadpool(summary, session.catalog, e, session.may_execute)
                    shown, waits = e.status, extra["waits"]
                    yield _event("status", render("_execution_summary.html", **extra))
                full = len(messages) == STREAM_BATCH
                if e.status in TERMINAL_STATUSES and not full:
                    yield _event("done", "")
                    return
                await asyncio.sleep(0 if full else STREAM_INTERVAL)

        return StreamingResponse(events(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})

    def stop(request: Request) -> Response:
        execution, missing = execution_or_404(request)
        if missing is not None:
            return missing
        request.state.session.catalog.stop_operation(execution.execution_id)
        return _after_action(manager, request, execution.execution_id, "Stop requested: the package is told to stop.")

    def rerun(request: Request) -> Response:
        execution, missing = execution_or_404(request)
        if missing is not None:
            return missing
        catalog = request.state.session.catalog
        values = [p for p in catalog.execution_parameter_values(execution.execution_id)
                  if p.runtime_override and p.object_type in (20, 30, 50) and not p.sensitive]
        tasks = catalog.tasks(execution.execution_id)
        retry_count = max((t.max_executed_count for t in tasks), default=1) - 1
        with catalog.transaction():   # all of it, or, on a refusal, nothing
            new_id = catalog.create_execution(execution.folder_name, execution.project_name, execution.package_name)
            for p in values:
                catalog.set_execution_parameter_value(new_id, p.object_type, p.parameter_name, p.parameter_value)
            catalog.start_execution(new_id, retry_count=retry_count)
        return RedirectResponse(f"/executions/{new_id}", status_code=303)

    def stop_selected(request: Request) -> Response:
        """Bulk stop: stop_operation for each chosen execution, each its own call (as SSMS stops them one by
        one); says which stopped and why each other did not."""
        chosen = request.state.form_lists.get("execution_id", [])
        if not chosen:
            return manager.problem(request, 400, "Tick the executions to stop first.")
        if len(chosen) > PAGE_SIZE:
            return manager.problem(request, 400, f"Stop at most {PAGE_SIZE} executions at once.")
        try:
            ids = sorted({int(i) for i in chosen})
        except ValueError:
            return manager.problem(request, 400, "An execution_id is not a whole number.")
        catalog, stopped, refused = request.state.session.catalog, [], []
        for execution_id in ids:
            try:
                catalog.stop_operation(execution_id)
                stopped.append(execution_id)
            except Exception as exc:  # noqa: BLE001  (each refusal is said; the others still stop)
                described = describe(exc)
                if described is None:
                    raise
                if described[0] == 403:
                    return manager.problem(request, *described)     # no right to stop: none was stopped
                refused.append(f"{execution_id}: {described[1]}")
        said = f"Stop requested for {len(stopped)} execution(s)"
        if stopped:
            said += f" ({', '.join(map(str, stopped))})"
        if refused:
            said += ". Not stopped: " + "; ".join(refused)
        return manager.page(request, "_flash.html", message=said + ".", kind="error" if refused else "info")

    return [
        Route("/executions", routed(page), methods=["GET"]),
        Route("/executions/stop", routed(stop_selected), methods=["POST"]),
        Route("/executions/rows", routed(rows), methods=["GET"]),
        Route("/executions/{execution_id:int}", routed(overview), methods=["GET"]),
        Route("/executions/{execution_id:int}/stream", routed(stream), methods=["GET"]),
        Route("/executions/{execution_id:int}/stop", routed(stop), methods=["POST"]),
        Route("/executions/{execution_id:int}/rerun", routed(rerun), methods=["POST"]),
    ]


def in_time_order(messages: list) -> list:
    """Messages as they happened: a worker writes a batch at a time, and its own start message (timed at
    the spawn request) may be stored after the package's first lines."""
    return sorted(messages, key=lambda m: (m.message_time, m.operation_message_id))


def _after_action(manager: "Manager", request: Request, execution_id: int, message: str) -> Response:
    if request.headers.get("HX-Request") == "true":
        return manager.page(request, "_flash.html", message=message, kind="info")
    return RedirectResponse(f"/executions/{execution_id}", status_code=303)


def _event(name: str, html: str, event_id: int | None = None) -> str:
    """One server-sent event; every line of the HTML is a data line."""
    lines = [f"event: {name}"] + ([f"id: {event_id}"] if event_id is not None else [])
    lines += [f"data: {line}" for line in (html.splitlines() or [""])]
    return "\n".join(lines) + "\n\n"
