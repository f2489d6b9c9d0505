"""`scaleout execute` and `scaleout executions`: run packages and follow them."""
from __future__ import annotations

import sys
import time
import uuid
from typing import Any

import click
from rich.live import Live
from rich.spinner import Spinner
from rich.text import Text

from ..models import STATUS_NAMES, TERMINAL_STATUSES
from ..runtime.messages import MessageType
from .environments import reference_for
from .app import (EXIT_CANCELED, EXIT_ENDED_UNEXPECTEDLY, EXIT_FAILED, Seconds, UserError, catalog_for, console,
                  url_option)
from .output import Column, print_executions, print_table, status_text, when

EXIT_BY_STATUS = {7: 0, 9: 0, 4: EXIT_FAILED, 3: EXIT_CANCELED, 6: EXIT_ENDED_UNEXPECTEDLY}
_TYPE_NAMES = {t.value: t.name.lower().replace("_", " ") for t in MessageType}
_OBJECT_TYPES = {"$project": 20, "$package": 30}
# An execution id is a bigint in the catalog: anything else cannot name one.
execution_id_argument = click.argument("execution_id", type=click.IntRange(1, 2**63 - 1))


def _parse_params(catalog: Any, folder: str, project: str, package: str,
                  pairs: tuple[str, ...]) -> list[tuple[int, str, str]]:
    """--param values as (object_type, name, value), their names checked against the deployed parameters
    (to name the package or project that lacks one); the values are the catalog's to check."""
    declared = catalog.object_parameters(folder, project)
    by_key = {(r["object_type"], r["parameter_name"]): r["data_type"] for r in declared
              if r["object_type"] == 20 or r["object_name"] == package}
    out = []
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise UserError(f"--param {pair!r}: expected NAME=VALUE (or $Project::NAME=VALUE)")
        scope, _, bare = name.rpartition("::")
        if scope and scope.lower() not in _OBJECT_TYPES:
            raise UserError(f"--param {pair!r}: the scope must be $Project or $Package")
        types = [_OBJECT_TYPES[scope.lower()]] if scope else [30, 20]
        object_type = next((t for t in types if (t, bare) in by_key), None)
        if object_type is None:
            if not declared and not _project_exists(catalog, folder, project):
                break   # create_execution names the missing folder or project
            where = f"package {package}" if types == [30] else f"project {project}" if types == [20] \
                else f"package {package} or project {project}"
            raise UserError(f"--param {pair!r}: {where} has no parameter {bare!r}")
        out.append((object_type, bare, value))   # its value is checked by the catalog itself
    return out


def _project_exists(catalog: Any, folder: str, project: str) -> bool:
    folder_ids = {f.id for f in catalog.folders() if f.name == folder}
    return any(p.folder_id in folder_ids and p.name == project for p in catalog.projects())


@click.command()
@click.argument("folder_name")
@click.argument("project_name")
@click.argument("package_name")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="A parameter value; repeat for more. $Project::NAME=VALUE or $Package::NAME=VALUE to be explicit.")
@click.option("--worker", "workers", multiple=True, metavar="WORKER_AGENT_ID",
              help="Run only on this worker agent; repeat for more (catalog.add_execution_worker).")
@click.option("--environment", "environment_name", metavar="NAME",
              help="Take parameter values from this environment, through the project's reference to it.")
@click.option("--environment-folder", metavar="FOLDER",
              help="With --environment: the environment's folder, when the project references two of that name.")
@click.option("--retry-count", type=click.IntRange(0, 100), default=0, show_default=True,
              help="Further attempts after a failed one.")
@click.option("--wait", is_flag=True, help="Follow the execution to its end, print its log, exit by its outcome.")
@click.option("--timeout", type=Seconds(0), default=None, help="With --wait: give up after this many seconds.")
@url_option
def execute(folder_name: str, project_name: str, package_name: str, params: tuple[str, ...],
            workers: tuple[str, ...], environment_name: str | None, environment_folder: str | None, retry_count: int,
            wait: bool, timeout: float | None, url: str | None) -> None:
    """Run a package in Scale Out: create_execution, set_execution_parameter_value, start_execution.

    With --wait the exit code says how it ended: 0 succeeded, 4 failed, 5 canceled,
    6 ended unexpectedly.

    \b
    Example:
      scaleout execute finance sales load --param Region=EMEA --retry-count 2 --wait
      scaleout execute finance sales load --environment prod
    """
    catalog = catalog_for(url)
    if environment_folder is not None and environment_name is None:
        raise UserError("--environment-folder goes with --environment NAME")
    reference_id = None if environment_name is None else \
        reference_for(catalog, folder_name, project_name, environment_name, environment_folder)
    values = _parse_params(catalog, folder_name, project_name, package_name, params)
    worker_ids = []
    for value in workers:
        try:
            worker_ids.append(uuid.UUID(value))
        except ValueError:
            raise UserError(f"--worker {value!r} is not a WorkerAgentId (a GUID, as in catalog.worker_agents)") from None
        if catalog.worker_agent(worker_ids[-1]) is None:
            raise UserError(f"--worker {value}: no such worker agent in catalog.worker_agents")
    # One transaction: a value or a start that the catalog refuses leaves no half-made execution behind.
    with catalog.transaction():
        execution_id = catalog.create_execution(folder_name, project_name, package_name, useanyworker=not worker_ids,
                                                reference_id=reference_id)
        for object_type, name, value in values:
            catalog.set_execution_parameter_value(execution_id, object_type, name, value)
        for worker_agent_id in worker_ids:
            catalog.add_execution_worker(execution_id, worker_agent_id)
        catalog.start_execution(execution_id, retry_count=retry_count)
    console.print(f"execution {execution_id} started ({folder_name}/{project_name}/{package_name})", highlight=False)
    if wait:
        sys.exit(_follow(catalog, execution_id, timeout))


