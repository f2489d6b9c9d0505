"""The event pipe from a package process to the worker.

Each event is one frame: a 4-byte big-endian length, then a JSON array (ASCII: a lone surrogate
travels as its \\ud800 escape, and the worker cleans it). JSON rather than pickle, because the
worker must not run whatever a package process sends it; and the worker reads without ever
blocking, so a process that writes half a frame, or a frame of absurd size, fails its own
attempt and nothing else.

    ("message", ISO 8601 time, message type, text, characters cut from the text)
    ("result", "succeeded" | "failed" | "cancelled", detail or None)
"""
from __future__ import annotations

import codecs
import json
import os
import threading
from datetime import datetime, timezone
from typing import Any

from .messages import Lines, Masker

MAX_FRAME = 4 << 20   # a message is at most 64 Ki characters, which JSON escapes to well under this


class EventStreamError(Exception):
    """The package process sent something that is not an event."""


class EventWriter:
    """The package process's end; thread-safe.

    A frame is never left half written by an exception: the SIGTERM handler (child.py) raises
    PackageCancelled in the main thread, so while the main thread is sending, it leaves the
    exception in `deferred`, and send raises it once the frame is whole.
    """

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._lock = threading.Lock()
        self._main = threading.main_thread()
        self.main_thread_sending = False
        self.deferred: BaseException | None = None

    def send(self, event: tuple) -> None:
        data = json.dumps(event).encode("ascii")
        frame = memoryview(len(data).to_bytes(4, "big") + data)
        main = threading.current_thread() is self._main
        with self._lock:
            self.main_thread_sending = main
            try:
                while frame:
                    frame = frame[os.write(self._fd, frame):]
            except OSError:
                pass   # the worker is gone; this process is about to be killed with it
            finally:
                if main:
                    self.main_thread_sending = False
        if main and self.deferred is not None:
            exc, self.deferred = self.deferred, None
            raise exc

    def close(self) -> None:
        os.close(self._fd)


class EventReader:
    """The worker's end: reads what is there, at most max_bytes a call, and never blocks."""

    def __init__(self, fd: int) -> None:
        os.set_blocking(fd, False)
        self._fd = fd
        self._buffer = bytearray()
        self.eof = False        # every writer has closed the pipe
        self.drained = False    # the last read found the pipe empty
        self.cut_off = 0        # bytes of a last event that never ended (its process was killed mid-write)

    def fileno(self) -> int:
        return self._fd

    def read(self, max_bytes: int = 256 << 10) -> list[list[Any]]:
        """The complete events now readable (up to about max_bytes of them)."""
        got = 0
        self.drained = False
        while got < max_bytes and not self.eof:
            try:
                chunk = os.read(self._fd, min(65536, max_bytes - got))
            except BlockingIOError:
                self.drained = True
                break
            if not chunk:
                self.eof = self.drained = True
                break
            self._buffer += chunk
            got += len(chunk)
        return self._events()

    def _events(self) -> list[list[Any]]:
        events, offset, buffer = [], 0, self._buffer
        while len(buffer) - offset >= 4:
            size = int.from_bytes(buffer[offset:offset + 4], "big")
            if size > MAX_FRAME:
                raise EventStreamError(f"an event of {size} bytes (at most {MAX_FRAME})")
            if len(buffer) - offset - 4 < size:
                break
            try:
                event = json.loads(bytes(buffer[offset + 4:offset + 4 + size]))
            except ValueError as exc:
                raise EventStreamError(f"an event that is not JSON ({exc})") from None
            if not isinstance(event, list) or not event or not isinstance(event[0], str):
                raise EventStreamError(f"an event that is not an array led by its kind: {str(event)[:100]!r}")
            events.append(event)
            offset += 4 + size
        del buffer[:offset]
        if self.eof and buffer:
            self.cut_off = len(buffer)
            buffer.clear()
        return events

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


class OutputReader:
    """The worker's end of the pipe a package process has as fd 1 or fd 2 (C code, subprocesses):
    each line becomes a message event, timed when read, its sensitive values masked. Bytes that are
    not UTF-8 become lone surrogates, which the worker replaces and counts."""

    def __init__(self, fd: int, message_type: int, masker: Masker) -> None:
        os.set_blocking(fd, False)
        self._fd = fd
        self._mask = masker
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="surrogateescape")
        self._lines = Lines(self._line, message_type, masker.line_capacity)
        self._time = ""
        self._pending: list[list[Any]] = []
        self.eof = False
        self.drained = False

    def fileno(self) -> int:
        return self._fd

    def _line(self, message_type: int, text: str, omitted: int) -> None:
        text, omitted = self._mask(text, omitted)
        self._pending.append(["message", self._time, message_type, text, omitted])

    def read(self, max_bytes: int) -> list[list[Any]]:
        got = 0
        self.drained = False
        while got < max_bytes and not self.eof:
            try:
                chunk = os.read(self._fd, min(65536, max_bytes - got))
            except BlockingIOError:
                self.drained = True
                break
            # Timed just after the read: a message the package sends later waits until this read
            # (child._OutputBarrier), so it is timed later.
            self._time = datetime.now(timezone.utc).isoformat()
            if not chunk:
                self.eof = self.drained = True
                self._pending = self.finish()   # all that is pending, its last line too
                break
            got += len(chunk)
            self._lines.feed(self._decoder.decode(chunk))
        events, self._pending = self._pending, []
        return events

    def finish(self) -> list[list[Any]]:
        """The output has ended (or will not be read further): its last line, if it had no newline."""
        self._lines.feed(self._decoder.decode(b"", final=True))
        if self._lines.partial:
            self._time = self._time or datetime.now(timezone.utc).isoformat()
            self._lines.end()
        events, self._pending = self._pending, []
        return events

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


class PackageChannel:
    """All a package process sends the worker: its event pipe and its fd 1 and fd 2 pipes, read as one
    stream of events (EventReader's interface). Output is read first: what reached a pipe before an
    event was sent is older than the event."""

    def __init__(self, events: EventReader, outputs: list[OutputReader]) -> None:
        self._events, self._outputs = events, outputs
        self.exited = False     # the process has ended: output still held open by others is cut at drained

    def fileno(self) -> int:
        return self._events.fileno()

    def readers(self) -> list[Any]:
        """What to wait on: the pipes not yet at their end."""
        return [r for r in (self._events, *self._outputs) if not r.eof]

    @property
    def eof(self) -> bool:
        return self._events.eof and all(o.eof for o in self._outputs)

    @property
    def drained(self) -> bool:
        return all(r.eof or r.drained for r in (self._events, *self._outputs))

    @property
    def cut_off(self) -> int:
        return self._events.cut_off

    def read(self, max_bytes: int = 256 << 10) -> list[list[Any]]:
        events: list[list[Any]] = []
        for output in self._outputs:
            events += output.read(max_bytes)
        events += self._events.read(max_bytes)
        if self.exited and self.drained:
            for output in self._outputs:
                if not output.eof:
                    events += output.finish()
        return events

    def close(self) -> None:
        self._events.close()
        for output in self._outputs:
            output.close()
