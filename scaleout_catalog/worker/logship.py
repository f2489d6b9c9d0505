"""Package messages to catalog.operation_messages: batched, in order, bounded, never lost to an outage.

Messages wait in memory for at most `interval` seconds, or until a batch is full (batch_size
messages or batch_chars characters), then go in append_operation_messages calls of at most one
batch each. When the database cannot take them they are written to the spool directory (fsynced)
and sent, oldest first, once it can. Each message carries a fresh event_message_guid, so a batch
sent twice is stored once.

Every message is cleaned as it is added (messages.clean_message: no NUL, no lone surrogate, at most
64 Ki characters, with a note). If the catalog still refuses a batch because of what some record
holds (a value error, or an attempt it does not know), the batch is cleaned again and split in
halves until the refused records stand alone; each of those is sent escaped to ASCII, else replaced
by an error record that says it was dropped and why, else (the catalog refuses even that: its
attempt is unknown) only logged here. A poisoned record never holds back the others, and the spool
never keeps a batch that can never be sent.
"""
from __future__ import annotations

import json
import logging
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from .. import errors
from ..catalog import Catalog
from ..errors import CatalogConnectionError
from ..runtime.messages import MessageSource, MessageType, clean_message, escape_message
from .state import write_json_atomic

log = logging.getLogger(__name__)

# Refusals caused by a record's content, not by the worker or the connection.
REFUSED = (errors.InvalidArgumentValue, errors.NullArgument, errors.TaskNotFound, sa.exc.DataError)
# Names the error records that replace dropped messages, so that a re-sent replacement is stored once.
_DROPPED = uuid.UUID("5a1e0a7e-0d10-4c3e-9f0e-d20bbed0a11d")


