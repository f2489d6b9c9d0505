"""How a worker reports finished attempts: the buffered messages and the outcomes in one call
(internal.report_tasks), and what it does when that call cannot be used or is refused."""
from __future__ import annotations

import os
import uuid
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from helpers import deploy_sample, new_execution, register
from scaleout_catalog import Catalog, migrate
from scaleout_catalog.runtime.messages import MessageSource, MessageType
from scaleout_catalog.worker.agent import SUCCEEDED, Worker, WorkerOptions


@pytest.fixture
def workers(tmp_path):
    """Makes registered, enabled Worker objects (no loop, no processes); closes them afterwards."""
    made: list[Worker] = []

    def make(catalog: Catalog) -> Worker:
        worker = Worker(catalog, WorkerOptions(state_dir=tmp_path / f"state{len(made)}"))
        made.append(worker)
        catalog.update_worker_agent_status(worker.worker_agent_id, "computerA")
        catalog.enable_worker_agent(worker.worker_agent_id)
        return worker
    yield make
    for worker in made:
        worker.state.close()
        os.close(worker._wake_r)
        os.close(worker._wake_w)


def _log(worker: Worker, lease_token: uuid.UUID, text: str) -> None:
    worker.logs.add(lease_token, datetime.now(timezone.utc), MessageType.INFORMATION, MessageSource.PACKAGE, text)


def test_messages_and_outcomes_go_in_one_call(catalog, workers):
    deploy_sample(catalog)
    worker = workers(catalog)
    execution_id = new_execution(catalog)
    task = catalog.pull_task(worker.worker_agent_id)[0]
    _log(worker, task.lease_token, "loaded 3 rows")
    outcomes = worker._report([(task.task_id, task.lease_token, SUCCEEDED)])
    assert [o.status for o in outcomes] == [5] and worker.combined_reports
    assert catalog.execution(execution_id).status == 7
    assert [m.message for m in catalog.operation_messages(execution_id)] == ["loaded 3 rows"]
    assert not worker.logs.pending()


def test_a_refused_record_is_isolated_and_the_outcome_still_reported(catalog, workers):
    """report_tasks is all or nothing: one record it refuses (an attempt this worker never ran) makes
    the worker send the messages through the log shipper, which keeps the good ones, then the outcome."""
    deploy_sample(catalog)
    worker = workers(catalog)
    other = register(catalog, "computerB")
    mine, theirs = new_execution(catalog), new_execution(catalog)
    task = catalog.pull_task(worker.worker_agent_id)[0]
    foreign = catalog.pull_task(other)[0]
    _log(worker, task.lease_token, "before")
    _log(worker, foreign.lease_token, "not mine to write")
    _log(worker, task.lease_token, "after")
    outcomes = worker._report([(task.task_id, task.lease_token, SUCCEEDED)])
    assert [o.status for o in outcomes] == [5] and worker.combined_reports
    assert catalog.execution(mine).status == 7
    assert [m.message for m in catalog.operation_messages(mine)] == ["before", "after"]
    assert catalog.operation_messages(theirs) == []
    assert not worker.logs.pending()


def test_a_catalog_before_revision_0004_gets_two_calls(pg_server, workers):
    name = f"scaleout_rep3_{uuid.uuid4().hex[:8]}"
    pg_server.create_database(name)
    try:
        engine = sa.create_engine(pg_server.url_for(name))
        migrate.upgrade(engine, "0003")
        engine.dispose()
        catalog = Catalog(pg_server.url_for(name))
        deploy_sample(catalog)
        worker = workers(catalog)
        execution_id = new_execution(catalog)
        task = catalog.pull_task(worker.worker_agent_id)[0]
        _log(worker, task.lease_token, "on an older catalog")
        outcomes = worker._report([(task.task_id, task.lease_token, SUCCEEDED)])
        assert [o.status for o in outcomes] == [5] and not worker.combined_reports
        assert [m.message for m in catalog.operation_messages(execution_id)] == ["on an older catalog"]
        catalog.dispose()
    finally:
        pg_server.drop_database(name)
