"""Migrations: up, down, up again; offline install scripts for both dialects; T-SQL parses."""
from __future__ import annotations

import contextlib
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from helpers import run_scaleout
from scaleout_catalog import Catalog, errors, migrate, sqlfiles

ROOT = Path(__file__).resolve().parent.parent

# Every object of the catalog: tables and columns, views, functions and procedures with their source.
SCHEMA_SQL = """
SELECT 'column' AS kind, table_schema || '.' || table_name || '.' || column_name || ' ' || data_type AS name, '' AS body
FROM information_schema.columns WHERE table_schema IN ('catalog', 'internal')
UNION ALL
SELECT 'routine', n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')',
       p.prosrc || ' -- ' || l.lanname || ' ' || p.provolatile::text || ' ' || p.prosecdef::text || ' rows ' || p.prorows::text
       || ' ' || coalesce(array_to_string(p.proconfig, ','), '')
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_language l ON l.oid = p.prolang
WHERE n.nspname IN ('catalog', 'internal')
UNION ALL
SELECT 'view', schemaname || '.' || viewname, definition FROM pg_views WHERE schemaname IN ('catalog', 'internal')
UNION ALL
SELECT 'index', schemaname || '.' || indexname, indexdef FROM pg_indexes WHERE schemaname IN ('catalog', 'internal')
UNION ALL
SELECT 'grant', table_schema || '.' || table_name || ' ' || grantee || ' ' || privilege_type, ''
FROM information_schema.role_table_grants WHERE table_schema IN ('catalog', 'internal')
UNION ALL
SELECT 'storage', n.nspname || '.' || c.relname, array_to_string(c.reloptions, ',')
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname IN ('catalog', 'internal') AND c.reloptions IS NOT NULL
UNION ALL
SELECT 'routine_grant', routine_schema || '.' || routine_name || ' ' || grantee, ''
FROM information_schema.role_routine_grants WHERE routine_schema IN ('catalog', 'internal')
ORDER BY 1, 2
"""


def schema_of(engine) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.exec_driver_sql(SCHEMA_SQL)]


def test_upgrade_downgrade_upgrade_leaves_the_same_schema(pg_server):
    name = f"scaleout_mig_{pg_server.description[:3].strip()}".replace(" ", "_").lower()
    pg_server.drop_database(name)
    pg_server.create_database(name)
    try:
        engine = sa.create_engine(pg_server.url_for(name))
        assert migrate.current(engine) is None
        migrate.upgrade(engine)
        assert migrate.current(engine) == migrate.head()
        first = schema_of(engine)
        assert len([r for r in first if r[0] == "routine"]) > 20
        migrate.downgrade(engine)
        assert migrate.current(engine) is None
        assert schema_of(engine) == []
        migrate.upgrade(engine)
        assert schema_of(engine) == first
        engine.dispose()
    finally:
        pg_server.drop_database(name)


def test_fresh_install_from_the_offline_script_matches_alembic(pg_server, pg_template):
    """A DBA's psql -f of `scaleout db script` builds the same catalog as `scaleout db upgrade`."""
    name = "scaleout_offline_install"
    pg_server.drop_database(name)
    pg_server.create_database(name)
    try:
        script = migrate.script("postgresql")
        engine = sa.create_engine(pg_server.url_for(name))
        with engine.begin() as conn:
            conn.connection.dbapi_connection.cursor().execute(script)
        assert migrate.current(engine) == migrate.head()
        reference = sa.create_engine(pg_server.url_for(pg_template))
        assert schema_of(engine) == schema_of(reference)
        engine.dispose()
        reference.dispose()
    finally:
        pg_server.drop_database(name)


@pytest.mark.parametrize("dialect", sqlfiles.DIALECTS)
def test_db_script_writes_a_complete_install_script(tmp_path, dialect):
    out = tmp_path / f"install-{dialect}.sql"
    result = run_scaleout("db", "script", "--dialect", dialect, "-o", str(out))
    assert result.returncode == 0, result.stderr
    text = out.read_text()
    for name, body in sqlfiles.upgrade_files(dialect, "0001"):
        for batch in sqlfiles.batches(dialect, body):
            assert batch in text, f"{name} is missing from the install script"
    assert "INSERT INTO scaleout_alembic_version" in text
    if dialect == "mssql":
        assert "\nGO\n" in text and "BEGIN;" not in text


