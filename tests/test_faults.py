"""Faults with real workers and a real PostgreSQL: a database outage longer than half a lease, a lost claim
reply, a worker drained again and again, a worker frozen past its lease. Each time: nothing run more often
than retry_count allows (counted by the packages' own ledger), no stale outcome accepted, nothing lost."""
from __future__ import annotations

import os
import shutil
import signal
import tempfile
import time

import pytest
import sqlalchemy as sa

from helpers import DisposableServer, PgServer
from ledger import ledger_parameters, read_ledger
from proxy import Proxy, upstream_of
from scaleout_catalog import Catalog, migrate
from workers import Workers, deploy_test_project, run_execution, wait_terminal, wait_until

SUCCEEDED, RELEASED, EXPIRED = 5, 1, 7     # catalog.task_attempts.status


def attempts_of(catalog: Catalog, execution_id: int) -> list[tuple[int, object, int]]:
    """(attempt, worker_agent_id, status) of each attempt, in order."""
    return [(a["attempt"], a["worker_agent_id"], a["status"]) for a in catalog.task_attempts(execution_id)]


def lines_of_attempt(catalog: Catalog, execution_id: int, attempt: int) -> list[str]:
    return [m.message for m in catalog.operation_messages(execution_id)
            if m.attempt == attempt and m.message_source_type == 30]


@pytest.fixture
def own_server():
    """A PostgreSQL of this test's own, which it stops and starts (the shared one must stay up)."""
    root = tempfile.mkdtemp(prefix="scaleout-faults-")   # not under pytest's tmp: the server's own user must reach it
    server = DisposableServer(root)
    yield server
    try:
        server.stop()       # by pg_ctl: close() alone stops only the first postmaster, not a restarted one
    except Exception:  # noqa: BLE001  already stopped
        pass
    server.close()
    shutil.rmtree(root, ignore_errors=True)


def test_a_library_call_while_the_database_is_away_is_one_clear_error_and_then_works(own_server):
    """Procedure calls go straight to the pooled driver connection on PostgreSQL: while the server is
    down each is a CatalogConnectionError of one line (never a raw driver error), once it is back the
    next call works on a new connection, and a connection the pool hands on is in transactions again."""
    from scaleout_catalog.errors import CatalogConnectionError
    pg = PgServer(own_server.url, "the fault test's own server")
    pg.create_database("ssisdb")
    url = pg.url_for("ssisdb")
    catalog = Catalog(url, pool_size=1, max_overflow=0)
    try:
        migrate.upgrade(catalog.engine)
        catalog.create_folder("before")
        own_server.stop()
        for _ in range(2):                       # the pooled connection, then a new one: both refused alike
            with pytest.raises(CatalogConnectionError) as refused:
                catalog.create_folder("during")
            assert str(refused.value).startswith("cannot reach the catalog database: ")
            assert "\n" not in str(refused.value)
        own_server.start()
        catalog.create_folder("after")
        with pytest.raises(RuntimeError):
            with catalog.transaction():          # the same pooled connection: this must still roll back
                catalog.create_folder("rolled back")
                raise RuntimeError("undo")
        assert sorted(f.name for f in catalog.folders()) == ["after", "before"]
    finally:
        catalog.dispose()


