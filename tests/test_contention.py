"""Claim correctness under contention, on every backend: 8 workers, 5,000 tasks, each claimed exactly once."""
from __future__ import annotations

import threading
import time
from collections import Counter

from helpers import FOLDER, PROJECT, deploy_sample, register
from scaleout_catalog import Catalog
from workload import queue_executions

TASKS = 5000
WORKERS = 8


def test_concurrent_claims_take_each_task_exactly_once(catalog, catalog_url):
    deploy_sample(catalog)
    queue_executions(catalog, TASKS, FOLDER, PROJECT, "package2")
    workers = [register(catalog, f"host{i}") for i in range(WORKERS)]

    claimed: list[list] = [[] for _ in range(WORKERS)]
    errors: list[BaseException] = []
    deadline = time.monotonic() + 240

    def run(index: int) -> None:
        # Each worker has its own engine: its own connections, as separate processes would.
        own = Catalog(catalog_url, pool_size=1)
        try:
            empty_rounds = 0
            while empty_rounds < 3 and time.monotonic() < deadline:
                batch = own.pull_task(workers[index], 20)
                if not batch:
                    empty_rounds += 1
                    continue
                empty_rounds = 0
                claimed[index].extend(batch)
                outcomes = own.update_tasks_status(workers[index], [(t.task_id, t.lease_token, 5) for t in batch])
                assert all(o.status == 5 for o in outcomes)
        except BaseException as exc:  # surfaced in the main thread below
            errors.append(exc)
        finally:
            own.dispose()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(WORKERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not any(t.is_alive() for t in threads), "a claimer did not finish in time"
    assert errors == []

    all_claims = [t.task_id for batch in claimed for t in batch]
    assert len(all_claims) == TASKS
    assert max(Counter(all_claims).values()) == 1
    assert sum(1 for batch in claimed if batch) > 1              # the work was really shared
    counts = catalog.query("SELECT status, executed_count, COUNT(*) AS n FROM catalog.executions "
                           "GROUP BY status, executed_count")
    assert counts == [{"status": 7, "executed_count": 1, "n": TASKS}]
    assert catalog.query("SELECT COUNT(*) AS n FROM internal.tasks") == [{"n": 0}]