def _sqlfluff_unparsable(path: Path) -> list[str]:
    result = subprocess.run([sys.executable, "-m", "sqlfluff", "parse", "--dialect", "tsql", str(path)],
                            capture_output=True, text=True, timeout=600)
    return [line for line in result.stdout.splitlines() if "unparsable" in line.lower()]


TSQL_FILES = sorted((ROOT / "sql" / "mssql").rglob("*.sql"))


@pytest.mark.parametrize("path", TSQL_FILES, ids=[str(p.relative_to(ROOT / "sql" / "mssql")) for p in TSQL_FILES])
def test_every_tsql_file_parses(path):
    assert _sqlfluff_unparsable(path) == []


def test_generated_sql_server_install_script_parses(tmp_path):
    out = tmp_path / "install-mssql.sql"
    out.write_text(migrate.script("mssql"))
    assert _sqlfluff_unparsable(out) == []


def test_both_dialects_have_the_same_revisions_and_files():
    revisions = {p.name for p in (ROOT / "sql" / "postgresql").iterdir()}
    assert revisions == {p.name for p in (ROOT / "sql" / "mssql").iterdir()}
    for revision in revisions:
        pg = {p.name for p in (ROOT / "sql" / "postgresql" / revision).glob("*.sql")}
        ms = {p.name for p in (ROOT / "sql" / "mssql" / revision).glob("*.sql")}
        assert pg == ms, revision
        earlier = sorted(r for r in revisions if r < revision)
        # Both dialects redefine the same public procedures (their internal helpers may differ), and a
        # downgrade puts back everything a revision redefined.
        redefined = {d: set(sqlfiles.redefined(d, revision, earlier)) for d in sqlfiles.DIALECTS}
        assert {n for n in redefined["postgresql"] if n.startswith("catalog.")} == \
            {n for n in redefined["mssql"] if n.startswith("catalog.")}, revision
        for dialect in sqlfiles.DIALECTS:
            restored = "\n".join(sqlfiles.restorations(dialect, revision, earlier)).lower().replace("[", "").replace("]", "")
            assert all(name in restored for name in redefined[dialect]), (dialect, revision)


@contextlib.contextmanager
def catalog_at(pg_server, revision: str):
    """A new database with the catalog at `revision` and the sample deployed; yields (engine, catalog,
    rows): rows() reads every internal table. Afterwards the catalog is downgraded back to `revision`,
    and its schema (grants and storage options included) must be exactly as it was."""
    from helpers import INTERNAL_TABLES, deploy_sample
    name = f"scaleout_mig{revision}_{uuid.uuid4().hex[:8]}"
    pg_server.create_database(name)
    try:
        engine = sa.create_engine(pg_server.url_for(name))
        migrate.upgrade(engine, revision)
        schema = schema_of(engine)
        catalog = Catalog(pg_server.url_for(name))
        deploy_sample(catalog)

        def rows() -> dict[str, list[dict]]:
            return {t: sorted(({k: str(v) for k, v in r.items()} for r in catalog.query(f"SELECT * FROM internal.{t}")),
                              key=lambda r: tuple(r.values()))
                    for t in INTERNAL_TABLES if t != "catalog_pulse"}
        yield engine, catalog, rows
        catalog.dispose()
        migrate.downgrade(engine, revision)
        assert migrate.current(engine) == revision
        assert schema_of(engine) == schema
        engine.dispose()
    finally:
        pg_server.drop_database(name)


def upgrade_keeping_rows(engine, catalog, rows) -> None:
    """Upgrades to head; every row keeps every value it had (a column a revision adds is left out)."""
    before = rows()
    catalog.dispose()
    migrate.upgrade(engine)
    assert migrate.current(engine) == migrate.head()
    after = rows()
    assert {t: sorted(({k: r[k] for k in (before[t][0] if before[t] else r)} for r in after[t]),
                      key=lambda r: tuple(r.values())) for t in after} == before


