"""The worker's state directory: its stable identity, its open leases, its log spool
and its cache of verified project extractions.

    worker.json        {"worker_agent_id": "..."}: the same id across restarts
    lock               held while the worker runs: one worker per state directory
    leases/<task>.json  the attempts this worker holds, to settle after a crash
    spool/*.json       message batches not yet accepted by the database
    projects/<sha256>/ extracted project archives, verified against the catalog checksum
    work/<execution>-<attempt>/  per-attempt working directories
"""
from __future__ import annotations

import fcntl
import json
import os
import shutil
import uuid
from pathlib import Path
from typing import Any

import platformdirs

from ..project.archive import extract_archive


class StateDirInUse(RuntimeError):
    """Another worker process already runs with this state directory."""


def default_state_dir() -> Path:
    return platformdirs.user_state_path("scaleout_catalog") / "worker"


def write_json_atomic(path: Path, data: Any, durable: bool = True) -> None:
    """Writes data so that a crash leaves either the old file or the new one, never half of one.

    durable: fsync before the rename, so that the file also survives a power cut.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f, default=str)
        if durable:
            f.flush()
            os.fsync(f.fileno())
    os.replace(tmp, path)


class WorkerState:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        for sub in ("leases", "spool", "projects", "work"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        self._lock_file = open(self.root / "lock", "a+")
        try:
            fcntl.flock(self._lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StateDirInUse(
                f"another worker is running with state directory {self.root}; "
                "give each worker on this computer its own --state-dir") from None
        self.worker_agent_id = self._identity()

    def _identity(self) -> uuid.UUID:
        path = self.root / "worker.json"
        if path.exists():
            return uuid.UUID(json.loads(path.read_text(encoding="utf-8"))["worker_agent_id"])
        worker_agent_id = uuid.uuid4()
        write_json_atomic(path, {"worker_agent_id": str(worker_agent_id)})
        return worker_agent_id

    @property
    def spool_dir(self) -> Path:
        return self.root / "spool"

    # -- leases held, so that a restarted worker can settle what it held when it died ----------

    def remember_lease(self, task_id: uuid.UUID, lease_token: uuid.UUID, execution_id: int, attempt: int) -> None:
        write_json_atomic(self.root / "leases" / f"{task_id}.json",
                          {"task_id": str(task_id), "lease_token": str(lease_token),
                           "execution_id": execution_id, "attempt": attempt},
                          durable=False)   # only speeds up recovery after a crash; the lease expires anyway

    def forget_lease(self, task_id: uuid.UUID) -> None:
        (self.root / "leases" / f"{task_id}.json").unlink(missing_ok=True)

    def leftover_leases(self) -> list[dict[str, Any]]:
        return [json.loads(p.read_text(encoding="utf-8")) for p in sorted((self.root / "leases").glob("*.json"))]

    # -- projects and working directories -------------------------------------------------------

    def cached_project(self, checksum: str) -> Path | None:
        path = self.root / "projects" / checksum
        return path if path.is_dir() else None

    def extract_project(self, stream: bytes, checksum: str) -> Path:
        return extract_archive(stream, self.root / "projects" / checksum, expected_checksum=checksum)

    def working_directory(self, execution_id: int, attempt: int) -> Path:
        path = self.root / "work" / f"{execution_id}-{attempt}"
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir(parents=True)
        return path

    def remove_working_directory(self, path: Path) -> None:
        shutil.rmtree(path, ignore_errors=True)

    def close(self) -> None:
        self._lock_file.close()
