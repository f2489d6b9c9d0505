"""The catalog's procedures as data: one spec per procedure, rendered per dialect.

Python never re-implements what a procedure does; it only renders the one call:
PostgreSQL  CALL catalog.enable_worker_agent(worker_agent_id => %(worker_agent_id)s::uuid)
            SELECT * FROM internal.pull_task(worker_agent_id => ..., max_tasks => ...)
SQL Server  EXEC [catalog].[enable_worker_agent] @WorkerAgentId = ?
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Param:
    name: str          # snake_case, as in PL/pgSQL and Python
    mssql: str         # SSIS's T-SQL name, without @
    pg_type: str
    mssql_type: str = ""


@dataclass(frozen=True)
class Procedure:
    schema: str
    name: str
    params: tuple[Param, ...]
    # "command": no result; "rows": returns rows (PostgreSQL set-returning function);
    # "scalar": returns one value (PostgreSQL scalar function).
    kind: Literal["command", "rows", "scalar"] = "command"
    output: Param | None = None   # an OUTPUT / INOUT parameter

    def render(self, dialect: str, given: list[str], nulls: frozenset[str] = frozenset()) -> str:
        """The call text for the parameters named in `given` (others take their defaults).

        On SQL Server those named in `nulls` are written as a NULL literal: a NULL bound through
        ODBC has no type (FreeTDS cannot describe parameters, so it goes as varchar), and
        varchar does not convert implicitly to every type, varbinary(max) among them. The
        literal takes the procedure parameter's own type. Callers pass no value for these.
        """
        params = [p for p in self.params if p.name in given]
        if dialect == "postgresql":
            args = ", ".join(f"{p.name} => %({p.name})s::{p.pg_type}" for p in params)
            target = f"{self.schema}.{self.name}({args})"
            if self.kind == "command":
                return f"CALL {target}"
            return f"SELECT * FROM {target}"
        if dialect == "mssql":
            args = [f"@{p.mssql} = NULL" if p.name in nulls else f"@{p.mssql} = ?" for p in params]
            if self.output is None:
                return f"SET NOCOUNT ON; EXEC [{self.schema}].[{self.name}] " + ", ".join(args)
            out = self.output
            args.append(f"@{out.mssql} = @out OUTPUT")
            return (f"SET NOCOUNT ON; DECLARE @out {out.mssql_type}; "
                    f"EXEC [{self.schema}].[{self.name}] " + ", ".join(args)
                    + f"; SELECT @out AS {out.name}")
        raise ValueError(f"unsupported dialect {dialect!r}")


def _p(name: str, mssql: str, pg_type: str, mssql_type: str = "") -> Param:
    return Param(name, mssql, pg_type, mssql_type)


WORKER_AGENT_ID = _p("worker_agent_id", "WorkerAgentId", "uuid")
EXECUTION_ID = _p("execution_id", "execution_id", "bigint", "bigint")
TASK_ID = _p("task_id", "TaskId", "uuid")
LEASE_TOKEN = _p("lease_token", "LeaseToken", "uuid")
FOLDER_NAME = _p("folder_name", "folder_name", "text")
PROJECT_NAME = _p("project_name", "project_name", "text")
ENVIRONMENT_NAME = _p("environment_name", "environment_name", "text")
VARIABLE_NAME = _p("variable_name", "variable_name", "text")
PROPERTY_NAME = _p("property_name", "property_name", "text")
PROPERTY_VALUE = _p("property_value", "property_value", "text")
REFERENCE_ID = _p("reference_id", "reference_id", "bigint", "bigint")
SCHEDULE_NAME = _p("schedule_name", "schedule_name", "text")

PROCEDURES: dict[str, Procedure] = {p.name: p for p in (
    # catalog: workers
    Procedure("catalog", "enable_worker_agent", (WORKER_AGENT_ID,)),
    Procedure("catalog", "disable_worker_agent", (WORKER_AGENT_ID,)),
    Procedure("catalog", "delete_worker_agent", (WORKER_AGENT_ID,)),
    Procedure("catalog", "set_worker_agent_property", (
        WORKER_AGENT_ID, _p("property_name", "PropertyName", "text"), _p("property_value", "PropertyValue", "text"))),
    Procedure("catalog", "configure_catalog", (
        _p("property_name", "property_name", "text"), _p("property_value", "property_value", "text"))),
    # catalog: folders and projects
    Procedure("catalog", "create_folder", (_p("folder_name", "folder_name", "text"),),
              output=_p("folder_id", "folder_id", "bigint", "bigint")),
    Procedure("catalog", "deploy_project", (
        _p("folder_name", "folder_name", "text"), _p("project_name", "project_name", "text"),
        _p("project_stream", "project_stream", "bytea"), _p("project_manifest", "project_manifest", "text")),
        output=_p("operation_id", "operation_id", "bigint", "bigint")),
    # catalog: project versions, projects and folders (revision 0006)
    Procedure("catalog", "restore_project", (
        FOLDER_NAME, PROJECT_NAME, _p("object_version_lsn", "object_version_lsn", "bigint"))),
    Procedure("catalog", "get_project", (FOLDER_NAME, PROJECT_NAME), kind="rows"),
    Procedure("catalog", "delete_project", (FOLDER_NAME, PROJECT_NAME)),
    Procedure("catalog", "move_project", (
        _p("source_folder", "source_folder", "text"), PROJECT_NAME,
        _p("destination_folder", "destination_folder", "text"))),
    Procedure("catalog", "delete_folder", (FOLDER_NAME,)),
    Procedure("catalog", "rename_folder", (_p("old_name", "old_name", "text"), _p("new_name", "new_name", "text"))),
    Procedure("catalog", "set_folder_description", (
        FOLDER_NAME, _p("folder_description", "folder_description", "text"))),
    # catalog: executions
    Procedure("catalog", "create_execution", (
        _p("folder_name", "folder_name", "text"), _p("project_name", "project_name", "text"),
        _p("package_name", "package_name", "text"), _p("reference_id", "reference_id", "bigint"),
        _p("use32bitruntime", "use32bitruntime", "boolean"), _p("runinscaleout", "runinscaleout", "boolean"),
        _p("useanyworker", "useanyworker", "boolean")),
        output=EXECUTION_ID),
    Procedure("catalog", "set_execution_parameter_value", (
        EXECUTION_ID, _p("object_type", "object_type", "smallint"),
        _p("parameter_name", "parameter_name", "text"), _p("parameter_value", "parameter_value", "text"))),
    Procedure("catalog", "add_execution_worker", (EXECUTION_ID, _p("workeragent_id", "workeragent_id", "uuid"))),
    Procedure("catalog", "start_execution", (EXECUTION_ID, _p("retry_count", "retry_count", "integer"))),
    Procedure("catalog", "stop_operation", (_p("operation_id", "operation_id", "bigint"),)),
    Procedure("catalog", "create_and_start_executions", (
        _p("executions", "executions", "text"), _p("retry_count", "retry_count", "integer")), kind="rows"),
    # catalog: environments, their variables and references (revision 0006)
    Procedure("catalog", "create_environment", (
        FOLDER_NAME, ENVIRONMENT_NAME, _p("environment_description", "environment_description", "text"))),
    Procedure("catalog", "delete_environment", (FOLDER_NAME, ENVIRONMENT_NAME)),
    Procedure("catalog", "rename_environment", (
        FOLDER_NAME, ENVIRONMENT_NAME, _p("new_environment_name", "new_environment_name", "text"))),
    Procedure("catalog", "move_environment", (
        _p("source_folder", "source_folder", "text"), ENVIRONMENT_NAME,
        _p("destination_folder", "destination_folder", "text"))),
    Procedure("catalog", "set_environment_property", (FOLDER_NAME, ENVIRONMENT_NAME, PROPERTY_NAME, PROPERTY_VALUE)),
    Procedure("catalog", "create_environment_variable", (
        FOLDER_NAME, ENVIRONMENT_NAME, VARIABLE_NAME, _p("data_type", "data_type", "text"),
        _p("sensitive", "sensitive", "boolean"), _p("value", "value", "text"),
        _p("description", "description", "text"))),
    Procedure("catalog", "set_environment_variable_value", (
        FOLDER_NAME, ENVIRONMENT_NAME, VARIABLE_NAME, _p("value", "value", "text"))),
    Procedure("catalog", "set_environment_variable_property", (
        FOLDER_NAME, ENVIRONMENT_NAME, VARIABLE_NAME, PROPERTY_NAME, PROPERTY_VALUE)),
    Procedure("catalog", "set_environment_variable_protection", (
        FOLDER_NAME, ENVIRONMENT_NAME, VARIABLE_NAME, _p("sensitive", "sensitive", "boolean"))),
    Procedure("catalog", "delete_environment_variable", (FOLDER_NAME, ENVIRONMENT_NAME, VARIABLE_NAME)),
    Procedure("catalog", "create_environment_reference", (
        FOLDER_NAME, PROJECT_NAME, ENVIRONMENT_NAME, _p("reference_type", "reference_type", "text"),
        _p("environment_folder_name", "environment_folder_name", "text")),
        output=REFERENCE_ID),
    Procedure("catalog", "delete_environment_reference", (REFERENCE_ID,)),
    Procedure("catalog", "set_environment_reference_type", (
        REFERENCE_ID, _p("reference_type", "reference_type", "text"),
        _p("environment_folder_name", "environment_folder_name", "text"))),
    Procedure("catalog", "set_object_parameter_value", (
        _p("object_type", "object_type", "smallint"), FOLDER_NAME, PROJECT_NAME,
        _p("parameter_name", "parameter_name", "text"), _p("parameter_value", "parameter_value", "text"),
        _p("object_name", "object_name", "text"), _p("value_type", "value_type", "text"))),
    Procedure("catalog", "clear_object_parameter_value", (
        FOLDER_NAME, PROJECT_NAME, _p("object_type", "object_type", "smallint"),
        _p("object_name", "object_name", "text"), _p("parameter_name", "parameter_name", "text"))),
    # catalog: permissions on folders, projects, environments and operations (revision 0007)
    *(Procedure("catalog", f"{verb}_permission", (
        _p("object_type", "object_type", "smallint"), _p("object_id", "object_id", "bigint"),
        _p("principal_id", "principal_id", "bigint"), _p("permission_type", "permission_type", "smallint")))
      for verb in ("grant", "deny", "revoke")),
    # catalog: schedules, fired by the workers (revision 0008)
    Procedure("catalog", "create_schedule", (
        FOLDER_NAME, SCHEDULE_NAME, PROJECT_NAME, _p("package_name", "package_name", "text"),
        _p("cron_expression", "cron_expression", "text"), _p("time_zone", "time_zone", "text"), REFERENCE_ID,
        _p("parameters", "parameters", "text"), _p("retry_count", "retry_count", "integer"),
        _p("workeragent_id", "workeragent_id", "uuid"), _p("missed_run_policy", "missed_run_policy", "text"),
        _p("is_enabled", "is_enabled", "boolean")),
        output=_p("schedule_id", "schedule_id", "bigint", "bigint")),
    *(Procedure("catalog", f"{verb}_schedule", (FOLDER_NAME, SCHEDULE_NAME)) for verb in ("enable", "disable", "delete")),
    Procedure("catalog", "run_schedule_now", (FOLDER_NAME, SCHEDULE_NAME), output=EXECUTION_ID),
    # internal: what workers call
    Procedure("internal", "update_worker_agent_status", (
        WORKER_AGENT_ID, _p("machine_name", "MachineName", "text"), _p("display_name", "DisplayName", "text"),
        _p("tags", "Tags", "text"), _p("max_tasks", "MaxTasks", "integer"),
        _p("certificate_thumbprint", "CertificateThumbprint", "text")), kind="rows"),
    Procedure("internal", "announce_worker_certificate", (
        WORKER_AGENT_ID, _p("certificate_thumbprint", "CertificateThumbprint", "text")), kind="scalar"),
    Procedure("internal", "pull_task", (WORKER_AGENT_ID, _p("max_tasks", "MaxTasks", "integer")), kind="rows"),
    Procedure("internal", "renew_task_lease", (WORKER_AGENT_ID, TASK_ID, LEASE_TOKEN), kind="rows"),
    Procedure("internal", "get_held_tasks", (WORKER_AGENT_ID,), kind="rows"),
    Procedure("internal", "update_task_status", (
        WORKER_AGENT_ID, TASK_ID, LEASE_TOKEN, _p("status", "Status", "integer")), kind="scalar"),
    Procedure("internal", "update_tasks_status", (WORKER_AGENT_ID, _p("tasks", "Tasks", "text")), kind="rows"),
    Procedure("internal", "append_operation_messages", (
        WORKER_AGENT_ID, _p("messages", "Messages", "text")), kind="scalar"),
    Procedure("internal", "report_tasks", (
        WORKER_AGENT_ID, _p("messages", "Messages", "text"), _p("tasks", "Tasks", "text")), kind="rows"),
    Procedure("internal", "get_task_package", (
        WORKER_AGENT_ID, TASK_ID, LEASE_TOKEN, _p("include_stream", "IncludeStream", "boolean")), kind="rows"),
    Procedure("internal", "get_task_parameters", (WORKER_AGENT_ID, TASK_ID, LEASE_TOKEN), kind="rows"),
    Procedure("internal", "fire_schedules", (WORKER_AGENT_ID,), kind="rows"),
    Procedure("internal", "dealwith_expired_tasks", (), kind="scalar"),
    Procedure("internal", "cleanup_server_retention_window", (), kind="scalar"),
)}