@contextlib.contextmanager
def a_login_in_a_team(pg_server, database: str):
    """An ssis_cluster_executor login that is a member of a new role (its team); yields (login, team).
    Both are dropped afterwards."""
    team = f"so_team_{uuid.uuid4().hex[:6]}"
    url = pg_server.create_login(database, "ssis_cluster_executor")
    login = Catalog(url)
    try:
        with pg_server.admin() as conn:
            conn.execute(f'CREATE ROLE "{team}"')
            conn.execute(f'GRANT "{team}" TO "{login.engine.url.username}"')
        yield login, team
    finally:
        login.dispose()
        pg_server.drop_login(database, url)
        with pg_server.admin() as conn:
            conn.execute(f'DROP ROLE IF EXISTS "{team}"')


def test_a_catalog_at_0001_upgrades_in_place_keeps_its_data_and_downgrades_back(pg_server):
    """Revision 0002 on a working 0001 catalog: every row stays, a task claimed before the upgrade
    finishes after it, and a downgrade puts 0001's schema back exactly."""
    from helpers import new_execution, register
    with catalog_at(pg_server, "0001") as (engine, catalog, rows):
        worker = register(catalog)
        running = new_execution(catalog)
        task = catalog.pull_task(worker)[0]
        queued = new_execution(catalog)
        upgrade_keeping_rows(engine, catalog, rows)
        assert catalog.update_task_status(worker, task.task_id, task.lease_token, 5) == 5
        again = catalog.pull_task(worker)[0]
        assert again.execution_id == queued and again.executed_count == 1
        assert catalog.execution(running).status == 7


def test_a_catalog_at_0002_upgrades_in_place_keeps_its_data_and_downgrades_back(pg_server):
    """Revision 0003 on a working 0002 catalog: every row stays, a task claimed before the upgrade is
    reconciled with what it runs and finishes after it, and a downgrade puts 0002's schema (grants of
    the worker functions it re-created included) back exactly."""
    from helpers import PACKAGE, new_execution, register
    with catalog_at(pg_server, "0002") as (engine, catalog, rows):
        worker = register(catalog)
        running = new_execution(catalog, PACKAGE)
        task = catalog.pull_task(worker)[0]
        assert task.parameters is None       # 0002's claim does not say what the task runs
        queued = new_execution(catalog)
        upgrade_keeping_rows(engine, catalog, rows)
        held = catalog.get_held_tasks(worker)
        assert [(h.task_id, h.package_name) for h in held] == [(task.task_id, PACKAGE)]
        assert {p.parameter_name: p.parameter_value for p in held[0].parameters}["ApiKey"] == "k"
        assert catalog.update_task_status(worker, task.task_id, task.lease_token, 5) == 5
        again = catalog.pull_task(worker)[0]
        assert again.execution_id == queued and again.entry_point == "sample.noop:run"
        assert catalog.execution(running).status == 7


def test_a_catalog_at_0003_upgrades_in_place_keeps_its_data_and_downgrades_back(pg_server):
    """Revision 0004 on a working 0003 catalog: every row stays, a task claimed before the upgrade is
    reported with its messages in one call after it, and a downgrade puts 0003's schema back exactly."""
    from helpers import new_execution, register
    with catalog_at(pg_server, "0003") as (engine, catalog, rows):
        worker = register(catalog)
        running = new_execution(catalog)
        task = catalog.pull_task(worker)[0]
        new_execution(catalog)
        upgrade_keeping_rows(engine, catalog, rows)
        message = {"lease_token": str(task.lease_token), "event_message_guid": str(uuid.uuid4()),
                   "message_time": None, "message_type": 70, "message_source_type": 20, "message": "done"}
        outcomes = catalog.report_tasks(worker, [message], [(task.task_id, task.lease_token, 5)])
        assert [o.status for o in outcomes] == [5]
        assert catalog.execution(running).status == 7
        assert [m.message for m in catalog.operation_messages(running)] == ["done"]


def test_a_catalog_at_0004_upgrades_in_place_keeps_its_data_and_downgrades_back(pg_server):
    """Revision 0005 on a working 0004 catalog: every row stays, a claimed task still reports, and the
    manager's view of the caller's roles answers; a downgrade puts 0004's schema back exactly."""
    from helpers import new_execution, register
    with catalog_at(pg_server, "0004") as (engine, catalog, rows):
        worker = register(catalog)
        running = new_execution(catalog)
        task = catalog.pull_task(worker)[0]
        upgrade_keeping_rows(engine, catalog, rows)
        assert "ssis_admin" in catalog.caller_roles()
        assert [o.status for o in catalog.report_tasks(worker, [], [(task.task_id, task.lease_token, 5)])] == [5]
        assert catalog.execution(running).status == 7