class LogShipper:
    def __init__(self, catalog: Catalog, worker_agent_id: uuid.UUID, spool_dir: Path,
                 batch_size: int = 1000, batch_chars: int = 1 << 20, interval: float = 0.2) -> None:
        self.catalog, self.worker_agent_id, self.spool_dir = catalog, worker_agent_id, spool_dir
        self.batch_size, self.batch_chars, self.interval = batch_size, batch_chars, interval
        self._buffer: list[dict[str, Any]] = []
        self._buffer_chars = 0
        self._oldest: float | None = None
        self._spool_seq = 0

    def add(self, lease_token: uuid.UUID, message_time: datetime, message_type: int, source_type: int,
            message: str, omitted: int = 0) -> None:
        """Buffers one message, cleaned; omitted: characters the package process already cut from it."""
        text = clean_message(message, omitted)
        if self._oldest is None:
            self._oldest = time.monotonic()
        self._buffer.append({
            "lease_token": str(lease_token), "event_message_guid": str(uuid.uuid4()),
            "message_time": message_time.isoformat(), "message_type": int(message_type),
            "message_source_type": int(source_type), "message": text})
        self._buffer_chars += len(text)

    def spool_size(self) -> tuple[int, int]:
        """(files, bytes) waiting in the spool directory."""
        files = size = 0
        for path in self._spool_files():
            try:
                size += path.stat().st_size
                files += 1
            except OSError:
                continue     # sent and removed meanwhile
        return files, size

    def full(self) -> bool:
        """A batch is ready: read no more package output until it is flushed (or spooled)."""
        return len(self._buffer) >= self.batch_size or self._buffer_chars >= self.batch_chars

    def pending(self) -> bool:
        return bool(self._buffer) or any(self.spool_dir.glob("*.json"))

    def due_in(self, interval: float | None = None) -> float | None:
        """Seconds until the buffer should be flushed (its oldest message waits at most interval,
        default self.interval), or None if it is empty."""
        if self._oldest is None:
            return None
        if self.full():
            return 0.0
        return max(0.0, self._oldest + (self.interval if interval is None else interval) - time.monotonic())

    def flush(self, database_up: bool = True) -> None:
        """Sends what is buffered and spooled. Raises CatalogConnectionError (after spooling) when
        the database is away; nothing is dropped but what the catalog refuses (see above)."""
        batch, self._buffer, self._buffer_chars, self._oldest = self._buffer, [], 0, None
        if batch and (self._spool_files() or not database_up):
            self._spool(batch)
            batch = []
        if not database_up:
            return
        try:
            for path in self._spool_files():
                records = self._read_spooled(path)
                if records is not None:
                    self._send(records)
                    path.unlink()
            self._send(batch)
        except (CatalogConnectionError, errors.CatalogError):
            self._spool(batch)   # a refusal of the worker itself (not of a record) is kept for later, too
            raise

    def take(self) -> list[dict[str, Any]] | None:
        """What is buffered (perhaps nothing), for the worker to send with its outcomes in one call;
        None when it must go through flush() instead: spooled batches go first, in order, and more
        than one batch goes in several calls."""
        if self._spool_files() or len(self._buffer) > self.batch_size or self._buffer_chars > self.batch_chars:
            return None
        batch, self._buffer, self._buffer_chars, self._oldest = self._buffer, [], 0, None
        return batch

    def put_back(self, batch: list[dict[str, Any]]) -> None:
        """A batch from take() that was not stored (nothing of that call was): ahead of what came since."""
        if not batch:
            return
        self._buffer[:0] = batch
        self._buffer_chars += sum(len(str(r.get("message", ""))) for r in batch)
        self._oldest = time.monotonic() - self.interval     # due now

    def _send(self, messages: list[dict[str, Any]]) -> None:
        start = 0
        while start < len(messages):
            end, chars = start, 0
            while end < len(messages) and end - start < self.batch_size and (end == start or chars < self.batch_chars):
                chars += len(str(messages[end].get("message", "")))
                end += 1
            self._send_batch(messages[start:end])
            start = end

    def _send_batch(self, batch: list[dict[str, Any]]) -> None:
        try:
            self.catalog.append_operation_messages(self.worker_agent_id, batch)
            return
        except REFUSED as exc:
            log.warning("the catalog refused a batch of %d messages (%s); cleaning it again and isolating "
                        "the records it refuses", len(batch), _first_line(exc))
        self._isolate([_cleaned(record) for record in batch])

    def _isolate(self, records: list[dict[str, Any]]) -> None:
        """Sends records; halves any part the catalog refuses, down to single records."""
        try:
            self.catalog.append_operation_messages(self.worker_agent_id, records)
            return
        except REFUSED as exc:
            refusal = exc
        if len(records) > 1:
            middle = len(records) // 2
            self._isolate(records[:middle])
            self._isolate(records[middle:])
        else:
            self._refused(records[0], refusal)

    def _refused(self, record: dict[str, Any], refusal: Exception) -> None:
        """One record the catalog refuses: try it escaped to ASCII, else leave an error record in its place."""
        text = str(record.get("message") or "")
        try:
            self.catalog.append_operation_messages(self.worker_agent_id, [{**record, "message": escape_message(text)}])
            log.warning("stored a refused message escaped to ASCII (%s)", _first_line(refusal))
            return
        except REFUSED as exc:
            refusal = exc
        reason = escape_message(_first_line(refusal)).split(" [scaleout:")[0]
        replacement = {
            "lease_token": record.get("lease_token"),
            "event_message_guid": str(uuid.uuid5(_DROPPED, str(record.get("event_message_guid")))),
            "message_time": _time_of(record), "message_type": int(MessageType.ERROR),
            "message_source_type": int(MessageSource.EXTERNAL_PROCESS),
            "message": f"A message of {len(text)} characters was dropped: the catalog refused it ({reason}). "
                       f"It began: {ascii(text[:100])}"}
        try:
            self.catalog.append_operation_messages(self.worker_agent_id, [replacement])
            log.warning("dropped a message the catalog refused (%s); an error record says so", reason)
        except REFUSED as exc:
            log.warning("dropped a message for lease %s: the catalog refused it (%s), and a record saying so (%s)",
                        record.get("lease_token"), reason, _first_line(exc))

    def _read_spooled(self, path: Path) -> list[dict[str, Any]] | None:
        """A spooled batch, or None if the file cannot be one (it is set aside, not retried forever)."""
        try:
            records = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(records, list) and all(isinstance(r, dict) for r in records):
                return records
            problem = "not a JSON array of messages"
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            problem = _first_line(exc)
        aside = path.with_name(path.name + ".unreadable")
        path.replace(aside)
        log.warning("spool file %s cannot be sent (%s); moved aside to %s", path.name, problem, aside.name)
        return None

    def _spool(self, batch: list[dict[str, Any]]) -> None:
        if not batch:
            return
        self._spool_seq += 1
        # Names sort in the order written: nanoseconds, then a counter for ties.
        path = self.spool_dir / f"{time.time_ns():020d}-{self._spool_seq:06d}.json"
        write_json_atomic(path, batch)
        log.warning("database unavailable: spooled %d messages to %s", len(batch), path.name)

    def _spool_files(self) -> list[Path]:
        return sorted(self.spool_dir.glob("*.json"))


def _cleaned(record: dict[str, Any]) -> dict[str, Any]:
    """The record with its message cleaned again (a spool written before cleaning existed, say)."""
    message = record.get("message")
    return {**record, "message": clean_message(message)} if message is not None else record


def _time_of(record: dict[str, Any]) -> str:
    try:
        return datetime.fromisoformat(str(record.get("message_time"))).isoformat()
    except ValueError:
        return datetime.now(timezone.utc).isoformat()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return (text.splitlines()[0] if text else type(exc).__name__)[:300]
