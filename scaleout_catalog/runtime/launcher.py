"""Starts and stops package processes through the fork server (forkserver.py).

The worker owns one ForkServer; each PackageProcess is one forked child of it. A child
leads its own process group, so stopping it stops whatever it started too.
"""
from __future__ import annotations

import os
import pickle
import select
import signal
import socket
import subprocess
import sys
import time
from datetime import datetime, timezone
from multiprocessing.connection import Connection
from typing import Any, Sequence

from .child import PackageSpec, is_package_pid
from .events import EventReader, OutputReader, PackageChannel
from .messages import Masker, MessageType


def channel_for(spec: PackageSpec, events_r: int, out_r: int, err_r: int) -> PackageChannel:
    """The worker's ends of a package process's pipes, as one channel."""
    masker = Masker([value for _t, _n, _d, value, sensitive in spec.parameters if sensitive and value])
    return PackageChannel(EventReader(events_r), [OutputReader(out_r, MessageType.INFORMATION, masker),
                                                   OutputReader(err_r, MessageType.WARNING, masker)])


_READY = select.POLLIN | select.POLLHUP | select.POLLERR | select.POLLNVAL


def wait(objects: Sequence[Any], timeout: float | None) -> list[Any]:
    """The objects (file descriptors, or objects with fileno()) that can be read without blocking (data,
    or the end of the stream), waiting at most timeout seconds (None: until one can). As
    multiprocessing.connection.wait, in one poll() with no selector around it: the worker's loop waits on
    every package's three pipes each time round, and a selector's registrations were 6% of its CPU."""
    poller = select.poll()
    by_fd: dict[int, Any] = {}
    for obj in objects:
        fd = obj if isinstance(obj, int) else obj.fileno()
        by_fd[fd] = obj
        poller.register(fd, select.POLLIN)
    milliseconds = None if timeout is None else max(0.0, timeout) * 1000
    return [by_fd[fd] for fd, events in poller.poll(milliseconds) if events & _READY]


class ForkServerDied(RuntimeError):
    """The fork server exited, or stopped answering; the worker starts another."""


class ForkServer:
    """The worker's side of the fork server. Spawns do not wait for the server: spawn() sends the
    request, and the reply (the pid) arrives with the exit notices, read by exits()."""

    INLINE_SPEC = 64 << 10     # a larger spec goes through a pipe rather than in the request

    def __init__(self, spawn_timeout: float = 10.0) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "scaleout_catalog.runtime.forkserver", str(theirs.fileno())],
            pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL)
        theirs.close()
        self.sock = ours
        self.pid = self.process.pid
        self.started_at = time.monotonic()
        self.spawn_timeout = spawn_timeout
        self._exits: dict[int, int] = {}
        self._pending: dict[int, tuple[PackageProcess, float]] = {}   # by request number: sent, unanswered
        self._started: list[PackageProcess] = []
        self._seq = 0

    def fileno(self) -> int:
        return self.sock.fileno()

    def spawn(self, process: PackageProcess) -> None:
        """Asks for a package process for process.spec; its pipes are ready at once, its pid comes
        with the reply (take_started). Raises ForkServerDied if the server is gone."""
        spec = process.spec
        ours: list[int] = []
        theirs: list[int] = []
        try:
            for _ in range(3):
                r, w = os.pipe()
                ours.append(r)
                theirs.append(w)
            data: bytes | None = pickle.dumps(spec)
            spec_w = -1
            if len(data) > self.INLINE_SPEC:
                spec_r, spec_w = os.pipe()
                theirs.append(spec_r)
                data = None
            module = spec.entry_point.partition(":")[0]
            self._seq += 1
            try:
                socket.send_fds(self.sock, [pickle.dumps(("spawn", self._seq, spec.project_directory, module, data))],
                                theirs)
            finally:
                for fd in theirs:
                    os.close(fd)
                theirs = []
            if spec_w >= 0:
                with Connection(spec_w, readable=False) as spec_pipe:   # the child reads it as it starts
                    spec_pipe.send(spec)
        except OSError as exc:     # EPIPE and the like: the server is gone
            for fd in ours + theirs:
                os.close(fd)
            raise ForkServerDied(f"the fork server (process {self.pid}) is gone ({exc})") from None
        process.events = channel_for(spec, *ours)
        process.server = self
        self._pending[self._seq] = (process, time.monotonic() + self.spawn_timeout)

    def spawn_deadline(self) -> float | None:
        """When the oldest unanswered spawn times out (monotonic), if any."""
        return min((d for _p, d in self._pending.values()), default=None)

    def exits(self) -> dict[int, int]:
        """Exit codes of children that ended since the last call, by pid (negative: killed by that signal);
        spawn replies go to take_started(). Raises ForkServerDied once the server has exited or a spawn
        has gone unanswered too long (take_exits() still has what it said before)."""
        while self._receive(timeout=0) is not None:
            pass
        deadline = self.spawn_deadline()
        if deadline is not None and time.monotonic() > deadline:
            raise ForkServerDied(f"the fork server (process {self.pid}) did not answer within "
                                 f"{self.spawn_timeout:g} s")
        return self.take_exits()

    @property
    def has_exits(self) -> bool:
        """Exit notices or spawn replies already received but not yet taken."""
        return bool(self._exits or self._started)

    def take_exits(self) -> dict[int, int]:
        exits, self._exits = self._exits, {}
        return exits

    def take_started(self) -> list[PackageProcess]:
        """Processes whose spawn was answered since the last call: pid set, or failed set."""
        started, self._started = self._started, []
        return started

    def _receive(self, timeout: float) -> tuple | None:
        if not select.select([self.sock], [], [], timeout)[0]:
            return None
        try:
            data = self.sock.recv(256)
        except OSError as exc:
            raise ForkServerDied(f"the fork server (process {self.pid}) is gone ({exc})") from None
        if not data:
            try:
                self.process.wait(2)    # it is exiting: its sockets close before it can be reaped
            except subprocess.TimeoutExpired:
                pass
            how = "" if self.process.returncode is None else \
                f", killed by signal {-self.process.returncode}" if self.process.returncode < 0 else \
                f", exit code {self.process.returncode}"
            raise ForkServerDied(f"the fork server (process {self.pid}) stopped{how}")
        message = pickle.loads(data)
        if message[0] == "exited":
            self._exits[message[1]] = message[2]
        elif message[0] in ("spawned", "failed") and message[1] in self._pending:
            process, _deadline = self._pending.pop(message[1])
            if message[0] == "spawned" and not is_package_pid(message[2]):
                process.failed = f"the fork server answered with {message[2]!r} for its process id"
            elif message[0] == "spawned":
                process.started(message[2])
            else:
                process.failed = message[2]
            self._started.append(process)
        return message

    def close(self, kill: bool = False) -> None:
        """Stops the server: it sees EOF and exits (kill: at once, for one that stopped answering)."""
        self.sock.close()
        if kill:
            self.process.kill()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)


