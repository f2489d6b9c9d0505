"""The worker's state directory: its stable identity, its open leases, its log spool
and its cache of verified project extractions.

    worker.json        {"worker_agent_id": "..."}: the same id across restarts
    lock               held while the worker runs: one worker per state directory
    leases/<task>.json  the attempts this worker holds, to settle after a crash
    spool/*.json       message batches not yet accepted by the database
    projects/<sha256>/ extracted project archives, verified against the catalog checksum:
                       project/ (the files) and files.json (their sizes, times and SHA-256)
    work/<execution>-<attempt>/  per-attempt working directories
    trash/             working directories left non-empty, being removed in the background
"""
from __future__ import annotations

import fcntl
import json
import os
import queue
import re
import shutil
import tempfile
import threading
import uuid
from pathlib import Path
from typing import Any

import platformdirs

from ..project.archive import ArchiveError, extract_archive, tree_matches, tree_record


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
        for sub in ("leases", "spool", "projects", "work", "trash"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        self._lock_file = open(self.root / "lock", "a+")
        try:
            fcntl.flock(self._lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StateDirInUse(
                f"another worker is running with state directory {self.root}; "
                "give each worker on this computer its own --state-dir") from None
        self.worker_agent_id = self._identity()
        self._verified: set[str] = set()   # checksums whose extraction this process has hashed
        self._records: dict[str, tuple[tuple[int, int, int], Any]] = {}   # checksum -> (files.json's stat, its record)
        self._trash_queue: queue.SimpleQueue[Path | None] | None = None
        self._trash_thread: threading.Thread | None = None

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
        """The extracted project for this archive checksum, or None if there is none to trust.

        An extraction is used only if its files are as extracted (sizes and times; their SHA-256
        too the first time this process uses it); a damaged one is removed, to be extracted again.
        """
        entry = self._project_entry(checksum)
        if not os.path.lexists(entry):
            return None
        record = self._record(entry / "files.json", checksum)
        if record is None or not tree_matches(entry / "project", record, thorough=checksum not in self._verified):
            _discard(entry)
            return None
        self._verified.add(checksum)
        return entry / "project"

    def _record(self, path: Path, checksum: str) -> Any:
        """files.json's record of an extraction, parsed again only when the file has changed since."""
        try:
            info = os.stat(path)
            key = (info.st_ino, info.st_size, info.st_mtime_ns)
            cached = self._records.get(checksum)
            if cached is not None and cached[0] == key:
                return cached[1]
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        self._records[checksum] = (key, record)
        return record

    def extract_project(self, stream: bytes, checksum: str) -> Path:
        """Checks and extracts the archive, all or nothing: projects/<checksum>/ appears (by one rename)
        only once its files and their record are complete. Raises ArchiveError for a bad archive and
        for an extraction that fails (e.g. a full disk)."""
        entry = self._project_entry(checksum)
        projects = entry.parent
        for leftover in [*projects.glob(".extract-*"), *projects.glob(".discard-*")]:
            _remove(leftover)                             # of an earlier crash: this process holds the state dir
        if os.path.lexists(entry):
            _discard(entry)                               # damaged, or extracted by an older version
        try:
            staging = Path(tempfile.mkdtemp(prefix=".extract-", dir=projects))
        except OSError as exc:
            raise ArchiveError(f"cannot extract the archive into {projects}: {exc.strerror or exc}") from None
        try:
            extract_archive(stream, staging / "project", expected_checksum=checksum)
            write_json_atomic(staging / "files.json", tree_record(staging / "project"))
            staging.rename(entry)
        except OSError as exc:
            raise ArchiveError(f"cannot extract the archive into {projects}: {exc.strerror or exc}") from None
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        self._verified.add(checksum)
        return entry / "project"

    def _project_entry(self, checksum: str) -> Path:
        if not re.fullmatch(r"[0-9a-f]{64}", checksum or ""):   # it names a directory: never a path
            raise ArchiveError(f"the catalog's checksum {checksum!r} is not a SHA-256")
        return self.root / "projects" / checksum

    def working_directory(self, execution_id: int, attempt: int) -> Path:
        """A fresh, empty work/<execution>-<attempt>/: one mkdir (a leftover of a crash is cleared first)."""
        path = self.root / "work" / f"{execution_id}-{attempt}"
        try:
            os.mkdir(path)
        except FileExistsError:
            self.remove_working_directory(path)
            os.mkdir(path)
        return path

    def remove_working_directory(self, path: Path) -> None:
        """One rmdir when the package left it empty; otherwise one rename into trash/, which a
        background thread empties, so that the worker loop never walks a tree."""
        try:
            os.rmdir(path)
            return
        except FileNotFoundError:
            return
        except OSError:
            pass
        doomed = self.root / "trash" / uuid.uuid4().hex
        try:
            os.rename(path, doomed)
        except OSError:
            shutil.rmtree(path, ignore_errors=True)
            return
        self._trash().put(doomed)

    def _trash(self) -> "queue.SimpleQueue[Path | None]":
        if self._trash_queue is None:
            self._trash_queue = queue.SimpleQueue()
            for leftover in (self.root / "trash").iterdir():       # of an earlier run
                self._trash_queue.put(leftover)
            self._trash_thread = threading.Thread(target=_empty_trash, args=(self._trash_queue,),
                                                  name="trash", daemon=True)
            self._trash_thread.start()
        return self._trash_queue

    def close(self) -> None:
        if self._trash_thread is not None:
            self._trash_queue.put(None)
            self._trash_thread.join(10)
        self._lock_file.close()


def _empty_trash(doomed: "queue.SimpleQueue[Path | None]") -> None:
    while (path := doomed.get()) is not None:
        shutil.rmtree(path, ignore_errors=True)


def _discard(path: Path) -> None:
    """Removes a cache entry; renamed first, so that a removal cut short never leaves a usable-looking one."""
    doomed = path.with_name(f".discard-{uuid.uuid4().hex}")
    try:
        path.rename(doomed)
    except OSError:
        doomed = path
    _remove(doomed)


def _remove(path: Path) -> None:
    """Best effort: what stays behind is never used (only a complete, matching entry is)."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        try:
            path.unlink(missing_ok=True)
        except OSError:
            pass
