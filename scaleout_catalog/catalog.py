"""scaleout_catalog.Catalog: one method per catalog procedure, and typed readers for the views."""
from __future__ import annotations

import contextlib
import json
import random
import re
import time
from datetime import datetime
from typing import Any, Iterable, Iterator, Mapping, Sequence
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from . import models
from .connection import create_engine
from .errors import (CatalogConnectionError, catalog_not_installed, from_driver_error, is_babelfish_stale_plan,
                     native_error)
from .models import from_row
from .values import text_value
from .procedures import PROCEDURES

def _claimed_task(row: Mapping[str, Any]) -> models.ClaimedTask:
    """A claim's row, built directly (a busy worker reads thousands a second). From revision 0003 on it
    carries the parameter values as a JSON array (on SQL Server NULL for none: FOR JSON of no rows); an
    earlier catalog's row has no such column, nor package_name, entry_point and project_checksum."""
    raw = row.get("parameters", _ABSENT)
    parameters = None if raw is _ABSENT else tuple(
        models.TaskParameter(int(p["object_type"]), p["parameter_name"], p["parameter_data_type"],
                             p.get("parameter_value"), bool(p["sensitive"]))
        for p in json.loads(raw or "[]"))
    return models.ClaimedTask(
        _as_uuid(row["task_id"]), int(row["execution_id"]), _as_uuid(row["lease_token"]), row["executed_count"],
        row["max_executed_count"], row["expired_time"], row["input_data"], row.get("package_name"),
        row.get("entry_point"), row.get("project_checksum"), parameters)


def _as_uuid(value: Any) -> UUID:
    return value if isinstance(value, UUID) else UUID(str(value))


_ABSENT = object()


def _execution_element(element: Mapping[str, Any]) -> dict[str, Any]:
    """One element for create_and_start_executions; a {name: value} dict of parameters becomes package
    parameters (object_type 30), each value in the catalog's text form."""
    out = dict(element)
    parameters = out.get("parameters")
    if isinstance(parameters, Mapping):
        out["parameters"] = [{"object_type": 30, "parameter_name": name, "parameter_value": sql_value(value)}
                             for name, value in parameters.items()]
    elif isinstance(parameters, (list, tuple)):
        out["parameters"] = [{**p, "parameter_value": sql_value(p.get("parameter_value"))}
                             if isinstance(p, Mapping) else p for p in parameters]
    return out


def sql_value(value: Any) -> str | None:
    """A parameter value as the catalog takes it (set_execution_parameter_value's text form)."""
    return None if value is None else text_value(value)


# SQL Server's "Transaction was deadlocked ... Rerun the transaction" (Babelfish reports it too).
DEADLOCK_VICTIM = 1205