def test_a_catalog_at_0005_upgrades_in_place_keeps_its_data_and_downgrades_back(pg_server):
    """Revision 0006 on a working 0005 catalog: every row stays, a task claimed before the upgrade still
    reports, executions made before it show no environment, and the project deployed before it takes an
    environment reference; a downgrade puts 0005's schema (the grant of the view it re-created included)
    back exactly."""
    from helpers import FOLDER, PACKAGE, PROJECT, new_execution, register
    with catalog_at(pg_server, "0005") as (engine, catalog, rows):
        worker = register(catalog)
        running = new_execution(catalog)
        task = catalog.pull_task(worker)[0]
        upgrade_keeping_rows(engine, catalog, rows)
        assert catalog.execution(running).reference_id is None
        catalog.create_environment(FOLDER, "prod")
        catalog.create_environment_variable(FOLDER, "prod", "Key", "String", True, "from-env")
        reference = catalog.create_environment_reference(FOLDER, PROJECT, "prod", "R")
        catalog.set_object_parameter_value(30, FOLDER, PROJECT, "ApiKey", "Key", PACKAGE, "R")
        bound = catalog.create_execution(FOLDER, PROJECT, PACKAGE, reference_id=reference)
        catalog.start_execution(bound)
        assert [o.status for o in catalog.report_tasks(worker, [], [(task.task_id, task.lease_token, 5)])] == [5]
        [claimed] = catalog.pull_task(worker)
        assert {p.parameter_name: p.parameter_value for p in claimed.parameters}["ApiKey"] == "from-env"


def test_a_catalog_at_0006_upgrades_in_place_keeps_its_data_and_downgrades_back(pg_server):
    """Revision 0007 on a working 0006 catalog: every row stays, a task claimed before the upgrade still
    reports, an executor keeps its own executions (their creator holds READ and MODIFY on them) but no
    longer sees the admin's, and is granted what it runs; a downgrade puts 0006's schema back exactly."""
    from helpers import FOLDER, PROJECT, new_execution, register
    with catalog_at(pg_server, "0006") as (engine, catalog, rows):
        database = engine.url.database
        url = pg_server.create_login(database, "ssis_cluster_executor")
        executor = Catalog(url)
        try:
            worker = register(catalog)
            running = new_execution(catalog)
            task = catalog.pull_task(worker)[0]
            own = executor.create_execution(FOLDER, PROJECT, "package2")     # 0006: every executor ran every project
            upgrade_keeping_rows(engine, catalog, rows)
            assert [e.execution_id for e in executor.executions()] == [own]
            executor.start_execution(own)
            with pytest.raises(errors.CatalogError) as refused:
                executor.create_execution(FOLDER, PROJECT, "package2")
            assert refused.value.number == 27109
            project_id = catalog.projects()[0].project_id
            for permission in (1, 3):
                catalog.grant_permission(2, project_id, catalog.principal_id(executor.engine.url.username), permission)
            executor.create_execution(FOLDER, PROJECT, "package2")
            assert [o.status for o in catalog.report_tasks(worker, [], [(task.task_id, task.lease_token, 5)])] == [5]
            assert catalog.execution(running).status == 7
        finally:
            executor.dispose()
            pg_server.drop_login(database, url)


def test_a_catalog_at_0007_upgrades_in_place_keeps_its_data_and_downgrades_back(pg_server):
    """Revision 0008 on a working 0007 catalog: every row stays, a task claimed before the upgrade still
    reports, and the catalog schedules and fires at once; a downgrade (schedules and all) puts 0007's
    schema back exactly."""
    from helpers import FOLDER, PROJECT, new_execution, register
    with catalog_at(pg_server, "0007") as (engine, catalog, rows):
        worker = register(catalog)
        running = new_execution(catalog)
        task = catalog.pull_task(worker)[0]
        upgrade_keeping_rows(engine, catalog, rows)
        assert [o.status for o in catalog.report_tasks(worker, [], [(task.task_id, task.lease_token, 5)])] == [5]
        assert catalog.execution(running).status == 7
        catalog.create_schedule(FOLDER, "nightly", PROJECT, "package2", "0 30 2 * * *", time_zone="Europe/London")
        execution_id = catalog.run_schedule_now(FOLDER, "nightly")
        assert catalog.pull_task(worker)[0].execution_id == execution_id
        assert catalog.fire_schedules(worker)[0] == 0


