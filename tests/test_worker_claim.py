"""When a worker looks for tasks again after a claim: at once only while tasks may still wait for it.

Real Worker objects on a real catalog, with a real fork server and LISTEN connection; the loop itself
does not run, so each test drives one claim and reads when the next is due."""
from __future__ import annotations

import time

import pytest

from helpers import deploy_sample, new_execution, register
from scaleout_catalog import Catalog
from scaleout_catalog.runtime import launcher
from scaleout_catalog.worker.agent import Worker, WorkerOptions
from workers import wait_until


@pytest.fixture
def make_worker(tmp_path):
    """Registered, enabled Worker objects with a fork server; shut down (packages killed) afterwards."""
    made: list[Worker] = []

    def make(catalog: Catalog, max_tasks: int) -> Worker:
        worker = Worker(catalog, WorkerOptions(state_dir=tmp_path / f"state{len(made)}", max_tasks=max_tasks))
        made.append(worker)
        catalog.update_worker_agent_status(worker.worker_agent_id, "computerA")
        catalog.enable_worker_agent(worker.worker_agent_id)
        worker.enabled = True
        worker.forkserver = launcher.ForkServer()
        return worker
    yield make
    for worker in made:
        worker._shutdown()


def test_a_claim_that_got_fewer_than_it_asked_for_waits_before_looking_again(pg_catalog, make_worker):
    deploy_sample(pg_catalog)
    worker = make_worker(pg_catalog, max_tasks=4)
    new_execution(pg_catalog)
    began = time.monotonic()
    worker._claim()
    assert len(worker.attempts) == 1 and worker.counters["claim_calls"] == 1
    assert worker.next_claim >= began + 0.1      # the first idle step, not at once: the queue was empty


def test_a_full_claim_waits_for_a_free_slot(pg_catalog, make_worker):
    deploy_sample(pg_catalog)
    worker = make_worker(pg_catalog, max_tasks=2)
    for _ in range(3):
        new_execution(pg_catalog)
    began = time.monotonic()
    worker._claim()
    assert len(worker.attempts) == 2
    assert worker.next_claim >= began + 3600     # a report frees a slot, and makes it look at once


class _QueuesDuringTheClaim(Catalog):
    """Starts an execution from another session while the worker's claim is under way, and lets the claim
    go on once the worker's LISTEN connection has delivered the notification. The execution is for another
    worker, so the claim comes back empty, as one that just missed a task does."""

    def pull_task(self, worker_agent_id, max_tasks=1):
        worker, self.worker = self.worker, None      # only the first claim
        if worker is not None:
            before = worker.queue_notices
            execution_id = new_execution(self.other, start=False, useanyworker=False)
            self.other.add_execution_worker(execution_id, register(self.other, "computerB"))
            self.other.start_execution(execution_id)
            wait_until(lambda: worker.queue_notices > before, 30, "the task-queued notification")
        return super().pull_task(worker_agent_id, max_tasks)


def test_a_notification_during_a_claim_makes_the_worker_look_again_at_once(pg_catalog, make_worker):
    deploy_sample(pg_catalog)
    catalog = _QueuesDuringTheClaim(pg_catalog.engine.url.render_as_string(hide_password=False))
    try:
        worker = make_worker(catalog, max_tasks=4)
        catalog.worker, catalog.other = worker, pg_catalog
        worker._start_listener()
        wait_until(lambda: worker.listener.healthy and worker.queue_notices > 0, 30, "the LISTEN connection")
        worker._claim()
        assert not worker.attempts and worker.next_claim <= time.monotonic()
    finally:
        catalog.dispose()
