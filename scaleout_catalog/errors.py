"""Catalog errors, mapped from SSIS error numbers in one place.

The number comes from the database, never from message prose: on PostgreSQL it is
the SQLSTATE (the procedures raise SQLSTATE '27243' for error 27243); on SQL Server
it is the fixed "NNNNN: " prefix that every catalog message starts with.
"""
from __future__ import annotations

import re


class CatalogError(Exception):
    """An error raised by a catalog procedure, with its SSIS error number."""

    number: int = 0

    def __init__(self, message: str, number: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if number is not None:
            self.number = number


class CatalogConnectionError(Exception):
    """The catalog database could not be reached, or the URL is malformed."""


class NullArgument(CatalogError):
    number = 27100


class InvalidArgumentValue(CatalogError):
    number = 27101


class ExecutionNotFound(CatalogError):
    number = 27103


class FolderNotFound(CatalogError):
    number = 27104


class ProjectNotFound(CatalogError):
    number = 27109


class OperationCannotBeStopped(CatalogError):
    number = 27124


class OperationHasNoJob(CatalogError):
    number = 27125


class OperationAlreadyStopping(CatalogError):
    number = 27126


class ExecutionIdRequired(CatalogError):
    number = 27138


class PackageNotFound(CatalogError):
    number = 27146


class ParameterTypeMismatch(CatalogError):
    number = 27147


class ProjectVersionChanged(CatalogError):
    number = 27150


class ParameterNotFound(CatalogError):
    number = 27176


class PermissionDenied(CatalogError):
    number = 27178


class RequiredParametersMissing(CatalogError):
    number = 27184


class LoggingLevelUndefined(CatalogError):
    number = 27217


class ExecutionAlreadyStarted(CatalogError):
    number = 27224


class WorkerAgentNotFound(CatalogError):
    number = 27243


class TaskNotFound(CatalogError):
    """27246: the task is not held under this lease (expired, or claimed again)."""

    number = 27246


LeaseLost = TaskNotFound


class JobIsForAllWorkers(CatalogError):
    number = 27251


class WorkerAgentDisabled(CatalogError):
    number = 27252


class ExecutionNotScaleOut(CatalogError):
    number = 27255


# Environments, references and values set on deployed parameters (revision 0006).
class ObjectParameterNotFound(CatalogError):
    """27106: a deployed parameter (catalog.object_parameters) that does not exist."""

    number = 27106


class EnvironmentReferenceNotInProject(CatalogError):
    number = 27111


class EnvironmentReferenceNotFound(CatalogError):
    number = 27114


class TargetFolderNotFound(CatalogError):
    number = 27115


class FolderAlreadyExists(CatalogError):
    number = 27129


class InvalidEnvironmentName(CatalogError):
    number = 27142


class ParameterVariableTypeMismatch(CatalogError):
    """27148: an environment variable's type differs from the parameter bound to it."""

    number = 27148


class PackagePending(CatalogError):
    """27149: executions of the project are pending or running; wait, or stop them."""

    number = 27149


class RestoreToCurrentVersion(CatalogError):
    number = 27155


class EnvironmentAlreadyExists(CatalogError):
    number = 27157


class DataTypeNotSupported(CatalogError):
    number = 27159


class EnvironmentVariableAlreadyExists(CatalogError):
    number = 27173


class ObjectVersionNotFound(CatalogError):
    number = 27179


class InvalidEnvironmentVariableName(CatalogError):
    number = 27180


class ProjectAlreadyExists(CatalogError):
    number = 27181


class EnvironmentNotFound(CatalogError):
    number = 27182


class EnvironmentVariableNotFound(CatalogError):
    number = 27183


class FolderNotEmpty(CatalogError):
    number = 27196


class InvalidFolderName(CatalogError):
    number = 27199


class EnvironmentReferenceAlreadyExists(CatalogError):
    number = 27204


class EnvironmentReferenceNotAssociated(CatalogError):
    number = 27208


class ConversionFailed(CatalogError):
    number = 27210


class SensitiveVariableForPlainParameter(CatalogError):
    """27221: a sensitive environment variable bound to a parameter that is not sensitive."""

    number = 27221


# Permissions on catalog objects (revision 0007).
class OperationNotFound(CatalogError):
    """27105: an operation the caller cannot see (catalog.operations), or none."""

    number = 27105


class OperationAccessDenied(CatalogError):
    """27143: the caller may see the operation but not change it (no MODIFY)."""

    number = 27143


class PermissionNotApplicable(CatalogError):
    """27191: EXECUTE applies to projects, and the *_OBJECTS permissions to folders only."""

    number = 27191


class ManagePermissionsRequired(CatalogError):
    """27192: granting, denying or revoking needs MANAGE_PERMISSIONS on the object."""

    number = 27192


# Schedules (revision 0008): SSIS leaves them to SQL Agent, so these two numbers are this catalog's own.
class ScheduleNotFound(CatalogError):
    """27400: no such schedule in the folder, or the caller is neither its owner nor ssis_admin."""

    number = 27400


class ScheduleAlreadyExists(CatalogError):
    """27401: the folder already holds a schedule of that name."""

    number = 27401


ERRORS_BY_NUMBER: dict[int, type[CatalogError]] = {
    cls.number: cls
    for cls in CatalogError.__subclasses__()
}

# The number is always the start of the catalog's own message text.
_PREFIX = re.compile(r"(?:^|\]\s*)(27\d{3}): ")
# pyodbc's message ends with the engine's native error number, then the ODBC call:
# "[42000] [FreeTDS][SQL Server]Conversion failed ... (8169) (SQLExecDirectW)".
_ODBC_SUFFIX = re.compile(r"\s*\((-?\d+)\)\s*\(SQL\w+\)\s*$")
_ODBC_PREFIX = re.compile(r"^(?:\[[^\]]*\]\s*)+")

# A value of the wrong form or size, refused by the engine before a procedure could check it:
# SQLSTATEs on PostgreSQL (invalid text, datetime format or range, numeric range, string length) ...
BAD_VALUE_SQLSTATES = frozenset({"22P02", "22018", "22007", "22008", "22003", "22001", "22P05"})
# ... and SQL Server's native error numbers, which every ODBC driver reports alike (FreeTDS sends
# conversion errors with SQLSTATE 42000, so the SQLSTATE cannot tell them apart).
BAD_VALUE_NUMBERS = frozenset({
    206,    # operand type clash
    220, 232, 8115,   # arithmetic overflow
    241, 242,   # date or time conversion failed / out of range
    245,    # conversion failed
    2628, 8152,   # string or binary data would be truncated
    8114,   # error converting data type
    8169,   # conversion to uniqueidentifier failed
    13609,  # JSON text is not properly formatted
})


# Babelfish reports most of PostgreSQL's own errors under one generic number; those PostgreSQL files
# as invalid values (class 22) keep PostgreSQL's fixed message forms, which are all that tells them apart.
BABELFISH_GENERIC_NUMBER = 33557097
_BABELFISH_BAD_VALUE = re.compile(
    r"^(invalid input syntax for|value too long for type|.* out of range|numeric field overflow|"
    r"invalid byte sequence|invalid UTF16 byte sequence|invalid hexadecimal|character with byte sequence)",
    re.IGNORECASE)


# Babelfish 4.3 re-plans a session's cached procedure statements after any temporary table or table
# variable is made in that session, and the re-plan prefixes the database name twice:
# relation "ssisdb_ssisdb_internal.operations" does not exist. Nothing ran; a new session runs it right.
_BABELFISH_STALE_PLAN = re.compile(r'relation "(.+)_\1_[^"]*" does not exist')


def is_babelfish_stale_plan(orig: BaseException) -> bool:
    """Whether the driver error is Babelfish's re-planning defect (see above): retry on a new session."""
    number, text = native_error(orig)
    return number == BABELFISH_GENERIC_NUMBER and _BABELFISH_STALE_PLAN.search(text) is not None


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """A message on one line: control characters (a name may echo one) shown escaped, never acted on."""
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


def catalog_error(number: int, message: str) -> CatalogError:
    """The exception for an SSIS error number (CatalogError for an unknown one), its message on one line."""
    cls = ERRORS_BY_NUMBER.get(number, CatalogError)
    return cls(printable(message), number)


def native_error(orig: BaseException) -> tuple[int | None, str]:
    """pyodbc's (native error number, message without the driver's [..] prefixes and suffix)."""
    for arg in getattr(orig, "args", ()):
        if isinstance(arg, str) and arg.startswith("["):
            match = _ODBC_SUFFIX.search(arg)
            text = _ODBC_PREFIX.sub("", arg[:match.start()] if match else arg).strip()
            return (int(match.group(1)) if match else None), text
    return None, str(orig).strip()


def from_driver_error(orig: BaseException) -> CatalogError | None:
    """The catalog error carried by a driver exception, or None if it is not one."""
    sqlstate = getattr(orig, "sqlstate", None)
    if sqlstate and sqlstate.isdigit() and sqlstate.startswith("27") and sqlstate != "27000":
        diag = getattr(orig, "diag", None)
        text = getattr(diag, "message_primary", None) or str(orig).splitlines()[0]
        return catalog_error(int(sqlstate), text)
    if sqlstate is None and type(orig).__name__ == "DataError" and "NUL (0x00)" in str(orig):
        # psycopg refuses a NUL in a text parameter before sending it: the catalog could not store it either
        return InvalidArgumentValue("27101: A value contains a NUL character (0x00), which the catalog cannot store. "
                                    "Remove it and call again.")
    args = getattr(orig, "args", ())
    if (sqlstate or (args[0] if args and isinstance(args[0], str) else None)) in BAD_VALUE_SQLSTATES:
        first_line = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
        return InvalidArgumentValue(printable(f"27101: {first_line}"))
    # pyodbc: args = (sqlstate, "[...][SQL Server]27243: Cannot find ...")
    for arg in args:
        if isinstance(arg, str):
            match = _PREFIX.search(arg)
            if match:
                return catalog_error(int(match.group(1)), _ODBC_SUFFIX.sub("", arg[match.start(1):]))
    number, text = native_error(orig)
    if number in BAD_VALUE_NUMBERS or (number == BABELFISH_GENERIC_NUMBER and _BABELFISH_BAD_VALUE.match(text)):
        return InvalidArgumentValue(printable(f"27101: {text.splitlines()[0] if text else 'invalid value'}"))
    return None


# -- the database refused before any catalog procedure ran ------------------------------------------

class CatalogNotInstalled(Exception):
    """The database has no catalog, or an older one (`scaleout db upgrade` was not run).

    Not a CatalogConnectionError on purpose: the database answered, so retrying (as a worker does
    on a connection error) cannot help until someone upgrades it."""


class RoleRequired(Exception):
    """The database refused the login itself (no EXECUTE or SELECT privilege): it lacks a catalog role.
    object_name is schema.name; roles are the catalog roles that may use it, least privileged first."""

    def __init__(self, message: str, object_name: str | None, roles: tuple[str, ...]) -> None:
        super().__init__(message)
        self.object_name, self.roles = object_name, roles


_ADMIN = ("ssis_admin",)
_EXECUTOR = ("ssis_cluster_executor", "ssis_admin")
_WORKER = ("ssis_cluster_worker", "ssis_admin")
_READER = ("ssis_logreader", "ssis_cluster_executor", "ssis_admin")

# Who may read or call what: the grants of sql/*/60_grants.sql, as the README's permission table states
# them (tests/test_cli_bad_input.py checks this map against the grants of a live catalog). Least
# privileged role first.
VIEW_ROLES: dict[str, tuple[str, ...]] = {
    "catalog.worker_agents": _EXECUTOR,
    "catalog.worker_summary": _EXECUTOR,
    "catalog.execution_waits": _EXECUTOR,
    **{f"catalog.{name}": _READER for name in (
        "executions", "operations", "operation_messages", "execution_parameter_values", "folders", "projects",
        "packages", "object_parameters", "tasks", "task_attempts", "catalog_properties", "master_properties",
        "caller_roles", "queue_summary", "execution_status_counts", "execution_rate", "object_versions",
        "executable_statistics", "event_messages")},
    **{f"catalog.{name}": _EXECUTOR for name in ("environments", "environment_variables", "environment_references")},
    **{f"catalog.{name}": _READER for name in (
        "explicit_object_permissions", "effective_object_permissions", "database_principals")},
    **{f"catalog.{name}": _READER for name in ("schedules", "schedule_runs")},
}
PROCEDURE_ROLES: dict[str, tuple[str, ...]] = {
    **{f"catalog.{name}": _ADMIN for name in (
        "enable_worker_agent", "disable_worker_agent", "delete_worker_agent", "set_worker_agent_property",
        "configure_catalog", "create_folder", "deploy_project",
        "create_environment", "delete_environment", "rename_environment", "move_environment",
        "set_environment_property", "create_environment_variable", "set_environment_variable_value",
        "set_environment_variable_property", "set_environment_variable_protection", "delete_environment_variable",
        "create_environment_reference", "delete_environment_reference", "set_environment_reference_type",
        "set_object_parameter_value", "clear_object_parameter_value", "restore_project", "delete_project",
        "move_project", "delete_folder", "rename_folder", "set_folder_description")},
    **{f"catalog.{name}": _EXECUTOR for name in (
        "create_execution", "set_execution_parameter_value", "add_execution_worker", "start_execution",
        "stop_operation", "create_and_start_executions", "get_project",
        "create_schedule", "enable_schedule", "disable_schedule", "delete_schedule", "run_schedule_now")},
    **{f"catalog.{name}": _READER for name in ("grant_permission", "deny_permission", "revoke_permission")},
    # The permission checks the views call as their caller (PostgreSQL; revisions 0007 and 0013).
    **{f"internal.{name}": _READER for name in (
        "caller_is_admin", "caller_reads_catalog", "check_permission", "caller_holds_permission",
        "folder_is_readable", "caller_readable_projects", "caller_readable_environments",
        "caller_readable_folders")},
    **{f"internal.{name}": _WORKER for name in (
        "update_worker_agent_status", "announce_worker_certificate", "pull_task", "renew_task_lease",
        "get_held_tasks", "update_task_status", "update_tasks_status", "append_operation_messages",
        "report_tasks",
        "get_task_package", "get_task_parameters", "dealwith_expired_tasks", "cleanup_server_retention_window",
        "fire_schedules")},
}

# PostgreSQL: no such schema, relation or routine. SQL Server: 208 invalid object name, 2812 no such procedure.
_MISSING_SQLSTATES = frozenset({"3F000", "42P01", "42883"})
_MISSING_NUMBERS = frozenset({208, 2812})
_CATALOG_NAME = re.compile(r"\b(catalog|internal)\b", re.IGNORECASE)
# "permission denied for procedure enable_worker_agent"; "The EXECUTE permission was denied on the object
# 'enable_worker_agent', database 'ssisdb', schema 'catalog'."
_PG_DENIED = re.compile(r"permission denied for (?:procedure|function|view|table|relation) \"?(\w+)\"?")
_MSSQL_DENIED = re.compile(r"on the object '(\w+)', database '[^']*', schema '(\w+)'")
_STATEMENT_OBJECT = re.compile(r"\b(catalog|internal)\]?\s*\.\s*\[?(\w+)", re.IGNORECASE)


def _sqlstate(orig: BaseException) -> str | None:
    sqlstate = getattr(orig, "sqlstate", None)
    if sqlstate:
        return sqlstate
    args = getattr(orig, "args", ())
    return args[0] if args and isinstance(args[0], str) and len(args[0]) == 5 else None


def _first_line(orig: BaseException) -> str:
    diag = getattr(orig, "diag", None)
    text = getattr(diag, "message_primary", None) or native_error(orig)[1]
    return text.strip().splitlines()[0] if text.strip() else type(orig).__name__


def catalog_not_installed(orig: BaseException) -> CatalogNotInstalled | None:
    """CatalogNotInstalled if the driver error says that a catalog schema, view or procedure is missing."""
    number, _ = native_error(orig)
    if _sqlstate(orig) in _MISSING_SQLSTATES or number in _MISSING_NUMBERS:
        text = _first_line(orig)
        if _CATALOG_NAME.search(text):
            return CatalogNotInstalled(
                f"the catalog is not installed in this database, or is older than this scaleout ({text})")
    return None


def role_required(orig: BaseException, statement: str | None = None) -> RoleRequired | None:
    """RoleRequired if the database refused the login (PostgreSQL 42501, SQL Server 229 or 230): names the
    procedure or view (from the message, else from the statement that was refused) and the roles it needs."""
    number, _ = native_error(orig)
    text = _first_line(orig)
    # Babelfish reports PostgreSQL's refusal under its generic number, in PostgreSQL's words.
    babelfish = number == BABELFISH_GENERIC_NUMBER and _PG_DENIED.search(text) is not None
    if _sqlstate(orig) != "42501" and number not in (229, 230) and not babelfish:
        return None
    candidates = []
    pg, mssql = _PG_DENIED.search(text), _MSSQL_DENIED.search(text)
    if mssql:
        candidates.append(f"{mssql.group(2)}.{mssql.group(1)}".lower())
    elif pg:
        candidates += [f"catalog.{pg.group(1)}", f"internal.{pg.group(1)}"]
    candidates += [f"{s}.{n}".lower() for s, n in _STATEMENT_OBJECT.findall(statement or "")]
    name = next((c for c in candidates if c in VIEW_ROLES or c in PROCEDURE_ROLES), None)
    if name is None:
        return RoleRequired(f"permission denied ({text}): this login lacks the catalog role for it", None, ())
    roles = VIEW_ROLES.get(name) or PROCEDURE_ROLES[name]
    needs = f"the role {roles[0]}" if len(roles) == 1 else \
        "one of the roles " + ", ".join(roles[:-1]) + " or " + roles[-1]
    return RoleRequired(f"permission denied: this login may not {'read' if name in VIEW_ROLES else 'call'} "
                        f"{name}; it needs {needs} (the database said: {text})", name, roles)