def test_a_catalog_at_0008_upgrades_in_place_keeps_its_data_and_downgrades_back(pg_server):
    """Revision 0009 (the hot paths) on a working 0008 catalog: every row stays, a task claimed before
    the upgrade still reports, SSIS's pair and the bulk call create what they did; a downgrade puts 0008's
    helpers back exactly (language, settings and row estimates included)."""
    from helpers import FOLDER, PROJECT, new_execution, register
    with catalog_at(pg_server, "0008") as (engine, catalog, rows):
        worker = register(catalog)
        running = new_execution(catalog)
        task = catalog.pull_task(worker)[0]
        before = catalog.query("SELECT object_type, parameter_name, parameter_value, sensitive, required, value_set "
                               "FROM catalog.execution_parameter_values WHERE execution_id = :id "
                               "ORDER BY object_type, parameter_name", {"id": running})
        upgrade_keeping_rows(engine, catalog, rows)
        assert [o.status for o in catalog.report_tasks(worker, [], [(task.task_id, task.lease_token, 5)])] == [5]
        assert catalog.execution(running).status == 7
        made = [new_execution(catalog)] + catalog.create_and_start_executions(
            [{"folder_name": FOLDER, "project_name": PROJECT, "package_name": "package2"}] * 3)
        for execution_id in made:
            assert catalog.query("SELECT object_type, parameter_name, parameter_value, sensitive, required, value_set "
                                 "FROM catalog.execution_parameter_values WHERE execution_id = :id "
                                 "ORDER BY object_type, parameter_name", {"id": execution_id}) == before
        claimed = catalog.pull_task(worker, 10)
        assert sorted(t.execution_id for t in claimed) == sorted(made)
        assert [o.status for o in catalog.report_tasks(worker, [], [(t.task_id, t.lease_token, 5) for t in claimed])] \
            == [5] * len(made)


def test_a_catalog_at_0009_upgrades_in_place_keeps_its_data_and_downgrades_back(pg_server):
    """Revision 0010 (system parameters at their defaults not stored) on a working 0009 catalog: every row
    stays; an execution from before and one from after show the same parameter values in the view, though
    only the newer one leaves its system parameters unstored, and claim the same; setting one stores it; a
    downgrade stores the rest, so 0009 sees every value, and puts 0009's schema back exactly."""
    from helpers import FOLDER, PROJECT, new_execution, register
    shown = ("SELECT object_type, parameter_data_type, parameter_name, parameter_value, sensitive, required, "
             "value_set, runtime_override FROM catalog.execution_parameter_values WHERE execution_id = :id "
             "ORDER BY object_type, parameter_name")
    with catalog_at(pg_server, "0009") as (engine, catalog, rows):
        worker = register(catalog)
        old = new_execution(catalog, start=False)
        catalog.set_execution_parameter_value(old, 50, "SYNCHRONIZED", 1)
        before = catalog.query(shown, {"id": old})
        upgrade_keeping_rows(engine, catalog, rows)
        assert catalog.query(shown, {"id": old}) == before
        new = new_execution(catalog, start=False)
        catalog.set_execution_parameter_value(new, 50, "SYNCHRONIZED", 1)
        assert catalog.query(shown, {"id": new}) == before
        stored = {r["parameter_name"] for r in catalog.query(
            "SELECT parameter_name FROM internal.execution_parameter_values WHERE execution_id = :id AND object_type = 50",
            {"id": new})}
        assert stored == {"SYNCHRONIZED"}
        bulk = catalog.create_and_start_executions(
            [{"folder_name": FOLDER, "project_name": PROJECT, "package_name": "package2",
              "parameters": [{"object_type": 50, "parameter_name": "SYNCHRONIZED", "parameter_value": "1"}]}])
        assert catalog.query(shown, {"id": bulk[0]}) == before
        for execution_id in (old, new):
            catalog.start_execution(execution_id)
        # The claim carries what the package reads, its project and package parameters, alike for all three.
        claimed = {t.execution_id: t.parameters for t in catalog.pull_task(worker, 10)}
        assert claimed[old] == claimed[new] == claimed[bulk[0]]
        assert [(p.object_type, p.parameter_name) for p in claimed[new]] == \
            [(r["object_type"], r["parameter_name"]) for r in before if r["object_type"] in (20, 30)]
        catalog.dispose()
        migrate.downgrade(engine, "0009")
        for execution_id in (old, new, bulk[0]):
            assert catalog.query(shown, {"id": execution_id}) == before


