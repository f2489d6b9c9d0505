"""Shared test material: a sample project, worker registration, and catalog snapshots."""
from __future__ import annotations

import uuid
from typing import Any

from scaleout_catalog import Catalog

FOLDER = "folder1"
PROJECT = "project1"
PACKAGE = "package1"

MANIFEST: dict[str, Any] = {
    "name": PROJECT,
    "version": "1.0.0",
    "description": "Sample project for the tests",
    "parameters": [
        {"name": "Environment", "type": "String", "default": "test"},
    ],
    "packages": [
        {"name": PACKAGE, "entry_point": "sample.load:run",
         "parameters": [
             {"name": "RowCount", "type": "Int32", "default": 10},
             {"name": "Threshold", "type": "Double"},
             {"name": "ApiKey", "type": "String", "required": True, "sensitive": True},
         ]},
        {"name": "package2", "entry_point": "sample.noop:run"},
    ],
}

ARCHIVE = b"PK\x05\x06" + b"\x00" * 18   # an empty zip; the database treats it as opaque bytes

INTERNAL_TABLES = (
    "catalog_properties", "master_properties", "worker_agents", "folders", "projects", "object_versions",
    "packages", "object_parameters", "operations", "executions", "execution_parameter_values", "jobs",
    "job_worker_agents", "tasks", "tasks_history", "task_attempts", "operation_messages",
)


def deploy_sample(catalog: Catalog, manifest: dict[str, Any] | None = None) -> None:
    if not any(f.name == FOLDER for f in catalog.folders()):
        catalog.create_folder(FOLDER)
    catalog.deploy_project(FOLDER, PROJECT, ARCHIVE, manifest or MANIFEST)


def register(catalog: Catalog, machine: str = "computerA", enabled: bool = True, **kwargs: Any) -> uuid.UUID:
    worker_id = uuid.uuid4()
    catalog.update_worker_agent_status(worker_id, machine, **kwargs)
    if enabled:
        catalog.enable_worker_agent(worker_id)
    return worker_id


def new_execution(catalog: Catalog, package: str = "package2", start: bool = True, retry_count: int = 0,
                  useanyworker: bool = True) -> int:
    execution_id = catalog.create_execution(FOLDER, PROJECT, package, useanyworker=useanyworker)
    if package == PACKAGE:
        catalog.set_execution_parameter_value(execution_id, 30, "ApiKey", "k")
    if start:
        catalog.start_execution(execution_id, retry_count=retry_count)
    return execution_id


def snapshot(catalog: Catalog) -> dict[str, list[tuple]]:
    """Every row of every catalog table, to assert that a refused call changed nothing."""
    state = {}
    for table in INTERNAL_TABLES:
        rows = catalog.query(f"SELECT * FROM internal.{table}")
        state[table] = sorted((tuple(str(v) for v in r.values()) for r in rows))
    return state
