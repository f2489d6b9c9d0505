"""Runs one package attempt inside its own process (forked from the fork server).

Everything the package says reaches the worker over one pipe, in the order it was
said: log records, print() output (line by line), and output written straight to
file descriptors 1 and 2 by C code or subprocesses. The last event is the outcome.
"""
from __future__ import annotations

import codecs
import ctypes
import importlib
import io
import logging
import os
import signal
import sys
import threading
import traceback
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..project.manifest import parse_value
from .context import Context, PackageCancelled
from .events import EventWriter
from .messages import MAX_MESSAGE_CHARS, MessageType, message_type_for

_PR_SET_PDEATHSIG = 1
MASK = "********"


@dataclass(frozen=True)
class PackageSpec:
    """What the worker hands the package process."""

    execution_id: int
    package_name: str
    entry_point: str
    attempt: int
    max_attempts: int
    project_directory: str
    working_directory: str
    # (object_type 20 project / 30 package, name, data type, value as text, sensitive)
    parameters: tuple[tuple[int, str, str, str | None, bool], ...]


class Emitter:
    """Sends events to the worker; thread-safe; masks sensitive values in every message.

    A message longer than MAX_MESSAGE_CHARS is cut here, so that no event is unbounded; the
    worker cleans and notes it (messages.clean_message), since a package can bypass all of this.
    """

    def __init__(self, writer: EventWriter, secrets: list[str]) -> None:
        self._writer = writer
        self._secrets = sorted((s for s in secrets if s), key=len, reverse=True)
        # Lines are buffered up to this, so that a secret across the cut is still masked whole.
        self.line_capacity = MAX_MESSAGE_CHARS + (len(self._secrets[0]) if self._secrets else 0)

    def message(self, message_type: int, text: str, omitted: int = 0) -> None:
        for secret in self._secrets:
            text = text.replace(secret, MASK)
        if len(text) > MAX_MESSAGE_CHARS:
            omitted += len(text) - MAX_MESSAGE_CHARS
            text = text[:MAX_MESSAGE_CHARS]
        self.send(("message", datetime.now(timezone.utc).isoformat(), int(message_type), text, omitted))

    def send(self, event: tuple) -> None:
        self._writer.send(event)


class _Lines:
    """Splits written text into lines, holding at most the emitter's line_capacity characters of the
    current one: the rest of a longer line is counted, not kept (a package may write megabytes
    without a newline)."""

    def __init__(self, emitter: Emitter, message_type: MessageType) -> None:
        self._emitter, self._type = emitter, message_type
        self._line, self._omitted = "", 0

    def feed(self, text: str) -> None:
        *complete, rest = text.split("\n")
        for piece in complete:
            self._append(piece)
            self.end()
        self._append(rest)

    def _append(self, piece: str) -> None:
        room = self._emitter.line_capacity - len(self._line)
        if len(piece) > room:
            self._omitted += len(piece) - room
            piece = piece[:room]
        self._line += piece

    @property
    def partial(self) -> bool:
        return bool(self._line or self._omitted)

    def end(self) -> None:
        """The current line is complete (a newline, or the end of the output)."""
        line, omitted, self._line, self._omitted = self._line, self._omitted, "", 0
        self._emitter.message(self._type, line.removesuffix("\r"), omitted)


class _LineWriter(io.TextIOBase):
    """sys.stdout / sys.stderr: each complete line becomes one message."""

    def __init__(self, emitter: Emitter, message_type: MessageType) -> None:
        self._lines = _Lines(emitter, message_type)
        self._lock = threading.Lock()

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        with self._lock:
            self._lines.feed(text)
        return len(text)

    def flush(self) -> None:
        with self._lock:
            if self._lines.partial:
                self._lines.end()


