"""Typed rows of the catalog views and of the worker procedures.

Fields are the snake_case forms of SSIS's column names. Rows are built by column
name, case-insensitively, because PostgreSQL folds WorkerAgentId to workeragentid.
"""
from __future__ import annotations

import dataclasses
import functools
import typing
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Mapping, TypeVar
from uuid import UUID

T = TypeVar("T")


def from_row(cls: type[T], row: Mapping[str, Any]) -> T:
    """Builds `cls` from a row; each field reads the column whose name, without _ and case, matches.

    A UUID field takes a string too: pyodbc returns uniqueidentifier values as str.
    """
    by_key = {k.replace("_", "").lower(): v for k, v in row.items()}
    values = {}
    uuid_fields = _uuid_fields(cls)
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        value = by_key.get(f.name.replace("_", "").lower())
        if f.name in uuid_fields and isinstance(value, str):
            value = UUID(value)
        values[f.name] = value
    return cls(**values)


@functools.cache
def _uuid_fields(cls: type) -> frozenset[str]:
    hints = typing.get_type_hints(cls)
    return frozenset(name for name, hint in hints.items() if hint is UUID or UUID in typing.get_args(hint))


@dataclass(frozen=True)
class WorkerAgent:
    worker_agent_id: UUID
    is_enabled: bool
    display_name: str | None
    description: str | None
    machine_name: str | None
    tags: str | None
    user_account: str | None
    last_online_time: datetime | None
    is_online: bool
    certificate_thumbprint: str | None
    max_tasks: int | None
    running_tasks: int


@dataclass(frozen=True)
class Execution:
    execution_id: int
    folder_name: str
    project_name: str
    package_name: str
    project_lsn: int
    status: int
    created_time: datetime | None
    start_time: datetime | None
    end_time: datetime | None
    caller_name: str | None
    stopped_by_name: str | None
    machine_name: str | None
    worker_agent_id: UUID | None
    executed_count: int
    # The environment the execution took its values from (create_execution's reference_id), if any.
    reference_id: int | None = None
    reference_type: str | None = None
    environment_folder_name: str | None = None
    environment_name: str | None = None


@dataclass(frozen=True)
class OperationMessage:
    operation_message_id: int
    operation_id: int
    message_time: datetime
    message_type: int
    message_source_type: int
    message: str
    event_message_guid: UUID | None
    worker_agent_id: UUID | None
    attempt: int | None


@dataclass(frozen=True)
class ExecutionParameterValue:
    execution_parameter_id: int
    execution_id: int
    object_type: int
    parameter_data_type: str
    parameter_name: str
    parameter_value: Any
    sensitive: bool
    required: bool
    value_set: bool
    runtime_override: bool


@dataclass(frozen=True)
class Folder:
    id: int
    name: str
    description: str | None
    created_by_name: str | None
    created_time: datetime | None


@dataclass(frozen=True)
class Project:
    project_id: int
    folder_id: int
    name: str
    description: str | None
    object_version_lsn: int | None
    version: str | None
    deployed_by_name: str | None
    last_deployed_time: datetime | None


@dataclass(frozen=True)
class Package:
    package_id: int
    name: str
    description: str | None
    entry_point_name: str
    project_id: int


@dataclass(frozen=True)
class Task:
    task_id: UUID
    job_id: UUID
    execution_id: int
    status: int
    executed_count: int
    max_executed_count: int
    worker_agent_id: UUID | None
    ready_for_dispatch_time: datetime | None
    expired_time: datetime | None
    last_pickup_time: datetime | None
    is_cancelled: bool
    priority: int


@dataclass(frozen=True)
class WorkerStatus:
    """What registration and heartbeat return to a worker."""

    is_enabled: bool
    lease_seconds: int
    online_window_seconds: int
    warning: str | None = None       # set when this registration disabled the worker


@dataclass(frozen=True)
class ClaimedTask:
    task_id: UUID
    execution_id: int
    lease_token: UUID
    executed_count: int
    max_executed_count: int
    expired_time: datetime
    input_data: str | None
    # What the task runs, returned with the claim (catalog revision 0003 on): the worker starts the
    # package without further calls. None from an older catalog: ask get_task_package/get_task_parameters.
    package_name: str | None = None
    entry_point: str | None = None
    project_checksum: str | None = None
    parameters: tuple[TaskParameter, ...] | None = None


@dataclass(frozen=True)
class LeaseRenewal:
    expired_time: datetime
    is_cancelled: bool


@dataclass(frozen=True)
class TaskPackage:
    execution_id: int
    folder_name: str
    project_name: str
    package_name: str
    entry_point: str
    project_lsn: int
    project_checksum: str
    project_stream: bytes | None


@dataclass(frozen=True)
class TaskParameter:
    object_type: int
    parameter_name: str
    parameter_data_type: str
    parameter_value: str | None
    sensitive: bool


@dataclass(frozen=True)
class TaskOutcome:
    task_id: UUID
    status: int | None   # None: refused, the lease was stale


# SSIS execution status codes.
STATUS_NAMES = {1: "created", 2: "running", 3: "canceled", 4: "failed", 5: "pending",
                6: "ended unexpectedly", 7: "succeeded", 8: "stopping", 9: "completed"}
TERMINAL_STATUSES = frozenset({3, 4, 6, 7, 9})
