"""Tables for the catalog's views, shared by the commands that list things.

On a terminal: a rich table that fits the window (low-value columns are dropped or shortened first,
ids are never folded). In a pipe or a file: tab-separated text with one header line, every column
whole, no colour, so that `| grep`, `| cut -f` and `| sort` work.

Values from the catalog (names, tags, descriptions) are data: they are never read as rich markup.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Iterable, Sequence

from rich import box
from rich.console import Console
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from ..models import STATUS_NAMES
from .app import console as default_console

_STATUS_STYLES = {7: "green", 4: "red", 6: "red", 3: "yellow", 8: "yellow", 2: "cyan", 5: "cyan"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_TSV_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


@dataclass(frozen=True)
class Column:
    name: str
    drop: int = 0            # on a narrow terminal the column with the highest drop goes first; 0: always shown
    no_wrap: bool = False    # ids and codes: never folded
    short: Callable[[str], str] | None = None   # a shorter form for a terminal (a pipe gets the whole value)


def status_text(status: int) -> Text:
    """An execution status by name, in its colour."""
    return Text(STATUS_NAMES.get(status, str(status)), style=_STATUS_STYLES.get(status, ""))


def when(value: datetime | None) -> str:
    return value.astimezone().strftime("%m-%d %H:%M:%S") if value else ""


def seconds(start: datetime | None, end: datetime | None) -> str:
    return f"{(end - start).total_seconds():.2f}" if start and end else ""


def _plain(value: Any) -> str:
    if value is None:
        return ""
    return value.plain if isinstance(value, Text) else str(value)


def _cell(value: Any, column: Column) -> Text:
    """A terminal cell: our own Text as it is; data as literal text, its control characters shown escaped."""
    if isinstance(value, Text):
        return value
    text = _plain(value)
    if column.short is not None and text:
        text = column.short(text)
    return Text(_CONTROL.sub(lambda m: repr(m.group())[1:-1], text))


def _rich_table(title: str, columns: Sequence[Column], rows: list[list[Text]]) -> Table:
    t = Table(title=title, title_justify="left", highlight=False, box=box.SIMPLE_HEAD, show_edge=False,
              pad_edge=False, collapse_padding=True)
    for c in columns:
        t.add_column(c.name, no_wrap=c.no_wrap, overflow="fold")
    for row in rows:
        t.add_row(*row)
    return t


def print_table(title: str, columns: Sequence[Column | str], rows: Iterable[Sequence[Any]],
                console: Console | None = None) -> None:
    """Prints rows under columns: a table fitted to the terminal, or tab-separated text in a pipe."""
    console = console or default_console
    columns = [c if isinstance(c, Column) else Column(c) for c in columns]
    rows = [list(r) for r in rows]
    if not console.is_terminal:
        lines = ["\t".join(c.name for c in columns)]
        lines += ["\t".join(_plain(v).translate(_TSV_ESCAPES) for v in row) for row in rows]
        console.file.write("\n".join(lines) + "\n")   # as it is: rich would expand the tabs
        return
    cells = [[_cell(v, c) for v, c in zip(row, columns)] for row in rows]
    shown = list(range(len(columns)))
    unbounded = console.options.update(max_width=1_000_000)   # to measure the table's natural width
    while True:
        table = _rich_table(title, [columns[i] for i in shown], [[row[i] for i in shown] for row in cells])
        droppable = [i for i in shown if columns[i].drop]
        if not droppable or Measurement.get(console, unbounded, table).maximum <= console.width:
            break
        shown.remove(max(droppable, key=lambda i: columns[i].drop))
    console.print(table)


def _thumbprint(value: str) -> str:
    return value if len(value) <= 12 else value[:12] + "…"


def print_workers(agents: list, console: Console | None = None) -> None:
    print_table("catalog.worker_agents",
                (Column("WorkerAgentId", no_wrap=True), Column("DisplayName"), Column("Machine", drop=4),
                 Column("Online", no_wrap=True), Column("Enabled", no_wrap=True), Column("Tags", drop=3),
                 Column("Running", drop=2, no_wrap=True), Column("LastOnline", drop=5, no_wrap=True),
                 Column("CertificateThumbprint", drop=6, no_wrap=True, short=_thumbprint)),
                ((a.worker_agent_id, a.display_name, a.machine_name,
                  Text("online", style="green") if a.is_online else Text("offline", style="red"),
                  Text("yes") if a.is_enabled else Text("no", style="yellow"), a.tags,
                  f"{a.running_tasks}/{a.max_tasks if a.max_tasks is not None else '?'}",
                  when(a.last_online_time), a.certificate_thumbprint) for a in agents),
                console)


def print_executions(executions: list, title: str = "catalog.executions", workers: dict | None = None,
                     console: Console | None = None) -> None:
    """workers: display names by WorkerAgentId, to show instead of the machine name."""
    def worker(e: Any) -> str | None:
        if workers and e.worker_agent_id in workers:
            return workers[e.worker_agent_id]
        return e.machine_name
    print_table(title,
                (Column("id", no_wrap=True), Column("folder/project/package"), Column("status", no_wrap=True),
                 Column("attempts", drop=3, no_wrap=True), Column("worker", drop=1),
                 Column("started", drop=2, no_wrap=True), Column("seconds", drop=4, no_wrap=True)),
                ((e.execution_id, f"{e.folder_name}/{e.project_name}/{e.package_name}", status_text(e.status),
                  e.executed_count, worker(e), when(e.start_time), seconds(e.start_time, e.end_time))
                 for e in executions), console)