class _Handler(logging.Handler):
    def __init__(self, emitter: Emitter) -> None:
        super().__init__(logging.DEBUG)
        self._emitter = emitter
        self.setFormatter(logging.Formatter("%(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self._emitter.message(message_type_for(record.levelno), self.format(record))
        except Exception:   # a bad record must not break the package
            self.handleError(record)


def _forward_fd(fd: int, emitter: Emitter, message_type: MessageType) -> threading.Thread:
    """Points file descriptor fd at a pipe whose lines become messages (output of C code, subprocesses)."""
    read_end, write_end = os.pipe()
    os.dup2(write_end, fd)
    os.close(write_end)

    def pump() -> None:
        # Bytes that are not UTF-8 become lone surrogates, which the worker replaces and counts.
        decoder = codecs.getincrementaldecoder("utf-8")(errors="surrogateescape")
        lines = _Lines(emitter, message_type)
        while chunk := os.read(read_end, 65536):
            lines.feed(decoder.decode(chunk))
        lines.feed(decoder.decode(b"", final=True))
        if lines.partial:
            lines.end()
        os.close(read_end)

    thread = threading.Thread(target=pump, name=f"fd{fd}", daemon=True)
    thread.start()
    return thread


def _drain_fds(pumps: list[threading.Thread]) -> None:
    """Closes fds 1 and 2 so their pumps read to the end (unless a subprocess still holds them)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    for fd in (1, 2):
        os.dup2(devnull, fd)
    for thread in pumps:
        thread.join(timeout=0.5)


def _die_with_parent() -> None:
    """The package process dies with the fork server, which dies with the worker (Linux)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


def typed_parameters(spec: PackageSpec) -> tuple[dict[str, Any], dict[str, Any]]:
    project: dict[str, Any] = {}
    package: dict[str, Any] = {}
    for object_type, name, data_type, value, _sensitive in spec.parameters:
        target = project if object_type == 20 else package
        target[name] = None if value is None else parse_value(data_type, value)
    return project, package


def run_package(spec: PackageSpec, writer: EventWriter) -> None:
    """The package process's main: set up, call the entry point, report the outcome."""
    parent_pid = os.getppid()        # the fork server
    os.setsid()                      # its own process group: the worker stops it and its children at once
    _die_with_parent()
    if os.getppid() != parent_pid:   # the fork server died before PDEATHSIG was armed
        os._exit(1)
    secrets = [value for _t, _n, _d, value, sensitive in spec.parameters if sensitive and value]
    emitter = Emitter(writer, secrets)
    pumps: list[threading.Thread] = []
    try:
        os.chdir(spec.working_directory)
        pumps = [_forward_fd(1, emitter, MessageType.INFORMATION), _forward_fd(2, emitter, MessageType.WARNING)]
        sys.stdout = _LineWriter(emitter, MessageType.INFORMATION)
        sys.stderr = _LineWriter(emitter, MessageType.WARNING)
        root = logging.getLogger()
        root.handlers[:] = [_Handler(emitter)]
        root.setLevel(logging.INFO)
        project_params, package_params = typed_parameters(spec)
        context = Context(
            execution_id=spec.execution_id, package_name=spec.package_name, attempt=spec.attempt,
            max_attempts=spec.max_attempts, parameters={**project_params, **package_params},
            project_parameters=project_params, package_parameters=package_params,
            logger=logging.getLogger(f"package.{spec.package_name}"),
            working_directory=Path(spec.working_directory), project_directory=Path(spec.project_directory))
        _on_sigterm(context, writer)
        sys.path.insert(0, spec.project_directory)
        module_name, _, function_name = spec.entry_point.partition(":")
        function = getattr(importlib.import_module(module_name), function_name)
        function(context)
        outcome = ("result", "succeeded", None)
    except PackageCancelled as exc:
        outcome = ("result", "cancelled", str(exc))
    except BaseException as exc:  # noqa: BLE001  (any failure of the package is its outcome)
        text = "".join(traceback.format_exception(exc))
        emitter.message(MessageType.ERROR, f"Package {spec.package_name} failed:\n{text.rstrip()}")
        outcome = ("result", "failed", f"{type(exc).__name__}: {exc}")
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)   # the package has ended: a late stop changes nothing here
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:  # noqa: BLE001
                pass
        _drain_fds(pumps)
    emitter.send(outcome)
    writer.close()
    os._exit(0 if outcome[1] == "succeeded" else 1)


def _on_sigterm(context: Context, writer: EventWriter) -> None:
    def handler(signum: int, frame: Any) -> None:
        if not context.cancelled.is_set():
            context.cancelled.set()
            cancelled = PackageCancelled(f"execution {context.execution_id} was stopped")
            if writer.main_thread_sending:
                writer.deferred = cancelled   # raised once the event being written is whole
                return
            raise cancelled

    signal.signal(signal.SIGTERM, handler)
