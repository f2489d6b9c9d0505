"""How the pages show the catalog's codes and times (presentation only; the values come from the views)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from ..models import STATUS_NAMES, TERMINAL_STATUSES

STATUS_CLASSES = {1: "off", 2: "info", 3: "warn", 4: "bad", 5: "info", 6: "bad", 7: "ok", 8: "warn", 9: "ok"}
ATTEMPT_STATUSES = {1: "released to the queue", 2: "running", 4: "failed", 5: "succeeded", 6: "canceled"}
MESSAGE_TYPES = {120: "error", 110: "warning", 70: "information", 90: "diagnostic", 30: "pre-execute",
                 40: "post-execute", 50: "status change", 130: "task failed"}


def status_name(status: int | None) -> str:
    return STATUS_NAMES.get(status, str(status)) if status is not None else ""


def is_terminal(status: int | None) -> bool:
    return status in TERMINAL_STATUSES


def when(value: datetime | None) -> str:
    """A time in UTC, to the second."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def duration(start: datetime | None, end: datetime | None) -> timedelta | None:
    if start is None:
        return None
    return (end or datetime.now(timezone.utc)) - start


def seconds(delta: timedelta | None) -> str:
    if delta is None:
        return ""
    s = delta.total_seconds()
    if s < 60:
        return f"{s:.1f} s"
    if s < 3600:
        return f"{int(s // 60)} min {int(s % 60)} s"
    return f"{int(s // 3600)} h {int(s % 3600 // 60)} min"


def install(env) -> None:
    """The filters the templates use."""
    env.filters.update(status_name=status_name, when=when, seconds=seconds)
    env.globals.update(ATTEMPT_STATUSES=ATTEMPT_STATUSES, STATUS_CLASSES=STATUS_CLASSES, MESSAGE_TYPES=MESSAGE_TYPES,
                       is_terminal=is_terminal,
                       STATUS_NAMES=STATUS_NAMES)