def test_a_database_outage_longer_than_half_a_lease_expires_no_lease(own_server, tmp_path):
    pg = PgServer(own_server.url, "the fault test's own server")
    pg.create_database("ssisdb")
    url = pg.url_for("ssisdb")
    engine = sa.create_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    catalog = Catalog(url)
    catalog.configure_catalog("WORKER_LEASE_SECONDS", 10)
    deploy_test_project(catalog)
    ledger = tmp_path / "ledger"
    workers = Workers(url, tmp_path / "workers", catalog)
    try:
        started = [workers.start_enabled(f"w{i}", "--max-tasks", "2") for i in range(3)]
        executions = [run_execution(catalog, "ledger", retry_count=1,
                                    params=ledger_parameters(ledger, lines=12, seconds=12)) for _ in range(6)]
        wait_until(lambda: sum(len(r) for r in read_ledger(ledger).values()) == 6, 30, "all six packages to start")
        time.sleep(2)
        catalog.dispose()
        own_server.stop()
        time.sleep(7)            # more than half the lease: without the pulse, leases would expire
        own_server.start()

        ended = wait_terminal(catalog, executions, 90)
        assert {i: (e.status, e.executed_count) for i, e in ended.items()} == {i: (7, 1) for i in executions}
        for execution_id in executions:
            assert [a[2] for a in attempts_of(catalog, execution_id)] == [SUCCEEDED]
            assert lines_of_attempt(catalog, execution_id, 1) == [f"line {n} of 12" for n in range(1, 13)]
        expired = catalog.query("SELECT count(*) AS n FROM catalog.task_attempts WHERE status = 7")[0]["n"]
        assert expired == 0
        runs = read_ledger(ledger)
        assert {i: [(r.attempt, r.outcome) for r in runs[i]] for i in executions} == \
            {i: [(1, "succeeded")] for i in executions}
        assert all(w.alive() for w in started), [w.output() for w in started]
    finally:
        workers.stop_all()
        catalog.dispose()


def test_a_lost_claim_reply_is_adopted_and_costs_no_attempt(pg_catalog, pg_url, tmp_path):
    catalog = pg_catalog
    deploy_test_project(catalog)
    ledger = tmp_path / "ledger"
    with Proxy(upstream_of(pg_url)) as proxy:
        workers = Workers(proxy.url(pg_url), tmp_path / "workers", catalog)
        try:
            worker = workers.start_enabled("w1", "--max-tasks", "1")
            proxy.cut_after_reply(b"pull_task")    # the claim commits; its reply never reaches the worker
            execution_id = run_execution(catalog, "ledger", retry_count=2,
                                         params=ledger_parameters(ledger, lines=3, seconds=0.5))
            assert proxy.wait_fired(30), "no claim went through the proxy"
            e = wait_terminal(catalog, [execution_id], 60)[execution_id]
            assert (e.status, e.executed_count) == (7, 1)
            assert attempts_of(catalog, execution_id) == [(1, worker.worker_agent_id, SUCCEEDED)]
            assert [(r.attempt, r.outcome) for r in read_ledger(ledger)[execution_id]] == [(1, "succeeded")]
            assert lines_of_attempt(catalog, execution_id, 1) == ["line 1 of 3", "line 2 of 3", "line 3 of 3"]
            assert f"adopting execution {execution_id} (attempt 1)" in worker.output()
            assert worker.alive(), worker.output()
        finally:
            workers.stop_all()


@pytest.mark.parametrize("retry_count", [2, 1])
def test_a_task_drained_twice_keeps_its_attempt_numbers_and_bound(pg_catalog, pg_workers, tmp_path, retry_count):
    """SIGTERM with a package longer than the drain timeout releases it; each release uses up an attempt.
    With retry_count 2 a third worker runs attempt 3 to the end; with retry_count 1 the second release
    ends the execution unexpectedly (6)."""
    catalog = pg_catalog
    deploy_test_project(catalog)
    ledger = tmp_path / "ledger"
    execution_id = run_execution(catalog, "ledger", retry_count=retry_count,
                                 params=ledger_parameters(ledger, lines=4, seconds=4))
    ids = []
    for n in (1, 2):
        worker = pg_workers.start_enabled(f"w{n}", "--drain-timeout", "0.5")
        ids.append(worker.worker_agent_id)
        wait_until(lambda: len(read_ledger(ledger)[execution_id]) == n, 30, f"attempt {n} to start")
        assert worker.terminate(timeout=30) == 0
    if retry_count == 2:
        last = pg_workers.start_enabled("w3")
        e = wait_terminal(catalog, [execution_id], 60)[execution_id]
        assert (e.status, e.executed_count, e.worker_agent_id) == (7, 3, last.worker_agent_id)
        assert attempts_of(catalog, execution_id) == [
            (1, ids[0], RELEASED), (2, ids[1], RELEASED), (3, last.worker_agent_id, SUCCEEDED)]
        assert lines_of_attempt(catalog, execution_id, 3) == [f"line {n} of 4" for n in range(1, 5)]
    else:
        e = catalog.execution(execution_id)
        assert (e.status, e.executed_count) == (6, 2)     # no attempt left: a release ends it unexpectedly
        assert attempts_of(catalog, execution_id) == [(1, ids[0], RELEASED), (2, ids[1], RELEASED)]
        pg_workers.start_enabled("w3")
        time.sleep(2)                                     # nothing is left for another worker to run
        assert attempts_of(catalog, execution_id) == [(1, ids[0], RELEASED), (2, ids[1], RELEASED)]
    runs = read_ledger(ledger)[execution_id]
    expected = [(1, "PackageCancelled"), (2, "PackageCancelled")] + ([(3, "succeeded")] if retry_count == 2 else [])
    assert [(r.attempt, r.outcome) for r in runs] == expected
    assert len(runs) <= retry_count + 1


