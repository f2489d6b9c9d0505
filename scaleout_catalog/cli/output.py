"""Rich tables for the catalog's views, shared by the commands that list things."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable, Sequence

from rich.table import Table

from ..models import STATUS_NAMES

_STATUS_STYLES = {7: "green", 4: "red", 6: "red", 3: "yellow", 8: "yellow", 2: "cyan", 5: "cyan"}


def status_text(status: int) -> str:
    name = STATUS_NAMES.get(status, str(status))
    style = _STATUS_STYLES.get(status)
    return f"[{style}]{name}[/{style}]" if style else name


def when(value: datetime | None) -> str:
    return value.astimezone().strftime("%m-%d %H:%M:%S") if value else ""


def seconds(start: datetime | None, end: datetime | None) -> str:
    return f"{(end - start).total_seconds():.2f}" if start and end else ""


def table(title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], no_wrap: Sequence[str] = ()) -> Table:
    t = Table(title=title, title_justify="left", highlight=False)
    for column in columns:
        t.add_column(column, overflow="fold", no_wrap=column in no_wrap)
    for row in rows:
        t.add_row(*("" if v is None else str(v) for v in row))
    return t


def workers_table(agents: list) -> Table:
    return table("catalog.worker_agents",
                 ("WorkerAgentId", "DisplayName", "Machine", "Online", "Enabled", "Tags", "Running",
                  "LastOnline", "CertificateThumbprint"),
                 ((a.worker_agent_id, a.display_name, a.machine_name,
                   "[green]online[/green]" if a.is_online else "[red]offline[/red]",
                   "yes" if a.is_enabled else "[yellow]no[/yellow]", a.tags,
                   f"{a.running_tasks}/{a.max_tasks if a.max_tasks is not None else '?'}",
                   when(a.last_online_time), a.certificate_thumbprint) for a in agents),
                 no_wrap=("WorkerAgentId",))


def executions_table(executions: list, title: str = "catalog.executions", workers: dict | None = None) -> Table:
    """workers: display names by WorkerAgentId, to show instead of the machine name."""
    def worker(e: Any) -> str | None:
        if workers and e.worker_agent_id in workers:
            return workers[e.worker_agent_id]
        return e.machine_name
    return table(title, ("id", "folder/project/package", "status", "attempts", "worker", "started", "seconds"),
                 ((e.execution_id, f"{e.folder_name}/{e.project_name}/{e.package_name}", status_text(e.status),
                   e.executed_count, worker(e), when(e.start_time), seconds(e.start_time, e.end_time))
                  for e in executions), no_wrap=("id", "status"))
