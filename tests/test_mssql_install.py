"""Installing the catalog on SQL Server the ways a DBA does: `scaleout db upgrade|current|downgrade`,
and the generated script run batch by batch. A failing install names the file, the line and the
engine's message, in one line, and leaves the database as it was."""
from __future__ import annotations

import itertools

import pytest

from helpers import result_sets, run_scaleout
from scaleout_catalog import Catalog, migrate, sqlfiles

_names = itertools.count()


@pytest.fixture
def empty_database(mssql_server):
    """A fresh database without the catalog; dropped afterwards."""
    name = f"scaleout_install_{next(_names)}"
    mssql_server.drop_database(name)
    mssql_server.create_database(name)
    yield name
    mssql_server.drop_database(name)


def _catalog_objects(mssql_server, database: str) -> int:
    return mssql_server.execute(
        f"USE [{database}]; SELECT COUNT(*) FROM sys.objects WHERE [schema_id] IN "
        "(SCHEMA_ID(N'catalog'), SCHEMA_ID(N'internal'))")[0][0]


def test_db_upgrade_current_downgrade_upgrade(mssql_server, empty_database):
    url = mssql_server.url_for(empty_database)
    upgraded = run_scaleout("db", "upgrade", "--url", url, timeout=300)
    assert upgraded.returncode == 0, upgraded.stderr
    assert f"catalog at revision {migrate.head()}" in upgraded.stdout
    current = run_scaleout("db", "current", "--url", url)
    assert current.returncode == 0 and current.stdout.strip() == f"{migrate.head()} (head)"
    assert _catalog_objects(mssql_server, empty_database) > 50

    downgraded = run_scaleout("db", "downgrade", "--url", url, timeout=300)
    assert downgraded.returncode == 0, downgraded.stderr
    assert "catalog at revision base" in downgraded.stdout
    assert _catalog_objects(mssql_server, empty_database) == 0
    assert run_scaleout("db", "current", "--url", url).stdout.strip().startswith("base (no catalog)")

    again = run_scaleout("db", "upgrade", "--url", url, timeout=300)
    assert again.returncode == 0, again.stderr
    catalog = Catalog(url)
    try:
        assert catalog.catalog_properties()["SCHEMA_VERSION"] == "1"
        assert catalog.worker_agents() == []
    finally:
        catalog.dispose()


def test_the_generated_script_runs_batch_by_batch_with_no_failing_batch(mssql_server, empty_database):
    script = migrate.script("mssql")
    catalog = Catalog(mssql_server.url_for(empty_database))
    failed = []
    try:
        raw = catalog.engine.raw_connection()
        try:
            cursor = raw.cursor()
            batches = sqlfiles.batches("mssql", script)
            for batch in batches:
                try:
                    result_sets(cursor, batch)
                except Exception as exc:  # noqa: BLE001  every failing batch is collected and shown
                    failed.append((batch.line, batch.splitlines()[0], str(exc)[:200]))
            raw.commit()
        finally:
            raw.close()
        assert failed == []
        assert len(batches) > 60
        assert migrate.current(catalog.engine) == migrate.head()
        assert catalog.catalog_properties()["IS_SCALEOUT_ENABLED"] == "True"
    finally:
        catalog.dispose()


def test_a_failing_install_names_file_line_and_message_and_changes_nothing(mssql_server, empty_database):
    # Something of the same name already there: the install must stop at it, say so, and roll back.
    mssql_server.execute(f"USE [{empty_database}]; EXEC (N'CREATE SCHEMA [internal]'); "
                         "CREATE TABLE [internal].[folders] ([x] int);")
    before = _catalog_objects(mssql_server, empty_database)
    url = mssql_server.url_for(empty_database)
    result = run_scaleout("db", "upgrade", "--url", url, timeout=300)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert "0001/20_tables.sql, line" in lines[0] and "folders" in lines[0]
    assert "Rolled back: nothing was changed, the catalog is still at revision base" in lines[0]
    assert _catalog_objects(mssql_server, empty_database) == before
    assert mssql_server.execute(f"USE [{empty_database}]; SELECT SCHEMA_ID(N'catalog')")[0][0] is None
