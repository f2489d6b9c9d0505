"""Package messages to catalog.operation_messages: batched, in order, never lost.

Messages wait in memory for at most `interval` seconds, then go in one
append_operation_messages call. When the database cannot take them they are written
to the spool directory (fsynced) and sent, oldest first, once it can. Each message
carries a fresh event_message_guid, so a batch sent twice is stored once.
"""
from __future__ import annotations

import json
import logging
import time
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

from ..catalog import Catalog
from ..errors import CatalogConnectionError
from .state import write_json_atomic

log = logging.getLogger(__name__)


class LogShipper:
    def __init__(self, catalog: Catalog, worker_agent_id: uuid.UUID, spool_dir: Path,
                 batch_size: int = 1000, interval: float = 0.2) -> None:
        self.catalog, self.worker_agent_id, self.spool_dir = catalog, worker_agent_id, spool_dir
        self.batch_size, self.interval = batch_size, interval
        self._buffer: list[dict[str, Any]] = []
        self._oldest: float | None = None
        self._spool_seq = 0

    def add(self, lease_token: uuid.UUID, message_time: datetime, message_type: int, source_type: int,
            message: str) -> None:
        if self._oldest is None:
            self._oldest = time.monotonic()
        self._buffer.append({
            "lease_token": str(lease_token), "event_message_guid": str(uuid.uuid4()),
            "message_time": message_time.isoformat(), "message_type": message_type,
            "message_source_type": source_type, "message": message})

    def pending(self) -> bool:
        return bool(self._buffer) or any(self.spool_dir.glob("*.json"))

    def due_in(self) -> float | None:
        """Seconds until the buffer should be flushed, or None if it is empty."""
        if self._oldest is None:
            return None
        return max(0.0, self._oldest + self.interval - time.monotonic())

    def flush(self, database_up: bool = True) -> None:
        """Sends what is buffered and spooled. Raises CatalogConnectionError (after spooling) when
        the database is away; nothing is dropped."""
        batch, self._buffer, self._oldest = self._buffer, [], None
        spooled = self._spool_files()
        if batch and (spooled or not database_up):
            self._spool(batch)
            batch = []
        if not database_up:
            return
        for path in self._spool_files():
            try:
                self._send(json.loads(path.read_text(encoding="utf-8")))
            except CatalogConnectionError:
                self._spool(batch)
                raise
            path.unlink()
        try:
            self._send(batch)
        except CatalogConnectionError:
            self._spool(batch)
            raise

    def _send(self, messages: list[dict[str, Any]]) -> None:
        for start in range(0, len(messages), self.batch_size):
            self.catalog.append_operation_messages(self.worker_agent_id, messages[start:start + self.batch_size])

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
