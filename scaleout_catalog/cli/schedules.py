"""`scaleout schedules`: packages run at the times a cron expression gives, fired by the workers
(catalog.create_schedule, enable_schedule, disable_schedule, delete_schedule, run_schedule_now;
catalog.schedules and catalog.schedule_runs)."""
from __future__ import annotations

import uuid

import click

from .app import UserError, catalog_for, console, url_option
from .environments import reference_for
from .executions import _parse_params
from .output import Column, print_table, status_text, when

RUN_TYPES = {"S": "due", "C": "catch-up", "K": "skipped", "M": "run now"}


@click.group()
def schedules() -> None:
    """Schedules: a package run at the times a cron expression gives, in a time zone. Every enabled
    worker fires them, each due time once; no other service runs."""


@schedules.command("create")
@click.argument("folder_name")
@click.argument("schedule_name")
@click.argument("project_name")
@click.argument("package_name")
@click.option("--cron", "cron_expression", required=True, metavar="EXPRESSION",
              help="Five fields (minute hour day month weekday), or six with seconds first; or @daily, @hourly, ...")
@click.option("--time-zone", default="UTC", show_default=True,
              help="The zone the expression's times are in: an IANA name on PostgreSQL (Europe/London), "
                   "a Windows name on SQL Server (GMT Standard Time).")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="A parameter value; repeat for more. $Project::NAME=VALUE or $Package::NAME=VALUE to be explicit.")
@click.option("--environment", "environment_name", metavar="NAME",
              help="Take parameter values from this environment, through the project's reference to it.")
@click.option("--environment-folder", metavar="FOLDER",
              help="With --environment: the environment's folder, when the project references two of that name.")
@click.option("--retry-count", type=click.IntRange(0, 100), default=0, show_default=True,
              help="Further attempts after a failed one, for each run.")
@click.option("--worker", "worker", metavar="WORKER_AGENT_ID", help="Run only on this worker agent.")
@click.option("--missed", "missed_run_policy", type=click.Choice(["skip", "run_once"]), default="skip", show_default=True,
              help="Due times missed while no worker ran: skip them, or run once for them.")
@click.option("--disabled", is_flag=True, help="Create it disabled (scaleout schedules enable starts it).")
@url_option
def create(folder_name: str, schedule_name: str, project_name: str, package_name: str, cron_expression: str,
           time_zone: str, params: tuple[str, ...], environment_name: str | None, environment_folder: str | None,
           retry_count: int, worker: str | None, missed_run_policy: str, disabled: bool, url: str | None) -> None:
    """Create a schedule (catalog.create_schedule).

    \b
    Example:
      scaleout schedules create finance nightly sales load --cron "0 30 2 * * MON-FRI" --time-zone Europe/London
      scaleout schedules create finance every5 sales load --cron "*/5 * * * *" --param Region=EMEA --environment prod
    """
    catalog = catalog_for(url)
    if environment_folder is not None and environment_name is None:
        raise UserError("--environment-folder goes with --environment NAME")
    worker_id = None
    if worker is not None:
        try:
            worker_id = uuid.UUID(worker)
        except ValueError:
            raise UserError(f"--worker {worker!r} is not a WorkerAgentId (a GUID, as in catalog.worker_agents)") from None
    reference_id = None if environment_name is None else \
        reference_for(catalog, folder_name, project_name, environment_name, environment_folder)
    values = _parse_params(catalog, folder_name, project_name, package_name, params)
    schedule_id = catalog.create_schedule(
        folder_name, schedule_name, project_name, package_name, cron_expression, time_zone=time_zone,
        reference_id=reference_id, retry_count=retry_count, workeragent_id=worker_id,
        missed_run_policy=missed_run_policy, is_enabled=not disabled,
        parameters=[{"object_type": t, "parameter_name": n, "parameter_value": v} for t, n, v in values])
    row = next((s for s in catalog.schedules(folder_name) if s["schedule_id"] == schedule_id), None)
    nxt = f", next run {when(row['next_run_time'])}" if row and row["next_run_time"] else " (disabled)"
    console.print(f"schedule {schedule_id} created ({folder_name}/{schedule_name}){nxt}", highlight=False, markup=False)


@schedules.command("list")
@click.option("--folder", "folder_name", help="Only this folder's schedules.")
@url_option
def schedules_list(folder_name: str | None, url: str | None) -> None:
    """List the schedules this login may see (catalog.schedules), with their next and last run.

    \b
    Example:
      scaleout schedules list --folder finance
    """
    rows = catalog_for(url).schedules(folder_name)
    print_table("catalog.schedules",
                (Column("id", no_wrap=True), "folder", "name", "package", Column("cron", no_wrap=True),
                 Column("time zone", drop=3), Column("enabled", no_wrap=True), Column("next run", no_wrap=True),
                 Column("last run", drop=2, no_wrap=True), Column("last execution", drop=1), Column("status", drop=1)),
                ((s["schedule_id"], s["folder_name"], s["name"], f"{s['project_name']}/{s['package_name']}",
                  s["cron_expression"], s["time_zone"], "yes" if s["is_enabled"] else "no", when(s["next_run_time"]),
                  when(s["last_run_time"]), s["last_execution_id"] or "",
                  status_text(s["last_status"]) if s["last_status"] is not None else "") for s in rows))


def _change(verb: str, past: str):
    @schedules.command(verb, help=f"{verb.capitalize()} a schedule (catalog.{verb}_schedule): its owner or an "
                                  f"ssis_admin member.\n\n\b\nExample:\n  scaleout schedules {verb} finance nightly\n")
    @click.argument("folder_name")
    @click.argument("schedule_name")
    @url_option
    def command(folder_name: str, schedule_name: str, url: str | None) -> None:
        getattr(catalog_for(url), f"{verb}_schedule")(folder_name, schedule_name)
        console.print(f"schedule {folder_name}/{schedule_name} {past}", highlight=False, markup=False)
    return command


_change("enable", "enabled")
_change("disable", "disabled")
_change("delete", "deleted")


@schedules.command("run")
@click.argument("folder_name")
@click.argument("schedule_name")
@url_option
def run(folder_name: str, schedule_name: str, url: str | None) -> None:
    """Run a schedule once now, outside its due times (catalog.run_schedule_now).

    \b
    Example:
      scaleout schedules run finance nightly
    """
    execution_id = catalog_for(url).run_schedule_now(folder_name, schedule_name)
    console.print(f"execution {execution_id} started for schedule {folder_name}/{schedule_name}",
                  highlight=False, markup=False)


@schedules.command("runs")
@click.argument("folder_name")
@click.argument("schedule_name")
@click.option("--limit", type=click.IntRange(1, 10000), default=50, show_default=True, help="The newest this many.")
@url_option
def runs(folder_name: str, schedule_name: str, limit: int, url: str | None) -> None:
    """A schedule's runs, newest first (catalog.schedule_runs): each due time, its execution, or why none ran.

    \b
    Example:
      scaleout schedules runs finance nightly --limit 10
    """
    rows = catalog_for(url).schedule_runs(folder_name, schedule_name, limit)
    print_table("catalog.schedule_runs",
                (Column("due", no_wrap=True), "kind", Column("execution", no_wrap=True), Column("missed", drop=2),
                 Column("fired by", drop=1), "error"),
                ((when(r["due_time"]), RUN_TYPES.get(r["run_type"], r["run_type"]), r["execution_id"] or "",
                  r["missed_count"] or "", r["fired_by"],
                  f"{r['error_number']}: {r['error_message']}" if r["error_number"] else "") for r in rows))
