"""Wake-ups for the control loop: LISTEN/NOTIFY on PostgreSQL, on its own connection.

start_execution and re-queues notify 'scaleout_task_queued'; stop_operation notifies
'scaleout_task_cancelled' with the execution id; a new or enabled schedule notifies
'scaleout_schedule_changed'. Notifications can be missed (a
reconnect, a pooler), so the worker also polls; this only makes it prompt.
"""
from __future__ import annotations

import logging
import threading
from typing import Callable

import psycopg

from .backoff import Backoff

log = logging.getLogger(__name__)
CHANNELS = ("scaleout_task_queued", "scaleout_task_cancelled", "scaleout_schedule_changed")


class PgListener(threading.Thread):
    def __init__(self, conninfo: str, on_notify: Callable[[str, str], None]) -> None:
        super().__init__(name="listen", daemon=True)
        self.conninfo, self.on_notify = conninfo, on_notify
        self.healthy = False
        self._stop = threading.Event()

    def run(self) -> None:
        backoff = Backoff(first=0.5, cap=10.0)
        while not self._stop.is_set():
            try:
                with psycopg.connect(self.conninfo, autocommit=True, connect_timeout=5,
                                     application_name="scaleout worker listener") as conn:
                    for channel in CHANNELS:
                        conn.execute(f"LISTEN {channel}")
                    self.healthy = True
                    backoff.reset()
                    self.on_notify("connected", "")   # notifications sent while away are lost: look now
                    while not self._stop.is_set():
                        for note in conn.notifies(timeout=1.0):
                            self.on_notify(note.channel, note.payload)
            except psycopg.Error as exc:
                if self.healthy:
                    log.warning("LISTEN connection lost (%s); polling until it is back", str(exc).strip())
                self.healthy = False
                self._stop.wait(backoff.next_delay())
        self.healthy = False

    def stop(self) -> None:
        self._stop.set()
