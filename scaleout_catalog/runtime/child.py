"""Runs one package attempt inside its own process (forked from the fork server).

Everything the package says through Python reaches the worker over one pipe, in the
order it was said: log records and print() output (line by line); the last event is the
outcome. Output written straight to file descriptors 1 and 2 (C code, subprocesses) goes
down two more pipes that the worker itself reads: no thread in this process for it, and
a message waits until the output written before it has been read (_OutputBarrier).
"""
from __future__ import annotations

import array
import ctypes
import fcntl
import importlib
import io
import logging
import os
import signal
import sys
import termios
import threading
import time
import traceback
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

from ..values import parse_value
from .context import Context, PackageCancelled
from .events import EventWriter
from .messages import MASK, Lines, Masker, MessageType, message_type_for

_PR_SET_PDEATHSIG = 1
__all__ = ["MASK", "Emitter", "PackageSpec", "run_package"]


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
    barrier: called before a message is timed, so that output written to fds 1 and 2 before it
    (which the worker reads and times) is ordered before it.
    """

    def __init__(self, writer: EventWriter, secrets: list[str], barrier: Callable[[], None] | None = None) -> None:
        self._writer = writer
        self._mask = Masker(secrets)
        self._barrier = barrier
        self.line_capacity = self._mask.line_capacity

    def message(self, message_type: int, text: str, omitted: int = 0) -> None:
        text, omitted = self._mask(text, omitted)
        if self._barrier is not None:
            self._barrier()
        self.send(("message", datetime.now(timezone.utc).isoformat(), int(message_type), text, omitted))

    def send(self, event: tuple) -> None:
        self._writer.send(event)


def _Lines(emitter: Emitter, message_type: MessageType) -> Lines:
    return Lines(emitter.message, message_type, emitter.line_capacity)


class _OutputBarrier:
    """Output written to fds 1 and 2 goes down pipes that the worker reads (no thread in this
    process). Before a message is timed, what those pipes hold must have been read, and so timed
    by the worker, first: this waits (briefly, bounded) until the worker has read them."""

    def __init__(self, fds: tuple[int, ...]) -> None:
        self._fds = fds
        self._count = array.array("i", [0])

    def _pending(self) -> int:
        total = 0
        for fd in self._fds:
            try:
                fcntl.ioctl(fd, termios.FIONREAD, self._count)   # bytes in the pipe (Linux: either end)
            except OSError:
                continue
            total += self._count[0]
        return total

    def __call__(self) -> None:
        before = self._pending()
        if not before:
            return
        deadline, delay = time.monotonic() + 0.05, 0.0001
        while True:
            time.sleep(delay)
            now = self._pending()
            # empty, or less than before: the worker has read (a read takes all a pipe holds)
            if now == 0 or now < before or time.monotonic() > deadline:
                break
            before, delay = now, min(delay * 2, 0.005)
        time.sleep(0.0002)   # the worker times what it read just after the read


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


_FORMATTER = logging.Formatter("%(message)s")    # stateless: made once, in the fork server


class _Handler(logging.Handler):
    def __init__(self, emitter: Emitter) -> None:
        super().__init__(logging.DEBUG)
        self._emitter = emitter
        self.setFormatter(_FORMATTER)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self._emitter.message(message_type_for(record.levelno), self.format(record))
        except Exception:   # a bad record must not break the package
            self.handleError(record)


try:     # loaded once, in the fork server, rather than in every package process
    _LIBC: Any = ctypes.CDLL(None, use_errno=True)
except OSError:
    _LIBC = None


def die_with_parent() -> None:
    """This process dies with its parent (the fork server or its per-project generation, which die
    with the worker in turn; Linux)."""
    try:
        _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except AttributeError:
        pass


def typed_parameters(spec: PackageSpec) -> tuple[dict[str, Any], dict[str, Any]]:
    """Project (20) and package (30) parameters by name, typed. SSIS's system parameters (50), which a
    catalog before revision 0010 still sends, are the execution's settings, not the package's."""
    project: dict[str, Any] = {}
    package: dict[str, Any] = {}
    for object_type, name, data_type, value, _sensitive in spec.parameters:
        target = project if object_type == 20 else package if object_type == 30 else None
        if target is not None:
            target[name] = None if value is None else parse_value(data_type, value)
    return project, package


def rehearse() -> None:
    """What every package process does before its entry point, and its first log record, done once on
    nothing (no parameters, pipes to nowhere), in a spare process while it waits for its request and in
    the fork server before its first fork: the memory that work touches is copied from the parent now,
    rather than on the way from the claim to the package's first line, and CPython has specialised the
    code it runs. Nothing of it stays: streams, handlers and the SIGTERM handler are put back."""
    events_r, events_w = os.pipe()
    output_r, output_w = os.pipe()
    root = logging.getLogger()
    saved = (sys.stdout, sys.stderr, root.handlers[:], root.level, signal.getsignal(signal.SIGTERM))
    try:
        writer = EventWriter(events_w)
        emitter = Emitter(writer, [], _OutputBarrier((output_w,)))
        spec = PackageSpec(execution_id=0, package_name="rehearsal", entry_point="", attempt=1, max_attempts=1,
                           project_directory="/", working_directory="/", parameters=())
        context = _set_up(spec, writer, emitter)
        context.logger.info("rehearsal")
        print("rehearsal")
    finally:
        sys.stdout, sys.stderr, root.handlers[:], level, sigterm = saved
        root.setLevel(level)
        signal.signal(signal.SIGTERM, sigterm)
        for fd in (events_r, events_w, output_r, output_w):
            os.close(fd)


def become_package_process() -> None:
    """The process-wide part of a package process's set-up, which needs no request: its own session
    and process group (the worker stops it and its children at once), and death with its parent (the
    fork server or its per-project generation). A spare does it while it waits; done once, since a
    process that leads its own session has done it."""
    if os.getsid(0) == os.getpid():
        return
    parent_pid = os.getppid()
    os.setsid()
    die_with_parent()
    if os.getppid() != parent_pid:   # the parent died before PDEATHSIG was armed
        os._exit(1)


def _set_up(spec: PackageSpec, writer: EventWriter, emitter: Emitter) -> Context:
    """Python's streams and the root logger to the emitter, the SIGTERM handler, and the package's
    Context: run_package's set-up, which rehearse() also runs."""
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
    return context


def is_package_pid(value: object) -> bool:
    """Whether a process id named for a package process may be one: the worker signals its process
    group, and killpg(1) is every process it may signal, killpg(0) its own group."""
    return type(value) is int and value > 1


def run_package(spec: PackageSpec, writer: EventWriter, output_fds: tuple[int, int]) -> None:
    """The package process's main: set up, call the entry point, report the outcome.

    output_fds: the write ends of the pipes the worker reads as fd 1 and fd 2 output."""
    become_package_process()
    for target, fd in zip((1, 2), output_fds):
        os.dup2(fd, target)          # C code and subprocesses write straight to the worker's pipes
    secrets = [value for _t, _n, _d, value, sensitive in spec.parameters if sensitive and value]
    emitter = Emitter(writer, secrets, _OutputBarrier(output_fds))
    try:
        os.chdir(spec.working_directory)
        context = _set_up(spec, writer, emitter)
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