def _follow(catalog: Any, execution_id: int, timeout: float | None) -> int:
    began = time.monotonic()
    spinner = Spinner("dots")
    with Live(spinner, console=console, transient=True, refresh_per_second=10):
        while True:
            e = catalog.execution(execution_id)
            elapsed = time.monotonic() - began
            spinner.update(text=Text(f"execution {execution_id}: {STATUS_NAMES.get(e.status, e.status)}, "
                                     f"attempt {e.executed_count}, {elapsed:.1f} s"
                                     + (f" on {e.machine_name}" if e.machine_name else "")))
            if e.status in TERMINAL_STATUSES:
                break
            if timeout is not None and elapsed > timeout:
                raise UserError(f"execution {execution_id} is still {STATUS_NAMES.get(e.status)} after {timeout:g} s")
            time.sleep(0.2)
    _print_log(catalog, execution_id)
    console.print(Text.assemble(f"execution {execution_id} ", status_text(e.status),
                                f" after {e.executed_count} attempt(s)"), highlight=False)
    return EXIT_BY_STATUS.get(e.status, EXIT_FAILED)


def _print_log(catalog: Any, execution_id: int, after: int = 0) -> int:
    """Prints messages newer than operation_message_id `after`; returns the last id printed."""
    last = after
    for m in catalog.operation_messages(execution_id):
        if m.operation_message_id <= after:
            continue
        kind = _TYPE_NAMES.get(m.message_type, str(m.message_type))
        style = {120: "red", 110: "yellow"}.get(m.message_type)
        label = f"[{style}]{kind:<11}[/{style}]" if style else f"{kind:<11}"
        console.print(f"{when(m.message_time)} {label} [dim]#{m.attempt}[/dim] ", end="", highlight=False)
        console.print(m.message, markup=False, highlight=False)
        last = max(last, m.operation_message_id)
    return last


@click.group()
def executions() -> None:
    """Executions in the catalog (catalog.executions)."""


@executions.command("list")
@click.option("--status", type=click.Choice(sorted(STATUS_NAMES.values())), help="Only executions in this status.")
@click.option("--limit", type=click.IntRange(1, 100_000), default=50, show_default=True, help="The newest this many.")
@url_option
def list_(status: str | None, limit: int, url: str | None) -> None:
    """List executions, newest first.

    \b
    Example:
      scaleout executions list --status failed
    """
    code = None if status is None else next(c for c, name in STATUS_NAMES.items() if name == status)
    print_executions(catalog_for(url).recent_executions(limit, status=code))


@executions.command()
@execution_id_argument
@url_option
def show(execution_id: int, url: str | None) -> None:
    """Show one execution: its status, parameters and attempts.

    \b
    Example:
      scaleout executions show 42
    """
    catalog = catalog_for(url)
    e = _execution(catalog, execution_id)
    print_executions([e], title=f"execution {execution_id}")
    console.print()
    print_table("parameters", ("object_type", "name", "type", "value", Column("sensitive", drop=1)),
                ((p.object_type, p.parameter_name, p.parameter_data_type,
                  "********" if p.sensitive and p.value_set else p.parameter_value, p.sensitive)
                 for p in catalog.execution_parameter_values(execution_id)))
    console.print()
    attempts = catalog.task_attempts(execution_id)
    print_table("attempts", ("attempt", Column("worker", no_wrap=True), Column("claimed", drop=2, no_wrap=True),
                             Column("ended", drop=1, no_wrap=True), "status"),
                ((a["attempt"], a["worker_agent_id"], when(a["claimed_time"]), when(a["ended_time"]),
                  _ATTEMPT_STATUS.get(a["status"], a["status"])) for a in attempts))


_ATTEMPT_STATUS = {2: "running", 4: "failed", 5: "succeeded", 6: "canceled", 7: "lease expired", 1: "released"}


@executions.command()
@execution_id_argument
@click.option("--follow", "-f", is_flag=True, help="Keep printing new messages until the execution ends.")
@url_option
def logs(execution_id: int, follow: bool, url: str | None) -> None:
    """Print an execution's messages (catalog.operation_messages).

    \b
    Example:
      scaleout executions logs 42 --follow
    """
    catalog = catalog_for(url)
    _execution(catalog, execution_id)
    last = _print_log(catalog, execution_id)
    while follow and catalog.execution(execution_id).status not in TERMINAL_STATUSES:
        time.sleep(0.5)
        last = _print_log(catalog, execution_id, last)
    if follow:
        _print_log(catalog, execution_id, last)


@executions.command()
@execution_id_argument
@url_option
def stop(execution_id: int, url: str | None) -> None:
    """Stop an execution (catalog.stop_operation); a running package is stopped by its worker.

    \b
    Example:
      scaleout executions stop 42
    """
    catalog_for(url).stop_operation(execution_id)
    console.print(f"execution {execution_id}: stop requested", highlight=False)


def _execution(catalog: Any, execution_id: int):
    e = catalog.execution(execution_id)
    if e is None:
        raise UserError(f"execution {execution_id} not found in catalog.executions")
    return e
