"""/metrics in Prometheus's text format, read from the catalog's views under the server's own login."""
from __future__ import annotations

import logging
from typing import Iterator

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from ..catalog import Catalog
from ..models import STATUS_NAMES

log = logging.getLogger("scaleout.web")


class CatalogCollector(Collector):
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def collect(self) -> Iterator[GaugeMetricFamily]:
        up = GaugeMetricFamily("scaleout_catalog_up", "1 if the catalog database answered this scrape, else 0")
        try:
            queue = self.catalog.queue_summary()
            workers = self.catalog.worker_summary()
            by_status = self.catalog.execution_status_counts()
        except Exception as exc:  # noqa: BLE001  (a scrape reports the outage; the server logs why)
            log.warning("metrics: the catalog did not answer: %s", exc)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        for name, help_text, value in (
                ("scaleout_queue_depth", "Tasks queued for a worker", queue["queued_tasks"]),
                ("scaleout_oldest_queued_seconds", "Age of the oldest queued task", queue["oldest_queued_seconds"]),
                ("scaleout_running_tasks", "Tasks running on workers", queue["running_tasks"]),
                ("scaleout_task_slots_online", "Task slots of enabled, online workers", workers["task_slots_online"]),
                ("scaleout_executions_started_last_hour", "Executions started in the last hour",
                 queue["started_last_hour"])):
            yield GaugeMetricFamily(name, help_text, value=float(value or 0))
        pickup = GaugeMetricFamily("scaleout_pickup_latency_seconds",
                                   "From start_execution to the first claim, over the last hour's executions",
                                   labels=["stat"])
        for stat in ("avg", "max"):
            value = queue[f"pickup_{stat}_ms_last_hour"]
            if value is not None:
                pickup.add_metric([stat], float(value) / 1000.0)
        yield pickup
        states = GaugeMetricFamily("scaleout_workers", "Worker agents by state", labels=["state"])
        for state in ("online", "offline", "disabled"):
            states.add_metric([state], float(workers[f"workers_{state}"]))
        yield states
        executions = GaugeMetricFamily("scaleout_executions", "Executions in the catalog by status", labels=["status"])
        for code, name in STATUS_NAMES.items():
            executions.add_metric([name.replace(" ", "_")], float(by_status.get(code, 0)))
        yield executions


def render(catalog: Catalog) -> bytes:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(CatalogCollector(catalog))
    return generate_latest(registry)