def test_a_catalog_at_0010_upgrades_in_place_keeps_its_data_and_downgrades_back(pg_server):
    """Revision 0011 (the permission checks in PL/pgSQL) on a working 0010 catalog: every row stays, and
    logins that are not admins are allowed and refused exactly as before: one that holds EXECUTE on the
    project through a role runs it and sees its executions, one denied EXECUTE_OBJECTS on the folder is
    refused (27178). A downgrade puts 0010's SQL-language checks back (the schema exactly as it was)."""
    from helpers import FOLDER, PROJECT
    languages = ("SELECT p.proname AS name, l.lanname AS language FROM pg_proc AS p "
                 "JOIN pg_namespace AS n ON n.oid = p.pronamespace JOIN pg_language AS l ON l.oid = p.prolang "
                 "WHERE n.nspname = 'internal' AND p.proname IN ('caller_is_principal', 'caller_has_permission_row') "
                 "ORDER BY 1")
    with catalog_at(pg_server, "0010") as (engine, catalog, rows):
        database = engine.url.database
        team = f"so_team_{uuid.uuid4().hex[:6]}"
        urls = [pg_server.create_login(database, "ssis_cluster_executor") for _ in range(2)]
        runner, denied = (Catalog(url) for url in urls)
        try:
            with pg_server.admin() as conn:
                conn.execute(f'CREATE ROLE "{team}"')
                conn.execute(f'GRANT "{team}" TO "{runner.engine.url.username}"')
            project_id = catalog.projects()[0].project_id
            folder_id = catalog.folders()[0].id
            for permission in (1, 3):      # READ and EXECUTE on the project, to the role
                catalog.grant_permission(2, project_id, catalog.principal_id(team), permission)
            for permission in (1, 3):      # and to the other login, whose folder denies EXECUTE_OBJECTS
                catalog.grant_permission(2, project_id, catalog.principal_id(denied.engine.url.username), permission)
            catalog.deny_permission(1, folder_id, catalog.principal_id(denied.engine.url.username), 103)

            def behaviour() -> tuple:
                execution_id = runner.create_execution(FOLDER, PROJECT, "package2")
                runner.start_execution(execution_id)
                with pytest.raises(errors.CatalogError) as refusal:
                    denied.create_execution(FOLDER, PROJECT, "package2")
                seen = [r["execution_id"] for r in runner.query(
                    "SELECT execution_id FROM catalog.executions ORDER BY execution_id")]
                return execution_id in seen, len(seen), refusal.value.number

            assert catalog.query(languages) == [{"name": "caller_has_permission_row", "language": "sql"},
                                                {"name": "caller_is_principal", "language": "sql"}]
            assert behaviour() == (True, 1, 27178)
            upgrade_keeping_rows(engine, catalog, rows)
            assert catalog.query(languages) == [{"name": "caller_has_permission_row", "language": "plpgsql"},
                                                {"name": "caller_is_principal", "language": "plpgsql"}]
            for login in (runner, denied):
                login.dispose()          # new sessions: no plan of the old definitions
            assert behaviour() == (True, 2, 27178)
        finally:
            for login in (runner, denied):
                login.dispose()
            for url in urls:
                pg_server.drop_login(database, url)
            with pg_server.admin() as conn:
                conn.execute(f'DROP ROLE IF EXISTS "{team}"')