def test_a_worker_frozen_past_its_lease_cannot_report_late(pg_catalog, pg_workers, tmp_path):
    """SIGSTOP a worker while its package runs: the lease expires (the other worker keeps the catalog's
    pulse), the other worker runs attempt 2; SIGCONT: the frozen worker's late outcome (a failure that
    would end the execution) is refused, and the execution's outcome is attempt 2's."""
    catalog = pg_catalog
    catalog.configure_catalog("WORKER_LEASE_SECONDS", 3)
    deploy_test_project(catalog)
    ledger = tmp_path / "ledger"
    frozen = pg_workers.start_enabled("w1")
    execution_id = run_execution(catalog, "ledger", retry_count=1,
                                 params=ledger_parameters(ledger, lines=6, seconds=6, fail_attempts=1))
    wait_until(lambda: read_ledger(ledger)[execution_id], 30, "attempt 1 to start")
    other = pg_workers.start_enabled("w2")
    os.kill(frozen.proc.pid, signal.SIGSTOP)
    try:
        wait_until(lambda: [a[:2] for a in attempts_of(catalog, execution_id)] == [
            (1, frozen.worker_agent_id), (2, other.worker_agent_id)], 30, "the other worker to take attempt 2")
        assert attempts_of(catalog, execution_id)[0][2] == EXPIRED
        wait_until(lambda: read_ledger(ledger)[execution_id][0].outcome, 15, "the frozen worker's package to end")
    finally:
        os.kill(frozen.proc.pid, signal.SIGCONT)
    # Thawed, the worker is fenced off one of two ways, by where SIGSTOP caught it: it reports the outcome
    # it had already decided, and the report is refused; or it renews the lease first, learns the lease
    # is gone, and reports nothing. Either way attempt 1's outcome is never applied.
    refused = f"the outcome of execution {execution_id} attempt 1 was refused"
    lost = f"lost the lease on execution {execution_id} (attempt 1)"
    try:
        wait_until(lambda: refused in frozen.output() or lost in frozen.output(), 20, "the frozen worker to be fenced off")
    except AssertionError as exc:      # what the thawed worker did instead, for the diagnosis
        raise AssertionError(f"{exc}; its log:\n{frozen.output()[-4000:]}") from None

    e = wait_terminal(catalog, [execution_id], 30)[execution_id]
    assert (e.status, e.executed_count, e.worker_agent_id) == (7, 2, other.worker_agent_id)
    assert attempts_of(catalog, execution_id) == [(1, frozen.worker_agent_id, EXPIRED),
                                                  (2, other.worker_agent_id, SUCCEEDED)]
    assert [(r.attempt, r.outcome) for r in read_ledger(ledger)[execution_id]] == [(1, "failed"), (2, "succeeded")]
    # Attempt 1's log still arrives (nothing is lost), under its own attempt number.
    wait_until(lambda: len(lines_of_attempt(catalog, execution_id, 1)) >= 6, 15, "attempt 1's log")
    assert lines_of_attempt(catalog, execution_id, 2) == [f"line {n} of 6" for n in range(1, 7)]
    assert frozen.alive() and other.alive()
