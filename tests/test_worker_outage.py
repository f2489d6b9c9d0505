"""A database outage while packages run: the worker survives, finishes everything, loses no log line."""
from __future__ import annotations

import re
import shutil
import tempfile
import time

import pytest
import sqlalchemy as sa

from helpers import DisposableServer, PgServer
from scaleout_catalog import Catalog, migrate
from workers import Workers, deploy_test_project, run_execution, wait_terminal, wait_until

OUTAGE_SECONDS = 20


@pytest.fixture
def own_server():
    root = tempfile.mkdtemp(prefix="scaleout-outage-")   # not under pytest's tmp: the server's own user must reach it
    server = DisposableServer(root)
    yield server
    server.close()
    shutil.rmtree(root, ignore_errors=True)


def test_postgresql_down_for_20_seconds_while_packages_run(own_server, tmp_path):
    pg = PgServer(own_server.url, "the outage test's own server")
    pg.create_database("ssisdb")
    url = pg.url_for("ssisdb")
    engine = sa.create_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    catalog = Catalog(url)
    deploy_test_project(catalog)
    workers = Workers(url, tmp_path / "workers", catalog)
    try:
        worker = workers.start_enabled("w1", "--max-tasks", "4")
        # Four packages that log a numbered tick every 0.25 s for 8 s, and four more queued behind them.
        executions = [run_execution(catalog, "sleep", retry_count=1, params={"Seconds": 8, "Interval": 0.25})
                      for _ in range(8)]
        wait_until(lambda: sum(catalog.execution(i).status == 2 for i in executions) == 4, 30,
                   "four packages to be running")
        time.sleep(1)
        catalog.dispose()
        own_server.stop()
        time.sleep(OUTAGE_SECONDS)
        assert worker.alive(), worker.output()
        own_server.start()

        ended = wait_terminal(catalog, executions, 120)
        assert worker.alive(), worker.output()
        assert all(e.status == 7 for e in ended.values()), {i: e.status for i, e in ended.items()}
        for execution_id in executions:
            messages = catalog.operation_messages(execution_id)
            for attempt in {m.attempt for m in messages}:
                lines = [m.message for m in messages if m.attempt == attempt and m.message_source_type == 30]
                done = [int(re.match(r"done after (\d+) ticks", line).group(1)) for line in lines
                        if line.startswith("done after")]
                if done:   # a finished attempt: every tick it logged is in the catalog, in order
                    assert lines == [f"tick {n}" for n in range(1, done[0] + 1)] + [f"done after {done[0]} ticks"]
        assert list((worker.state_dir / "spool").glob("*.json")) == []
        assert "spooled" in worker.output()                 # the outage did happen while it logged
        assert worker.terminate() == 0
    finally:
        workers.stop_all()
        catalog.dispose()
