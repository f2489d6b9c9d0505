"""`scaleout worker run --metrics-port`: a real worker's own metrics, parsed as Prometheus reads them."""
from __future__ import annotations

import socket
import urllib.request

from prometheus_client.parser import text_string_to_metric_families

from helpers import run_scaleout
from web_server import free_port
from workers import deploy_test_project, run_execution, wait_terminal, wait_until


def scrape(port: int) -> dict[str, float]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as reply:
        text = reply.read().decode()
    return {s.name: s.value for family in text_string_to_metric_families(text) for s in family.samples}


def test_a_worker_serves_its_own_metrics(pg_catalog, pg_workers):
    deploy_test_project(pg_catalog)
    port = free_port()
    worker = pg_workers.start_enabled("m", "--metrics-port", str(port), "--max-tasks", "3")

    def served():
        try:
            return scrape(port)
        except OSError:
            return None
    metrics = wait_until(served, 30, "the metrics endpoint")
    assert metrics["scaleout_worker_max_tasks"] == 3 and metrics["scaleout_worker_running_tasks"] == 0
    executions = [run_execution(pg_catalog, "noop") for _ in range(3)]
    wait_terminal(pg_catalog, executions, 60)
    metrics = wait_until(lambda: (m := scrape(port))["scaleout_worker_attempts_reported_total"] >= 3 and m, 30,
                         "the reports to be counted")
    assert metrics["scaleout_worker_claims_total"] == 3 and metrics["scaleout_worker_claim_calls_total"] >= 1
    assert metrics["scaleout_worker_enabled"] == 1 and metrics["scaleout_worker_catalog_reachable"] == 1
    assert metrics["scaleout_worker_spool_files"] == 0 and metrics["scaleout_worker_running_tasks"] == 0
    assert worker.alive()


def test_a_metrics_port_in_use_is_one_line(pg_url, tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_scaleout("worker", "run", "--url", pg_url, "--state-dir", str(tmp_path / "w"),
                              "--metrics-port", str(port), timeout=60)
    assert result.returncode == 1 and f"cannot serve metrics on 127.0.0.1:{port}" in result.stderr