def test_a_catalog_at_0011_upgrades_in_place_keeps_its_data_and_downgrades_back(pg_server):
    """Revision 0012 (the execution views decide READ in their query) on a working 0011 catalog: every row
    stays, and a login that is not an admin sees the same executions in every such view as before: its own,
    one granted to its role, not one granted to it but denied to its role, not an admin's. A downgrade puts
    the per-row checks back (the schema exactly as it was)."""
    from helpers import EXECUTION_VIEWS, FOLDER, PROJECT
    per_row = ("SELECT count(*) AS n FROM pg_views WHERE schemaname = 'catalog' "
               "AND definition LIKE '%check_permission(4,%'")
    with catalog_at(pg_server, "0011") as (engine, catalog, rows):
        with a_login_in_a_team(pg_server, engine.url.database) as (runner, team):
            team_id, runner_id = catalog.principal_id(team), catalog.principal_id(runner.engine.url.username)
            project_id = catalog.projects()[0].project_id
            for permission in (1, 3):
                catalog.grant_permission(2, project_id, team_id, permission)
            own = runner.create_execution(FOLDER, PROJECT, "package2")
            granted, overruled, admins = (catalog.create_execution(FOLDER, PROJECT, "package2") for _ in range(3))
            catalog.grant_permission(4, granted, team_id, 1)
            catalog.grant_permission(4, overruled, runner_id, 1)
            catalog.deny_permission(4, overruled, team_id, 1)
            for execution_id in (own, granted, overruled, admins):
                catalog.start_execution(execution_id)

            def seen() -> dict[str, set[int]]:
                return {view: {r["id"] for r in runner.query(f"SELECT {column} AS id FROM catalog.{view}")}
                        for view, column in EXECUTION_VIEWS
                        if view in ("executions", "operations", "execution_parameter_values", "tasks",
                                    "execution_waits")}      # the views these executions have rows in

            assert catalog.query(per_row) == [{"n": 9}]
            before = seen()
            assert before == {view: {own, granted} for view in before}
            upgrade_keeping_rows(engine, catalog, rows)
            assert catalog.query(per_row) == [{"n": 0}]
            runner.dispose()
            assert seen() == before


def test_a_catalog_at_0012_upgrades_in_place_keeps_its_data_and_downgrades_back(pg_server):
    """Revision 0013 (the views over folders, projects, environments and schedules decide READ in their
    query) on a working 0012 catalog: every row stays, and a login that is not an admin sees the same rows
    of every such view as before: a project granted to its role (its folder, packages, parameters, version
    and schedule), not an environment granted to it but denied to its role, and a folder's environment
    through READ_OBJECTS, but not that folder's project, denied to it. A downgrade puts the per-row checks
    back (the schema exactly as it was)."""
    from helpers import ARCHIVE, FOLDER, MANIFEST, PROJECT, furnish_folder
    views = {"folders": "id", "projects": "project_id", "packages": "project_id", "object_parameters": "project_id",
             "object_versions": "object_id", "environment_references": "project_id", "environments": "environment_id",
             "environment_variables": "environment_id", "schedules": "schedule_id",
             "explicit_object_permissions": "object_id"}
    per_row = ("SELECT count(*) AS n FROM pg_views WHERE schemaname = 'catalog' "
               "AND (definition LIKE '%check_permission(%' OR definition LIKE '%folder_is_readable(%')")
    with catalog_at(pg_server, "0012") as (engine, catalog, rows):
        with a_login_in_a_team(pg_server, engine.url.database) as (runner, team):
            team_id, runner_id = catalog.principal_id(team), catalog.principal_id(runner.engine.url.username)
            catalog.create_folder("other")
            catalog.deploy_project("other", PROJECT, ARCHIVE, MANIFEST)
            ids = {folder: furnish_folder(catalog, folder) for folder in (FOLDER, "other")}
            catalog.grant_permission(2, ids[FOLDER]["project"], team_id, 1)
            catalog.grant_permission(3, ids[FOLDER]["environment"], runner_id, 1)
            catalog.deny_permission(3, ids[FOLDER]["environment"], team_id, 1)
            catalog.grant_permission(1, ids["other"]["folder"], runner_id, 101)
            catalog.deny_permission(2, ids["other"]["project"], runner_id, 1)

            def seen() -> dict[str, set[int]]:
                return {view: {r["id"] for r in runner.query(f"SELECT {column} AS id FROM catalog.{view}")}
                        for view, column in views.items()}

            assert catalog.query(per_row) == [{"n": 10}]
            before = seen()
            assert before["folders"] == {ids[FOLDER]["folder"], ids["other"]["folder"]}
            assert before["projects"] == before["packages"] == before["object_versions"] == {ids[FOLDER]["project"]}
            assert before["environments"] == before["environment_variables"] == {ids["other"]["environment"]}
            assert len(before["schedules"]) == 1
            upgrade_keeping_rows(engine, catalog, rows)
            assert catalog.query(per_row) == [{"n": 0}]
            runner.dispose()
            assert seen() == before
