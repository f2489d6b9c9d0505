"""Real worker processes for the tests: started with the CLI, always stopped."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any, Callable

PROJECT_DIR = Path(__file__).parent / "projects" / "testproject"
PROJECT = "testproject"
FOLDER = "testfolder"
TERMINAL = {3, 4, 6, 7, 9}


def wait_until(predicate: Callable[[], Any], timeout: float, what: str, interval: float = 0.05) -> Any:
    """Polls predicate until it returns something truthy; fails the test after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


class WorkerProcess:
    """`scaleout worker run` in a subprocess, with its own state directory and log file."""

    def __init__(self, url: str, state_dir: Path, *args: str) -> None:
        self.url, self.state_dir, self.args = url, Path(state_dir), args
        self.log_path = self.state_dir.with_name(self.state_dir.name + ".log")
        self.proc: subprocess.Popen | None = None
        self.started_at = 0.0

    def start(self) -> "WorkerProcess":
        self.state_dir.parent.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")
        self.started_at = time.monotonic()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "scaleout_catalog.cli", "worker", "run", "--url", self.url,
             "--state-dir", str(self.state_dir), *self.args],
            stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        log.close()
        return self

    @property
    def worker_agent_id(self) -> uuid.UUID:
        path = self.state_dir / "worker.json"
        wait_until(path.exists, 30, f"{path} to be written")
        return uuid.UUID(json.loads(path.read_text())["worker_agent_id"])

    def output(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def terminate(self, timeout: float = 60) -> int:
        """SIGTERM, as a service manager stops it; returns the exit code."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"worker did not exit within {timeout} s of SIGTERM:\n{self.output()}")

    def kill(self) -> None:
        if self.alive():
            self.proc.kill()
            self.proc.wait(10)


class Workers:
    """Starts workers on one catalog; stop_all() ends every one of them (the fixture calls it)."""

    def __init__(self, url: str, root: Path, catalog) -> None:
        self.url, self.root, self.catalog = url, root, catalog
        self.started: list[WorkerProcess] = []

    def start(self, name: str, *args: str) -> WorkerProcess:
        worker = WorkerProcess(self.url, self.root / name, *args).start()
        self.started.append(worker)
        return worker

    def start_enabled(self, name: str, *args: str) -> WorkerProcess:
        """Starts a worker, waits until it has registered, and enables it (as an admin would)."""
        worker = self.start(name, *args)
        worker_agent_id = worker.worker_agent_id
        wait_until(lambda: self.catalog.worker_agent(worker_agent_id), 30, f"worker {name} to register")
        self.catalog.enable_worker_agent(worker_agent_id)
        return worker

    def stop_all(self) -> None:
        for worker in self.started:
            if worker.alive():
                worker.proc.send_signal(signal.SIGTERM)
        for worker in self.started:
            if worker.proc is not None:
                try:
                    worker.proc.wait(20)
                except subprocess.TimeoutExpired:
                    worker.kill()


def deploy_test_project(catalog) -> None:
    from scaleout_catalog.project import deploy
    deploy(catalog, PROJECT_DIR, FOLDER, create_folder=True)


def run_execution(catalog, package: str, retry_count: int = 0, params: dict[str, Any] | None = None,
                  workers: list[uuid.UUID] | None = None) -> int:
    execution_id = catalog.create_execution(FOLDER, PROJECT, package, useanyworker=workers is None)
    for name, value in (params or {}).items():
        catalog.set_execution_parameter_value(execution_id, 30, name, value)
    for worker_agent_id in workers or []:
        catalog.add_execution_worker(execution_id, worker_agent_id)
    catalog.start_execution(execution_id, retry_count=retry_count)
    return execution_id


def wait_terminal(catalog, execution_ids: list[int], timeout: float) -> dict[int, Any]:
    def done():
        rows = {i: catalog.execution(i) for i in execution_ids}
        return rows if all(r.status in TERMINAL for r in rows.values()) else None
    return wait_until(done, timeout, f"executions {execution_ids} to end", interval=0.1)


def package_lines(catalog, execution_id: int) -> list[str]:
    """The package's own messages (source 30), in catalog order."""
    return [m.message for m in catalog.operation_messages(execution_id) if m.message_source_type == 30]
