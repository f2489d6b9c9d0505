"""`scaleout worker run --metrics-port`: the worker's own metrics in Prometheus's text format, served by
prometheus_client on a thread of its own; read from the worker's counters, never from the catalog."""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from prometheus_client import CollectorRegistry, start_http_server
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

if TYPE_CHECKING:
    from .agent import Worker


class WorkerCollector(Collector):
    def __init__(self, worker: "Worker") -> None:
        self.worker = worker

    def collect(self) -> Iterator[GaugeMetricFamily | CounterMetricFamily]:
        w = self.worker
        files, size = w.logs.spool_size()
        for name, help_text, value in (
                ("scaleout_worker_running_tasks", "Attempts this worker holds (running or being reported)",
                 len(w.attempts)),
                ("scaleout_worker_max_tasks", "Attempts this worker runs at once (--max-tasks)", w.options.max_tasks),
                ("scaleout_worker_enabled", "1 if the catalog has this worker enabled", int(w.enabled)),
                ("scaleout_worker_catalog_reachable", "1 if the last call to the catalog succeeded",
                 int(not w.backoff.failures)),
                ("scaleout_worker_spool_files", "Message batches spooled to disk while the catalog was away", files),
                ("scaleout_worker_spool_bytes", "Bytes of spooled message batches", size)):
            yield GaugeMetricFamily(name, help_text, value=float(value))
        for name, help_text, value in (
                ("scaleout_worker_claims", "Task attempts this worker claimed", w.counters["claims"]),
                ("scaleout_worker_claim_calls", "Calls this worker made to claim tasks, empty ones included",
                 w.counters["claim_calls"]),
                ("scaleout_worker_lease_renewals", "Leases this worker renewed", w.counters["renewals"]),
                ("scaleout_worker_attempts_reported", "Attempt outcomes this worker reported", w.counters["reported"]),
                ("scaleout_worker_scheduled_executions", "Executions this worker started for due schedules",
                 w.counters["scheduled"])):
            yield CounterMetricFamily(name, help_text, value=float(value))


def serve(worker: "Worker", port: int, host: str = "127.0.0.1") -> None:
    """Starts the metrics endpoint (http://host:port/metrics) on a daemon thread; OSError if it cannot bind."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(WorkerCollector(worker))
    start_http_server(port, addr=host, registry=registry)
