"""The worker's state directory: its stable identity, its open leases, its log spool
and its cache of verified project extractions.

    worker.json        {"worker_agent_id": "..."}: the same id across restarts
    lock               held while the worker runs: one worker per state directory
    leases.log         the attempts this worker holds, to settle after a crash: one JSON line per
                       claim ({"held": ...}) and per end ({"done": task id}), appended; rewritten
                       with only the open ones at start and whenever it grows past LEASE_LOG_LIMIT
    spool/*.json       message batches not yet accepted by the database
    projects/<sha256>/ extracted project archives, verified against the catalog checksum:
                       project/ (the files) and files.json (their sizes, times and SHA-256)
    work/<execution>-<attempt>/  per-attempt working directories (each a new directory: made ahead
                       as work/.ready-*, renamed when an attempt starts, removed when it ends)
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

# leases.log is rewritten with only the open leases once it is this large (two short lines an attempt)
LEASE_LOG_LIMIT = 1 << 20


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
        for sub in ("spool", "projects", "work", "trash"):
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
        self._work = str(self.root / "work")
        self._ready: list[str] = []        # new, empty working directories, made ahead (prepare_working_directories)
        for leftover in (self.root / "work").glob(".ready-*"):     # of an earlier run
            self.remove_working_directory(leftover)
        self._leftover = self._read_leases()        # held when the last run ended: settled by the worker
        self._held: dict[str, dict[str, Any]] = {}
        self._lease_log = -1
        self._lease_log_size = 0
        self._rewrite_lease_log()
        if (self.root / "leases").is_dir():         # an older version's lease files: taken over into the log
            shutil.rmtree(self.root / "leases", ignore_errors=True)

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
    # One append to an open file an event, not a file each: two of those (write, rename, unlink) were a
    # tenth of a no-op execution's cost in the worker. Not synced: the log only speeds up recovery after
    # a crash; a lease it forgets expires anyway.

    def remember_lease(self, task_id: uuid.UUID, lease_token: uuid.UUID, execution_id: int, attempt: int) -> None:
        record = {"task_id": str(task_id), "lease_token": str(lease_token), "execution_id": execution_id,
                  "attempt": attempt}
        self._held[record["task_id"]] = record
        self._append({"held": record})

    def forget_lease(self, task_id: uuid.UUID) -> None:
        key = str(task_id)
        if self._held.pop(key, None) is not None or self._leftover.pop(key, None) is not None:
            self._append({"done": key})

    def leftover_leases(self) -> list[dict[str, Any]]:
        """The leases this state directory held when its last worker process ended, not yet forgotten."""
        return [self._leftover[k] for k in sorted(self._leftover)]

    def _append(self, entry: dict[str, Any]) -> None:
        line = (json.dumps(entry) + "\n").encode()
        if self._lease_log_size + len(line) > LEASE_LOG_LIMIT:
            self._rewrite_lease_log()
        os.write(self._lease_log, line)       # O_APPEND: one write, one whole line
        self._lease_log_size += len(line)

    def _read_leases(self) -> dict[str, dict[str, Any]]:
        held: dict[str, dict[str, Any]] = {}
        older = self.root / "leases"          # an older version's: leases/<task>.json, one file a lease
        for path in sorted(older.glob("*.json")) if older.is_dir() else []:
            try:
                record = _lease_record(json.loads(path.read_text(encoding="utf-8")))
            except (OSError, ValueError):
                continue
            if record is not None:
                held[record["task_id"]] = record
        try:
            lines = (self.root / "leases.log").read_bytes().splitlines()
        except FileNotFoundError:
            lines = []
        for line in lines:
            try:
                entry = json.loads(line)
            except ValueError:
                continue      # a line cut short by a crash
            if not isinstance(entry, dict):
                continue
            record = _lease_record(entry.get("held"))
            if record is not None:
                held[record["task_id"]] = record
            elif isinstance(entry.get("done"), str):
                held.pop(entry["done"], None)
        return held

    def _rewrite_lease_log(self) -> None:
        """leases.log with only the open leases, by one rename; then appended to."""
        path = self.root / "leases.log"
        tmp = path.with_name(f".leases.log.{os.getpid()}.tmp")
        data = "".join(json.dumps({"held": r}) + "\n" for r in [*self._leftover.values(), *self._held.values()])
        tmp.write_text(data, encoding="utf-8")
        os.replace(tmp, path)
        if self._lease_log >= 0:
            os.close(self._lease_log)
        self._lease_log = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CLOEXEC)
        self._lease_log_size = len(data.encode())

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
        """A new, empty work/<execution>-<attempt>/: one rename of a directory made ahead, else one mkdir
        (a leftover of a crash is cleared first). Never a directory an earlier attempt used: a process
        that attempt left behind keeps a removed directory as its own, not the next attempt's."""
        path = f"{self._work}/{execution_id}-{attempt}"
        while self._ready:
            ready = self._ready.pop()
            try:
                os.rename(ready, path)                  # onto an empty leftover too: it is replaced
                return Path(path)
            except FileNotFoundError:
                continue                                # removed by someone: take the next
            except OSError:
                self._ready.append(ready)               # a leftover with files in it: cleared below
                break
        try:
            os.mkdir(path)
        except FileExistsError:
            self.remove_working_directory(Path(path))
            os.mkdir(path)
        return Path(path)

    def prepare_working_directories(self, count: int) -> None:
        """Makes new working directories ahead, up to count, so that starting an attempt is one rename;
        the worker calls it after its spawn requests, off the path from claim to package."""
        try:
            while len(self._ready) < count:
                path = f"{self._work}/.ready-{uuid.uuid4().hex}"
                os.mkdir(path)
                self._ready.append(path)
        except OSError:
            pass        # working_directory() makes one itself, and reports why it cannot

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
        for path in self._ready:
            self.remove_working_directory(Path(path))
        self._ready.clear()
        if self._lease_log >= 0:
            os.close(self._lease_log)
            self._lease_log = -1
        if self._trash_thread is not None:
            self._trash_queue.put(None)
            self._trash_thread.join(10)
        self._lock_file.close()


def _lease_record(value: Any) -> dict[str, Any] | None:
    """A lease as remember_lease wrote it, or None for anything else (a damaged or edited file): the worker
    settles each with the catalog at start, which it must not trip over."""
    if not isinstance(value, dict):
        return None
    try:
        task_id, lease_token = uuid.UUID(value["task_id"]), uuid.UUID(value["lease_token"])
        execution_id, attempt = value["execution_id"], value["attempt"]
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    if type(execution_id) is not int or type(attempt) is not int:
        return None
    return {"task_id": str(task_id), "lease_token": str(lease_token), "execution_id": execution_id, "attempt": attempt}


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