class Catalog:
    """The catalog database, through its procedures and views.

    >>> catalog = Catalog("postgresql://user@host/ssisdb")       # or Catalog() for the embedded default
    >>> catalog.enable_worker_agent("6583054A-E915-4C2A-80E4-C765E79EF61D")
    """

    def __init__(self, url_or_engine: str | Engine | None = None, **engine_kwargs: Any) -> None:
        if isinstance(url_or_engine, Engine):
            self.engine = url_or_engine
        else:
            self.engine = create_engine(url_or_engine, **engine_kwargs)
        self.dialect: str = self.engine.dialect.name
        self._bound: sa.Connection | None = None   # inside transaction(): the one connection used

    def dispose(self) -> None:
        self.engine.dispose()

    @contextlib.contextmanager
    def transaction(self) -> Iterator["Catalog"]:
        """Runs the calls made inside as one transaction: all of them take effect, or, on any error,
        none (a command that makes several calls never leaves half-made state behind).

        >>> with catalog.transaction():
        ...     execution_id = catalog.create_execution("finance", "sales", "load")
        ...     catalog.start_execution(execution_id)
        """
        if self._bound is not None:
            raise RuntimeError("Catalog.transaction() does not nest")
        try:
            conn = self.engine.connect()
            transaction = conn.begin()
        except sa.exc.DBAPIError as exc:
            raise self._translate(exc) from None
        self._bound = conn
        try:
            yield self
            transaction.commit()
        except BaseException:
            transaction.rollback()
            raise
        finally:
            self._bound = None
            conn.close()

    # -- the one way Python reaches the database ----------------------------------

    def call(self, name: str, **params: Any) -> list[dict[str, Any]]:
        """Calls procedure `name` with the given parameters; returns its rows."""
        proc = PROCEDURES[name]
        unknown = set(params) - {p.name for p in proc.params}
        if unknown:
            raise TypeError(f"{name}() has no parameter {', '.join(sorted(unknown))}")
        given = [p.name for p in proc.params if p.name in params]
        values = {k: (str(v) if isinstance(v, UUID) else v) for k, v in params.items()}
        if self.dialect == "postgresql":
            return self._execute(proc.render(self.dialect, given), values)
        nulls = frozenset(k for k in given if values[k] is None)
        return self._execute(proc.render(self.dialect, given, nulls), tuple(values[k] for k in given if k not in nulls))

    def query(self, sql: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        """Runs a short read (a view query) written with :name placeholders."""
        return self._execute_text(sa.text(sql), params or {})

    def _execute(self, sql: str, args: Any) -> list[dict[str, Any]]:
        # Each procedure call is atomic by itself (and the T-SQL ones open their own transactions),
        # so autocommit: no BEGIN and COMMIT round trips around every call.
        if self._bound is None and self.dialect == "postgresql":
            return self._execute_on_driver(sql, args)

        def run(conn: sa.Connection) -> list[dict[str, Any]]:
            result = conn.exec_driver_sql(sql, args)
            return [dict(r._mapping) for r in result] if result.returns_rows else []
        return self._on_a_connection(run, autocommit=True)

    def _execute_on_driver(self, sql: str, args: Any) -> list[dict[str, Any]]:
        """A procedure call on PostgreSQL, outside transaction(): on the pooled driver connection itself.
        SQLAlchemy's Connection, execution options and Result around one CALL cost the client 0.2 ms a
        call, more than the server takes for most procedures; the pool, its idle check (connection.py)
        and the invalidation of a broken connection stay SQLAlchemy's, and errors are translated alike."""
        dbapi_error = self.engine.dialect.loaded_dbapi.Error
        fairy = driver = None
        try:
            fairy = self.engine.raw_connection()     # unlike connect(), it raises the driver's own errors
            driver = fairy.driver_connection
            driver.autocommit = True
            try:
                cursor = driver.execute(sql, args)
                if cursor.description is None:
                    return []
                names = [column.name for column in cursor.description]
                return [dict(zip(names, row)) for row in cursor.fetchall()]
            finally:
                if not driver.closed:
                    driver.autocommit = False      # as the pool hands it out to everyone else
        except dbapi_error as exc:
            broken = driver is None or driver.closed or self.engine.dialect.is_disconnect(exc, driver, None)
            if broken and fairy is not None:
                fairy.invalidate(exc)
            wrapped = sa.exc.DBAPIError.instance(sql, args, exc, dbapi_error, connection_invalidated=broken,
                                                 dialect=self.engine.dialect)
            raise self._translate(wrapped) from None
        finally:
            if fairy is not None:
                fairy.close()

    def _execute_text(self, stmt: sa.TextClause, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        return self._on_a_connection(lambda conn: [dict(r._mapping) for r in conn.execute(stmt, dict(params))])

    def _on_a_connection(self, work, autocommit: bool = False) -> list[dict[str, Any]]:
        """Runs work(connection); translates driver errors. Two errors mean that nothing took effect,
        and the call runs again: a deadlock victim (SQL Server's 1205, rolled back; up to 3 tries), and
        Babelfish's re-planning defect (errors.is_babelfish_stale_plan; once more, on a new session)."""
        if self._bound is not None:      # inside transaction(): no retry, the caller's transaction decides
            try:
                return work(self._bound)
            except sa.exc.DBAPIError as exc:
                raise self._translate(exc) from None
        for attempt in (1, 2, 3):
            conn = None
            try:
                conn = self.engine.connect()
                if autocommit:
                    conn = conn.execution_options(isolation_level="AUTOCOMMIT")
                return work(conn)
            except sa.exc.DBAPIError as exc:
                if conn is not None and attempt < 3 and is_babelfish_stale_plan(exc.orig):
                    conn.invalidate()          # that session's plans are spoiled: never reuse it
                    continue
                if attempt < 3 and native_error(exc.orig)[0] == DEADLOCK_VICTIM:
                    time.sleep(random.uniform(0.005, 0.05) * attempt)
                    continue
                raise self._translate(exc) from None
            finally:
                if conn is not None:
                    conn.close()
        raise AssertionError("unreachable")

    @staticmethod
    def _translate(exc: sa.exc.DBAPIError) -> Exception:
        error = from_driver_error(exc.orig) or catalog_not_installed(exc.orig)
        if error is not None:
            return error
        first_line = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else type(exc.orig).__name__
        if exc.connection_invalidated or isinstance(exc, sa.exc.OperationalError):
            return CatalogConnectionError(f"cannot reach the catalog database: {first_line}")
        return exc

    # -- catalog: workers ------------------------------------------------------------

    def enable_worker_agent(self, worker_agent_id: UUID | str | None) -> None:
        self.call("enable_worker_agent", worker_agent_id=worker_agent_id)

    def disable_worker_agent(self, worker_agent_id: UUID | str | None) -> None:
        self.call("disable_worker_agent", worker_agent_id=worker_agent_id)

    def delete_worker_agent(self, worker_agent_id: UUID | str | None) -> None:
        self.call("delete_worker_agent", worker_agent_id=worker_agent_id)

    def set_worker_agent_property(self, worker_agent_id: UUID | str | None, property_name: str | None,
                                  property_value: str | None) -> None:
        self.call("set_worker_agent_property", worker_agent_id=worker_agent_id,
                  property_name=property_name, property_value=property_value)

    def configure_catalog(self, property_name: str | None, property_value: Any) -> None:
        self.call("configure_catalog", property_name=property_name, property_value=sql_value(property_value))

    # -- catalog: folders and projects -------------------------------------------------

    def create_folder(self, folder_name: str | None) -> int:
        return self.call("create_folder", folder_name=folder_name)[0]["folder_id"]

    def deploy_project(self, folder_name: str | None, project_name: str | None, project_stream: bytes | None,
                       project_manifest: Mapping[str, Any] | str | None) -> int:
        manifest = project_manifest if project_manifest is None or isinstance(project_manifest, str) \
            else json.dumps(project_manifest)
        return self.call("deploy_project", folder_name=folder_name, project_name=project_name,
                         project_stream=project_stream, project_manifest=manifest)[0]["operation_id"]

    # -- catalog: project versions, projects and folders (revision 0006) -------------------------

    def restore_project(self, folder_name: str | None, project_name: str | None,
                        object_version_lsn: int | None) -> None:
        """Makes a kept version (catalog.object_versions) the project's current one again."""
        self.call("restore_project", folder_name=folder_name, project_name=project_name,
                  object_version_lsn=object_version_lsn)

    def get_project(self, folder_name: str | None, project_name: str | None) -> bytes:
        """The archive of the project's current version, as it was deployed."""
        return bytes(self.call("get_project", folder_name=folder_name, project_name=project_name)[0]["project_stream"])

    def delete_project(self, folder_name: str | None, project_name: str | None) -> None:
        self.call("delete_project", folder_name=folder_name, project_name=project_name)

    def move_project(self, source_folder: str | None, project_name: str | None, destination_folder: str | None) -> None:
        self.call("move_project", source_folder=source_folder, project_name=project_name,
                  destination_folder=destination_folder)

    def delete_folder(self, folder_name: str | None) -> None:
        """Deletes an empty folder (27196 while it holds projects or environments)."""
        self.call("delete_folder", folder_name=folder_name)

    def rename_folder(self, old_name: str | None, new_name: str | None) -> None:
        self.call("rename_folder", old_name=old_name, new_name=new_name)

    def set_folder_description(self, folder_name: str | None, folder_description: str | None) -> None:
        self.call("set_folder_description", folder_name=folder_name, folder_description=folder_description)

    # -- catalog: environments, variables, references, parameter values (revision 0006) ----------

    def create_environment(self, folder_name: str | None, environment_name: str | None,
                           environment_description: str | None = None) -> None:
        self.call("create_environment", folder_name=folder_name, environment_name=environment_name,
                  environment_description=environment_description)

    def delete_environment(self, folder_name: str | None, environment_name: str | None) -> None:
        self.call("delete_environment", folder_name=folder_name, environment_name=environment_name)

    def rename_environment(self, folder_name: str | None, environment_name: str | None,
                           new_environment_name: str | None) -> None:
        self.call("rename_environment", folder_name=folder_name, environment_name=environment_name,
                  new_environment_name=new_environment_name)

    def move_environment(self, source_folder: str | None, environment_name: str | None,
                         destination_folder: str | None) -> None:
        self.call("move_environment", source_folder=source_folder, environment_name=environment_name,
                  destination_folder=destination_folder)

    def set_environment_property(self, folder_name: str | None, environment_name: str | None,
                                 property_name: str | None, property_value: str | None) -> None:
        self.call("set_environment_property", folder_name=folder_name, environment_name=environment_name,
                  property_name=property_name, property_value=property_value)

    def create_environment_variable(self, folder_name: str | None, environment_name: str | None,
                                    variable_name: str | None, data_type: str | None, sensitive: bool | None,
                                    value: Any, description: str | None = None) -> None:
        """A typed variable (String, Int32, Int64, Double, Boolean, DateTime); a sensitive value is stored
        encrypted and shown as NULL."""
        self.call("create_environment_variable", folder_name=folder_name, environment_name=environment_name,
                  variable_name=variable_name, data_type=data_type, sensitive=sensitive, value=sql_value(value),
                  description=description)

    def set_environment_variable_value(self, folder_name: str | None, environment_name: str | None,
                                       variable_name: str | None, value: Any) -> None:
        self.call("set_environment_variable_value", folder_name=folder_name, environment_name=environment_name,
                  variable_name=variable_name, value=sql_value(value))

    def set_environment_variable_property(self, folder_name: str | None, environment_name: str | None,
                                          variable_name: str | None, property_name: str | None,
                                          property_value: str | None) -> None:
        """Description, Name or Type."""
        self.call("set_environment_variable_property", folder_name=folder_name, environment_name=environment_name,
                  variable_name=variable_name, property_name=property_name, property_value=property_value)

    def set_environment_variable_protection(self, folder_name: str | None, environment_name: str | None,
                                            variable_name: str | None, sensitive: bool | None) -> None:
        self.call("set_environment_variable_protection", folder_name=folder_name, environment_name=environment_name,
                  variable_name=variable_name, sensitive=sensitive)

    def delete_environment_variable(self, folder_name: str | None, environment_name: str | None,
                                    variable_name: str | None) -> None:
        self.call("delete_environment_variable", folder_name=folder_name, environment_name=environment_name,
                  variable_name=variable_name)

    def create_environment_reference(self, folder_name: str | None, project_name: str | None,
                                     environment_name: str | None, reference_type: str | None = "R",
                                     environment_folder_name: str | None = None) -> int:
        """'R': the environment in the project's own folder; 'A': in environment_folder_name. Returns reference_id."""
        return self.call("create_environment_reference", folder_name=folder_name, project_name=project_name,
                         environment_name=environment_name, reference_type=reference_type,
                         environment_folder_name=environment_folder_name)[0]["reference_id"]

    def delete_environment_reference(self, reference_id: int | None) -> None:
        self.call("delete_environment_reference", reference_id=reference_id)

    def set_environment_reference_type(self, reference_id: int | None, reference_type: str | None,
                                       environment_folder_name: str | None = None) -> None:
        self.call("set_environment_reference_type", reference_id=reference_id, reference_type=reference_type,
                  environment_folder_name=environment_folder_name)

    def set_object_parameter_value(self, object_type: int | None, folder_name: str | None, project_name: str | None,
                                   parameter_name: str | None, parameter_value: Any, object_name: str | None = None,
                                   value_type: str | None = "V") -> None:
        """'V': a literal value for the parameter; 'R': parameter_value names the environment variable that
        an execution's reference supplies."""
        self.call("set_object_parameter_value", object_type=object_type, folder_name=folder_name,
                  project_name=project_name, parameter_name=parameter_name,
                  parameter_value=sql_value(parameter_value), object_name=object_name, value_type=value_type)

    def clear_object_parameter_value(self, folder_name: str | None, project_name: str | None,
                                     object_type: int | None, parameter_name: str | None,
                                     object_name: str | None = None) -> None:
        self.call("clear_object_parameter_value", folder_name=folder_name, project_name=project_name,
                  object_type=object_type, object_name=object_name, parameter_name=parameter_name)

    # -- catalog: permissions (revision 0007) ------------------------------------------------------
    # object_type: 1 folder, 2 project, 3 environment, 4 operation. permission_type: 1 READ, 2 MODIFY,
    # 3 EXECUTE, 4 MANAGE_PERMISSIONS, 100 CREATE_OBJECTS, 101 READ_OBJECTS, 102 MODIFY_OBJECTS,
    # 103 EXECUTE_OBJECTS, 104 MANAGE_OBJECT_PERMISSIONS. principal_id: catalog.database_principals.

    def grant_permission(self, object_type: int | None, object_id: int | None, principal_id: int | None,
                         permission_type: int | None) -> None:
        self.call("grant_permission", object_type=object_type, object_id=object_id, principal_id=principal_id,
                  permission_type=permission_type)

    def deny_permission(self, object_type: int | None, object_id: int | None, principal_id: int | None,
                        permission_type: int | None) -> None:
        self.call("deny_permission", object_type=object_type, object_id=object_id, principal_id=principal_id,
                  permission_type=permission_type)

    def revoke_permission(self, object_type: int | None, object_id: int | None, principal_id: int | None,
                          permission_type: int | None) -> None:
        self.call("revoke_permission", object_type=object_type, object_id=object_id, principal_id=principal_id,
                  permission_type=permission_type)

    # -- catalog: schedules (revision 0008) --------------------------------------------------------
    # Workers fire them (internal.fire_schedules): no other service runs.

    def create_schedule(self, folder_name: str | None, schedule_name: str | None, project_name: str | None,
                        package_name: str | None, cron_expression: str | None, *, time_zone: str | None = "UTC",
                        reference_id: int | None = None,
                        parameters: Sequence[Mapping[str, Any]] | Mapping[str, Any] | str | None = None,
                        retry_count: int | None = 0, workeragent_id: UUID | str | None = None,
                        missed_run_policy: str | None = "skip", is_enabled: bool | None = True) -> int:
        """A schedule that runs a package at the times a cron expression gives (five fields, or six with
        seconds first), in a time zone. parameters: as create_and_start_executions takes them (a list of
        {object_type, parameter_name, parameter_value}, or a {name: value} dict of package parameters).
        missed_run_policy: 'skip' or 'run_once' for due times missed while no worker ran. Returns its id."""
        if parameters is not None and not isinstance(parameters, str):
            parameters = json.dumps(_execution_element({"parameters": parameters})["parameters"],
                                    default=_json_default)
        return int(self.call("create_schedule", folder_name=folder_name, schedule_name=schedule_name,
                             project_name=project_name, package_name=package_name, cron_expression=cron_expression,
                             time_zone=time_zone, reference_id=reference_id, parameters=parameters,
                             retry_count=retry_count, workeragent_id=workeragent_id,
                             missed_run_policy=missed_run_policy, is_enabled=is_enabled)[0]["schedule_id"])

    def enable_schedule(self, folder_name: str | None, schedule_name: str | None) -> None:
        self.call("enable_schedule", folder_name=folder_name, schedule_name=schedule_name)

    def disable_schedule(self, folder_name: str | None, schedule_name: str | None) -> None:
        self.call("disable_schedule", folder_name=folder_name, schedule_name=schedule_name)

    def delete_schedule(self, folder_name: str | None, schedule_name: str | None) -> None:
        self.call("delete_schedule", folder_name=folder_name, schedule_name=schedule_name)

    def run_schedule_now(self, folder_name: str | None, schedule_name: str | None) -> int:
        """Runs the schedule once now, outside its due times; returns the execution id."""
        return int(self.call("run_schedule_now", folder_name=folder_name, schedule_name=schedule_name)[0]["execution_id"])

    # -- catalog: executions -------------------------------------------------------------

    def create_execution(self, folder_name: str | None, project_name: str | None, package_name: str | None, *,
                         use32bitruntime: bool = False, runinscaleout: bool | None = True,
                         useanyworker: bool = True, reference_id: int | None = None) -> int:
        return self.call("create_execution", folder_name=folder_name, project_name=project_name,
                         package_name=package_name, reference_id=reference_id, use32bitruntime=use32bitruntime,
                         runinscaleout=runinscaleout, useanyworker=useanyworker)[0]["execution_id"]

    def set_execution_parameter_value(self, execution_id: int | None, object_type: int | None,
                                      parameter_name: str | None, parameter_value: Any) -> None:
        self.call("set_execution_parameter_value", execution_id=execution_id, object_type=object_type,
                  parameter_name=parameter_name, parameter_value=sql_value(parameter_value))

    def add_execution_worker(self, execution_id: int | None, workeragent_id: UUID | str | None) -> None:
        self.call("add_execution_worker", execution_id=execution_id, workeragent_id=workeragent_id)

    def start_execution(self, execution_id: int | None, retry_count: int | None = 0) -> None:
        self.call("start_execution", execution_id=execution_id, retry_count=retry_count)

    def create_and_start_executions(self, executions: Sequence[Mapping[str, Any]] | str,
                                    retry_count: int | None = 0) -> list[int]:
        """Creates and starts many executions in one call, all or none (an extension next to SSIS's
        one-by-one procedures). Each element: folder_name, project_name, package_name, and optionally
        use32bitruntime and parameters, either a list of {object_type, parameter_name, parameter_value}
        or a {name: value} dict of package parameters. Returns the execution ids in the given order.

        >>> catalog.create_and_start_executions([{"folder_name": "finance", "project_name": "sales",
        ...     "package_name": "load.py", "parameters": {"Region": "EMEA"}}] * 100, retry_count=2)
        """
        text = executions if isinstance(executions, str) else json.dumps(
            [_execution_element(e) for e in executions], default=_json_default)
        rows = self.call("create_and_start_executions", executions=text, retry_count=retry_count)
        return [int(r["execution_id"]) for r in sorted(rows, key=lambda r: r["ordinal"])]

    def stop_operation(self, operation_id: int | None) -> None:
        self.call("stop_operation", operation_id=operation_id)

    def cleanup_server_retention_window(self) -> int:
        return _scalar(self.call("cleanup_server_retention_window"))

    # -- internal: the worker side -------------------------------------------------------

    def update_worker_agent_status(self, worker_agent_id: UUID | str | None, machine_name: str | None, *,
                                   display_name: str | None = None, tags: str | None = None,
                                   max_tasks: int | None = None,
                                   certificate_thumbprint: str | None = None) -> models.WorkerStatus:
        row = self.call("update_worker_agent_status", worker_agent_id=worker_agent_id, machine_name=machine_name,
                        display_name=display_name, tags=tags, max_tasks=max_tasks,
                        certificate_thumbprint=certificate_thumbprint)[0]
        return models.WorkerStatus(bool(row["is_enabled"]), row["lease_seconds"], row["online_window_seconds"],
                                   row.get("warning"))

    def announce_worker_certificate(self, worker_agent_id: UUID | str, certificate_thumbprint: str | None) -> None:
        """Before a rotation: the thumbprint this worker will register with next, so it stays enabled."""
        self.call("announce_worker_certificate", worker_agent_id=worker_agent_id,
                  certificate_thumbprint=certificate_thumbprint)

    def pull_task(self, worker_agent_id: UUID | str | None, max_tasks: int = 1) -> list[models.ClaimedTask]:
        rows = self.call("pull_task", worker_agent_id=worker_agent_id, max_tasks=max_tasks)
        return [_claimed_task(r) for r in rows]

    def get_held_tasks(self, worker_agent_id: UUID | str | None) -> list[models.ClaimedTask]:
        """The tasks the catalog says this worker holds (their leases renewed): a worker reconciles with it."""
        rows = self.call("get_held_tasks", worker_agent_id=worker_agent_id)
        return [_claimed_task(r) for r in rows]

    def renew_task_lease(self, worker_agent_id: UUID | str, task_id: UUID | str | None,
                         lease_token: UUID | str | None) -> models.LeaseRenewal:
        row = self.call("renew_task_lease", worker_agent_id=worker_agent_id, task_id=task_id,
                        lease_token=lease_token)[0]
        return models.LeaseRenewal(row["expired_time"], bool(row["is_cancelled"]))

    def update_task_status(self, worker_agent_id: UUID | str, task_id: UUID | str | None,
                           lease_token: UUID | str | None, status: int | None) -> int:
        return _scalar(self.call("update_task_status", worker_agent_id=worker_agent_id, task_id=task_id,
                                 lease_token=lease_token, status=status))

    def update_tasks_status(self, worker_agent_id: UUID | str,
                            outcomes: Iterable[tuple[UUID | str, UUID | str, int]]) -> list[models.TaskOutcome]:
        """Batched completions: (task_id, lease_token, status) each; refused ones come back with status None."""
        tasks = json.dumps([{"task_id": str(t), "lease_token": str(k), "status": s} for t, k, s in outcomes])
        rows = self.call("update_tasks_status", worker_agent_id=worker_agent_id, tasks=tasks)
        return [models.TaskOutcome(UUID(str(r["task_id"])), r["status"]) for r in rows]

    def append_operation_messages(self, worker_agent_id: UUID | str, messages: Sequence[Mapping[str, Any]]) -> int:
        """Appends log records: each has lease_token, event_message_guid, message_time, message_type, message."""
        payload = json.dumps(list(messages), default=_json_default)
        return _scalar(self.call("append_operation_messages", worker_agent_id=worker_agent_id, messages=payload))

    def report_tasks(self, worker_agent_id: UUID | str, messages: Sequence[Mapping[str, Any]],
                     outcomes: Iterable[tuple[UUID | str, UUID | str, int]]) -> list[models.TaskOutcome]:
        """append_operation_messages and update_tasks_status in one call and one transaction (catalog
        revision 0004): all of it, or, on any refusal, none. Either part may be empty, not both."""
        payload = json.dumps(list(messages), default=_json_default) if messages else None
        tasks = [{"task_id": str(t), "lease_token": str(k), "status": s} for t, k, s in outcomes]
        rows = self.call("report_tasks", worker_agent_id=worker_agent_id, messages=payload,
                         tasks=json.dumps(tasks) if tasks else None)
        return [models.TaskOutcome(UUID(str(r["task_id"])), r["status"]) for r in rows]

    def get_task_package(self, worker_agent_id: UUID | str, task_id: UUID | str, lease_token: UUID | str,
                         include_stream: bool = True) -> models.TaskPackage:
        rows = self.call("get_task_package", worker_agent_id=worker_agent_id, task_id=task_id,
                         lease_token=lease_token, include_stream=include_stream)
        row = dict(rows[0])
        if row.get("project_stream") is not None:
            row["project_stream"] = bytes(row["project_stream"])
        return from_row(models.TaskPackage, row)

    def get_task_parameters(self, worker_agent_id: UUID | str, task_id: UUID | str,
                            lease_token: UUID | str) -> list[models.TaskParameter]:
        rows = self.call("get_task_parameters", worker_agent_id=worker_agent_id, task_id=task_id,
                         lease_token=lease_token)
        return [from_row(models.TaskParameter, r) for r in rows]

    def fire_schedules(self, worker_agent_id: UUID | str | None) -> tuple[int, float | None]:
        """Fires the schedules that are due (each due time once, whichever worker calls); returns how many
        executions were started and the seconds until the next due time (None: no schedule is enabled)."""
        row = self.call("fire_schedules", worker_agent_id=worker_agent_id)[0]
        due = row["next_due_seconds"]
        return int(row["fired"]), (None if due is None else float(due))

    def dealwith_expired_tasks(self) -> int:
        return _scalar(self.call("dealwith_expired_tasks"))

    # -- readers for the views -------------------------------------------------------------

    def worker_agents(self) -> list[models.WorkerAgent]:
        return self._read(models.WorkerAgent, "SELECT * FROM catalog.worker_agents ORDER BY MachineName, WorkerAgentId")

    def worker_agent(self, worker_agent_id: UUID | str) -> models.WorkerAgent | None:
        rows = self._read(models.WorkerAgent, "SELECT * FROM catalog.worker_agents WHERE WorkerAgentId = :id",
                          id=str(worker_agent_id))
        return rows[0] if rows else None

    def executions(self, execution_id: int | None = None) -> list[models.Execution]:
        if execution_id is None:
            return self._read(models.Execution, "SELECT * FROM catalog.executions ORDER BY execution_id")
        return self._read(models.Execution, "SELECT * FROM catalog.executions WHERE execution_id = :id",
                          id=execution_id)

    def recent_executions(self, limit: int = 50, status: int | None = None,
                          before: int | None = None) -> list[models.Execution]:
        """The newest `limit` executions (in `status`, if given), newest first; `before` pages on: the
        ones older than that execution_id. Answered in the database from an index, however long the history."""
        return self.search_executions(limit=limit, status=status, before=before)

    def search_executions(self, *, limit: int = 50, before: int | None = None, status: int | None = None,
                          folder_name: str | None = None, project_name: str | None = None,
                          package_name: str | None = None, worker_agent_id: UUID | str | None = None,
                          started_from: datetime | None = None, started_until: datetime | None = None,
                          text: str | None = None) -> list[models.Execution]:
        """All Executions, filtered: newest first, `limit` a page, `before` the next page (a keyset on
        execution_id); `text` is found in the folder, project, package or caller name (any case)."""
        conditions = (("status = :status", "status", status), ("folder_name = :folder", "folder", folder_name),
                      ("project_name = :project", "project", project_name),
                      ("package_name = :package", "package", package_name),
                      ("worker_agent_id = :worker", "worker", str(worker_agent_id) if worker_agent_id else None),
                      ("start_time >= :started_from", "started_from", started_from),
                      ("start_time < :started_until", "started_until", started_until),
                      ("execution_id < :before", "before", before))
        where = [clause for clause, _, value in conditions if value is not None]
        params: dict[str, Any] = {name: value for _, name, value in conditions if value is not None}
        params["limit"] = int(limit)
        if text:
            params["text"] = "%" + re.sub(r"([\\%_\[])", r"\\\1", text.lower()) + "%"
            where.append("(" + " OR ".join(f"LOWER({c}) LIKE :text ESCAPE '\\'" for c in
                                           ("folder_name", "project_name", "package_name", "caller_name")) + ")")
        condition = f"WHERE {' AND '.join(where)} " if where else ""
        top, tail = self._first_rows(":limit")
        sql = f"SELECT {top}* FROM catalog.executions {condition}ORDER BY execution_id DESC{tail}"
        return self._read(models.Execution, sql, **params)

    def operation_messages_after(self, operation_id: int, after: int = 0,
                                 limit: int = 1000) -> list[models.OperationMessage]:
        """An operation's messages with operation_message_id above `after`, oldest first, at most `limit`."""
        top, tail = self._first_rows(":limit")
        return self._read(models.OperationMessage,
                          f"SELECT {top}* FROM catalog.operation_messages WHERE operation_id = :id "
                          f"AND operation_message_id > :after ORDER BY operation_message_id{tail}",
                          id=operation_id, after=after, limit=int(limit))

    def first_error(self, operation_id: int) -> models.OperationMessage | None:
        """An operation's first error message (message_type 120), or None."""
        top, tail = self._first_rows("1")
        rows = self._read(models.OperationMessage,
                          f"SELECT {top}* FROM catalog.operation_messages WHERE operation_id = :id "
                          f"AND message_type = 120 ORDER BY operation_message_id{tail}", id=operation_id)
        return rows[0] if rows else None

    def recent_runs(self, folder_name: str, project_name: str, package_name: str,
                    limit: int = 20) -> list[models.Execution]:
        """The package's newest succeeded executions (for its usual duration)."""
        top, tail = self._first_rows(":limit")
        return self._read(models.Execution,
                          f"SELECT {top}* FROM catalog.executions WHERE folder_name = :folder "
                          f"AND project_name = :project AND package_name = :package AND status = 7 "
                          f"ORDER BY execution_id DESC{tail}",
                          folder=folder_name, project=project_name, package=package_name, limit=int(limit))

    def execution(self, execution_id: int) -> models.Execution | None:
        rows = self.executions(execution_id)
        return rows[0] if rows else None

    def operation_messages(self, operation_id: int) -> list[models.OperationMessage]:
        return self._read(models.OperationMessage,
                          "SELECT * FROM catalog.operation_messages WHERE operation_id = :id "
                          "ORDER BY message_time, operation_message_id", id=operation_id)

    def execution_parameter_values(self, execution_id: int) -> list[models.ExecutionParameterValue]:
        return self._read(models.ExecutionParameterValue,
                          "SELECT * FROM catalog.execution_parameter_values WHERE execution_id = :id "
                          "ORDER BY object_type, parameter_name", id=execution_id)

    def folders(self) -> list[models.Folder]:
        return self._read(models.Folder, "SELECT * FROM catalog.folders ORDER BY name")

    def projects(self) -> list[models.Project]:
        return self._read(models.Project, "SELECT * FROM catalog.projects ORDER BY name")

    def packages(self) -> list[models.Package]:
        return self._read(models.Package, "SELECT * FROM catalog.packages ORDER BY project_id, name")

    def tasks(self, execution_id: int | None = None) -> list[models.Task]:
        if execution_id is None:
            return self._read(models.Task, "SELECT * FROM catalog.tasks ORDER BY CreatedTime")
        return self._read(models.Task, "SELECT * FROM catalog.tasks WHERE execution_id = :id", id=execution_id)

    def object_parameters(self, folder_name: str, project_name: str) -> list[dict[str, Any]]:
        """The deployed parameters of a project's current version (project- and package-level)."""
        return self.query(
            "SELECT op.object_type, op.object_name, op.parameter_name, op.data_type, op.required, op.sensitive, "
            "op.design_default_value, op.default_value, op.value_type, op.value_set, op.referenced_variable_name "
            "FROM catalog.object_parameters AS op JOIN catalog.projects AS p ON p.project_id = op.project_id "
            "JOIN catalog.folders AS f ON f.id = p.folder_id WHERE f.name = :folder AND p.name = :project",
            {"folder": folder_name, "project": project_name})

    def object_versions(self, folder_name: str, project_name: str) -> list[dict[str, Any]]:
        """A project's kept versions, newest first, with which one is current."""
        return [_normalise(r) for r in self.query(
            "SELECT v.object_version_lsn, v.description AS version, v.created_by, v.created_time, v.restored_by, "
            "v.last_restored_time, CASE WHEN v.object_version_lsn = p.object_version_lsn THEN 1 ELSE 0 END AS is_current "
            "FROM catalog.object_versions AS v JOIN catalog.projects AS p ON p.project_id = v.object_id "
            "JOIN catalog.folders AS f ON f.id = p.folder_id WHERE f.name = :folder AND p.name = :project "
            "ORDER BY v.object_version_lsn DESC", {"folder": folder_name, "project": project_name})]

    def executable_statistics(self, execution_id: int) -> list[dict[str, Any]]:
        """An execution's package runs (one per attempt that ended): start, end, duration in ms, result
        (0 success, 1 failure, 2 completion, 3 cancelled)."""
        return self.query("SELECT * FROM catalog.executable_statistics WHERE execution_id = :id "
                          "ORDER BY statistics_id", {"id": execution_id})

    def event_messages(self, operation_id: int) -> list[dict[str, Any]]:
        """An execution's messages as SSISDB's catalog.event_messages shows them, oldest first."""
        return self.query("SELECT * FROM catalog.event_messages WHERE operation_id = :id "
                          "ORDER BY event_message_id", {"id": operation_id})

    def environments(self, folder_name: str | None = None) -> list[dict[str, Any]]:
        """catalog.environments with each one's folder name, by folder and name."""
        where = "WHERE f.name = :folder " if folder_name is not None else ""
        return self.query("SELECT e.environment_id, f.name AS folder_name, e.name, e.description, e.created_by_name, "
                          "e.created_time FROM catalog.environments AS e JOIN catalog.folders AS f ON f.id = e.folder_id "
                          f"{where}ORDER BY f.name, e.name", {"folder": folder_name})

    def environment_variables(self, folder_name: str, environment_name: str) -> list[dict[str, Any]]:
        """An environment's variables, by name; a sensitive one's value is None."""
        return [_normalise(r) for r in self.query(
            "SELECT v.variable_id, v.name, v.type, v.sensitive, v.value, v.description "
            "FROM catalog.environment_variables AS v JOIN catalog.environments AS e ON e.environment_id = v.environment_id "
            "JOIN catalog.folders AS f ON f.id = e.folder_id WHERE f.name = :folder AND e.name = :environment "
            "ORDER BY v.name", {"folder": folder_name, "environment": environment_name})]

    def environment_references(self, folder_name: str, project_name: str) -> list[dict[str, Any]]:
        """A project's environment references, by reference_id."""
        return self.query(
            "SELECT r.reference_id, r.reference_type, r.environment_folder_name, r.environment_name "
            "FROM catalog.environment_references AS r JOIN catalog.projects AS p ON p.project_id = r.project_id "
            "JOIN catalog.folders AS f ON f.id = p.folder_id WHERE f.name = :folder AND p.name = :project "
            "ORDER BY r.reference_id", {"folder": folder_name, "project": project_name})

    def schedules(self, folder_name: str | None = None) -> list[dict[str, Any]]:
        """catalog.schedules (those this login may see), by folder and name."""
        where = "WHERE folder_name = :folder " if folder_name is not None else ""
        return [_normalise(r) for r in self.query(
            "SELECT schedule_id, folder_name, name, project_name, package_name, reference_id, cron_expression, "
            "time_zone, retry_count, worker_agent_id, missed_run_policy, is_enabled, owner_name, created_time, "
            f"next_run_time, last_run_time, last_execution_id, last_status FROM catalog.schedules {where}"
            "ORDER BY folder_name, name", {"folder": folder_name})]

    def schedule_runs(self, folder_name: str, schedule_name: str, limit: int = 50) -> list[dict[str, Any]]:
        """A schedule's newest runs first: due time, run type, execution or the error that stopped it."""
        top, limit_clause = self._first_rows(":limit")
        return self.query(
            f"SELECT {top}run_id, run_type, due_time, fired_time, fired_by, execution_id, missed_count, error_number, "
            "error_message FROM catalog.schedule_runs WHERE folder_name = :folder AND schedule_name = :name "
            f"ORDER BY run_id DESC{limit_clause}", {"folder": folder_name, "name": schedule_name, "limit": int(limit)})

    def recent_schedule_runs(self, per_schedule: int = 10) -> list[dict[str, Any]]:
        """The newest `per_schedule` runs of every schedule this login may see, in one query, newest first."""
        return self.query(
            "SELECT * FROM (SELECT r.*, ROW_NUMBER() OVER (PARTITION BY r.schedule_id ORDER BY r.run_id DESC) AS n "
            "FROM catalog.schedule_runs AS r) AS x WHERE x.n <= :n ORDER BY x.schedule_id, x.run_id DESC",
            {"n": int(per_schedule)})

    def principal_id(self, name: str) -> int | None:
        """A database principal's id by name (catalog.database_principals), or None."""
        rows = self.query("SELECT principal_id FROM catalog.database_principals WHERE name = :name", {"name": name})
        return int(rows[0]["principal_id"]) if rows else None

    def explicit_object_permissions(self) -> list[dict[str, Any]]:
        """Grants and denies on the objects this login may read (every one for an admin)."""
        return [_normalise(r) for r in self.query(
            "SELECT object_type, object_id, principal_id, permission_type, is_deny, grantor_id "
            "FROM catalog.explicit_object_permissions ORDER BY object_type, object_id, principal_id, permission_type")]

    def effective_object_permissions(self) -> list[dict[str, Any]]:
        """This login's own permissions, its roles' included, after inheritance and denies."""
        return self.query("SELECT object_type, object_id, permission_type FROM catalog.effective_object_permissions "
                          "ORDER BY object_type, object_id, permission_type")

    def task_attempts(self, execution_id: int) -> list[dict[str, Any]]:
        return self.query("SELECT attempt, worker_agent_id, claimed_time, ended_time, status "
                          "FROM catalog.task_attempts WHERE execution_id = :id ORDER BY attempt", {"id": execution_id})

    def catalog_properties(self) -> dict[str, str]:
        rows = self.query("SELECT property_name, property_value FROM catalog.catalog_properties")
        return {r["property_name"]: r["property_value"] for r in rows}

    def master_properties(self) -> dict[str, str]:
        rows = self.query("SELECT property_name, property_value FROM catalog.master_properties")
        return {r["property_name"]: r["property_value"] for r in rows}

    def caller_roles(self) -> frozenset[str]:
        """The catalog roles this login holds (catalog.caller_roles, revision 0005): what a user interface
        may offer it. The procedures still decide every call."""
        return frozenset(r["role_name"] for r in self.query("SELECT role_name FROM catalog.caller_roles"))

    def queue_summary(self) -> dict[str, Any]:
        """One row: the queue, active executions, the last day's outcomes, the last hour's pickup times."""
        return self.query("SELECT * FROM catalog.queue_summary")[0]

    def worker_summary(self) -> dict[str, Any]:
        """One row: workers online, offline and disabled, and the online task slots."""
        return self.query("SELECT * FROM catalog.worker_summary")[0]

    def execution_status_counts(self) -> dict[int, int]:
        """Executions by status over the whole history."""
        return {int(r["status"]): int(r["executions"])
                for r in self.query("SELECT status, executions FROM catalog.execution_status_counts")}

    def execution_waits(self, execution_id: int) -> dict[str, Any] | None:
        """Why a queued execution is not running yet (catalog.execution_waits), or None if it is not queued."""
        rows = self.query("SELECT * FROM catalog.execution_waits WHERE execution_id = :id", {"id": execution_id})
        return rows[0] if rows else None

    def execution_rate(self, minutes: int = 1440) -> list[dict[str, Any]]:
        """Per minute of the last `minutes` (at most a day), newest first: executions ended, failed, started,
        and their average pickup time (catalog.execution_rate; minutes with nothing in them are absent)."""
        return self.query("SELECT * FROM catalog.execution_rate WHERE minutes_ago < :minutes ORDER BY minutes_ago",
                          {"minutes": int(minutes)})

    def _first_rows(self, count: str) -> tuple[str, str]:
        """A query's first `count` rows (a literal or a :parameter): TOP on SQL Server, LIMIT on PostgreSQL;
        (what follows SELECT, what ends the query)."""
        return (f"TOP ({count}) ", "") if self.dialect == "mssql" else ("", f" LIMIT {count}")

    def _read(self, cls: type, sql: str, **params: Any) -> list:
        return [from_row(cls, _normalise(r)) for r in self.query(sql, params)]


def _normalise(row: dict[str, Any]) -> dict[str, Any]:
    """bit/integer flags to bool (uniqueidentifier strings become UUIDs in models.from_row)."""
    out = {}
    for k, v in row.items():
        key = k.lower()
        if key.startswith("is") and isinstance(v, int) and not isinstance(v, bool):
            v = bool(v)
        elif key in ("sensitive", "required", "value_set", "runtime_override") and isinstance(v, int):
            v = bool(v)
        out[k] = v
    return out


def _scalar(rows: list[dict[str, Any]]) -> Any:
    return next(iter(rows[0].values())) if rows else None


def _json_default(value: Any) -> str:
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")
