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
from multiprocessing.connection import Connection, wait

from .child import PackageSpec
from .events import EventReader


class ForkServerDied(RuntimeError):
    """The fork server exited, or stopped answering; the worker starts another."""


class ForkServer:
    """The worker's side of the fork server."""

    def __init__(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "scaleout_catalog.runtime.forkserver", str(theirs.fileno())],
            pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL)
        theirs.close()
        self.sock = ours
        self.pid = self.process.pid
        self.started_at = time.monotonic()
        self._exits: dict[int, int] = {}

    def fileno(self) -> int:
        return self.sock.fileno()

    def spawn(self, spec: PackageSpec, timeout: float = 10.0) -> tuple[int, EventReader]:
        """Forks a package process for spec; returns its pid and the read end of its event pipe.
        Raises ForkServerDied if the server is gone or does not answer within timeout seconds."""
        spec_r, spec_w = os.pipe()
        events_r, events_w = os.pipe()
        try:
            try:
                socket.send_fds(self.sock, [b"spawn"], [spec_r, events_w])
            finally:
                os.close(spec_r)
                os.close(events_w)
            with Connection(spec_w, readable=False) as spec_pipe:
                spec_w = -1
                spec_pipe.send(spec)
            deadline = time.monotonic() + timeout
            while True:
                message = self._receive(timeout=max(0.0, deadline - time.monotonic()))
                if message is None:
                    raise ForkServerDied(f"the fork server (process {self.pid}) did not answer within {timeout:g} s")
                if message[0] == "spawned":
                    return message[1], EventReader(events_r)
        except OSError as exc:     # EPIPE and the like: the server is gone
            os.close(events_r)
            raise ForkServerDied(f"the fork server (process {self.pid}) is gone ({exc})") from None
        except ForkServerDied:
            os.close(events_r)
            raise
        finally:
            if spec_w >= 0:
                os.close(spec_w)

    def exits(self) -> dict[int, int]:
        """Exit codes of children that ended since the last call, by pid (negative: killed by that signal).
        Raises ForkServerDied once the server has exited (take_exits() still has what it said before)."""
        while self._receive(timeout=0) is not None:
            pass
        return self.take_exits()

    @property
    def has_exits(self) -> bool:
        """Exit notices already received (while a spawn waited for its reply) but not yet taken."""
        return bool(self._exits)

    def take_exits(self) -> dict[int, int]:
        exits, self._exits = self._exits, {}
        return exits

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
        self.events: EventReader | None = None
        self.server: ForkServer | None = None
        self.exitcode: int | None = None
        self.stop_requested_at: float | None = None
        self.killed = False

    def start(self, server: ForkServer) -> None:
        self.pid, self.events = server.spawn(self.spec)
        self.server = server

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
