"""Runs one package attempt inside its own process (forked from the fork server).

Everything the package says reaches the worker over one pipe, in the order it was
said: log records, print() output (line by line), and output written straight to
file descriptors 1 and 2 by C code or subprocesses. The last event is the outcome.
"""
from __future__ import annotations

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
from .messages import MessageType, message_type_for

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
    """Sends events to the worker; thread-safe; masks sensitive values in every message."""

    def __init__(self, conn: Any, secrets: list[str]) -> None:
        self._conn = conn
        self._lock = threading.Lock()
        self._secrets = sorted((s for s in secrets if s), key=len, reverse=True)

    def message(self, message_type: int, text: str) -> None:
        for secret in self._secrets:
            text = text.replace(secret, MASK)
        self.send(("message", datetime.now(timezone.utc), int(message_type), text))

    def send(self, event: tuple) -> None:
        with self._lock:
            try:
                self._conn.send(event)
            except (BrokenPipeError, OSError):
                pass   # the worker is gone; this process is about to be killed with it


class _LineWriter(io.TextIOBase):
    """sys.stdout / sys.stderr: each complete line becomes one message."""

    def __init__(self, emitter: Emitter, message_type: MessageType) -> None:
        self._emitter, self._type, self._buffer = emitter, message_type, ""
        self._lock = threading.Lock()

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        with self._lock:
            self._buffer += text
            *lines, self._buffer = self._buffer.split("\n")
        for line in lines:
            self._emitter.message(self._type, line)
        return len(text)

    def flush(self) -> None:
        with self._lock:
            rest, self._buffer = self._buffer, ""
        if rest:
            self._emitter.message(self._type, rest)


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
        with os.fdopen(read_end, "r", encoding="utf-8", errors="replace") as lines:
            for line in lines:
                emitter.message(message_type, line.rstrip("\n"))

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


def run_package(spec: PackageSpec, conn: Any) -> None:
    """The package process's main: set up, call the entry point, report the outcome."""
    parent_pid = os.getppid()        # the fork server
    os.setsid()                      # its own process group: the worker stops it and its children at once
    _die_with_parent()
    if os.getppid() != parent_pid:   # the fork server died before PDEATHSIG was armed
        os._exit(1)
    secrets = [value for _t, _n, _d, value, sensitive in spec.parameters if sensitive and value]
    emitter = Emitter(conn, secrets)
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
        _on_sigterm(context)
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
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:  # noqa: BLE001
                pass
        _drain_fds(pumps)
    emitter.send(outcome)
    conn.close()
    os._exit(0 if outcome[1] == "succeeded" else 1)


def _on_sigterm(context: Context) -> None:
    def handler(signum: int, frame: Any) -> None:
        if not context.cancelled.is_set():
            context.cancelled.set()
            raise PackageCancelled(f"execution {context.execution_id} was stopped")

    signal.signal(signal.SIGTERM, handler)