class PackageProcess:
    """One running package attempt."""

    def __init__(self, spec: PackageSpec) -> None:
        self.spec = spec
        self.pid: int | None = None
        self.events: PackageChannel | None = None
        self.server: ForkServer | None = None
        self.exitcode: int | None = None
        self.stop_requested_at: float | None = None
        self.killed = False
        self.failed: str | None = None          # the server could not start it: why
        self.requested_at = datetime.now(timezone.utc)

    def start(self, server: ForkServer) -> None:
        """Sends the spawn request; the pid comes later (started())."""
        self.requested_at = datetime.now(timezone.utc)
        server.spawn(self)

    def started(self, pid: int) -> None:
        self.pid = pid
        if self.killed:                  # stopped or killed before its pid was known
            self._signal(signal.SIGKILL)
        elif self.stop_requested_at is not None:
            self._signal(signal.SIGTERM)

    def stop(self) -> None:
        """SIGTERM to the package's process group: it sees PackageCancelled and may clean up."""
        if self.stop_requested_at is None:
            self.stop_requested_at = time.monotonic()
            self._signal(signal.SIGTERM)

    def kill(self) -> None:
        """SIGKILL to the package's process group (after the grace period)."""
        self.killed = True
        self._signal(signal.SIGKILL)

    def kill_leftovers(self) -> bool:
        """After the package process exited: SIGKILL to what is left of its process group (processes
        it started and left running). Returns whether anything was left."""
        if self.pid is None:
            return False
        try:
            os.killpg(self.pid, signal.SIGKILL)
            return True
        except (ProcessLookupError, PermissionError):
            return False

    def _signal(self, signum: int) -> None:
        if self.pid is None or self.exitcode is not None:
            return
        try:
            os.killpg(self.pid, signum)
        except ProcessLookupError:
            try:                       # not yet its own group leader
                os.kill(self.pid, signum)
            except ProcessLookupError:
                pass

    def close(self) -> None:
        if self.events is not None:
            self.events.close()


__all__ = ["ForkServer", "ForkServerDied", "PackageProcess", "PackageSpec", "wait"]
