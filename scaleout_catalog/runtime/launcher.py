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


class ForkServer:
    """The worker's side of the fork server."""

    def __init__(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "scaleout_catalog.runtime.forkserver", str(theirs.fileno())],
            pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL)
        theirs.close()
        self.sock = ours
        self._exits: dict[int, int] = {}

    def fileno(self) -> int:
        return self.sock.fileno()

    def spawn(self, spec: PackageSpec) -> tuple[int, Connection]:
        """Forks a package process for spec; returns its pid and the read end of its event pipe."""
        spec_r, spec_w = os.pipe()
        events_r, events_w = os.pipe()
        try:
            socket.send_fds(self.sock, [b"spawn"], [spec_r, events_w])
        finally:
            os.close(spec_r)
            os.close(events_w)
        with Connection(spec_w, readable=False) as spec_pipe:
            spec_pipe.send(spec)
        while True:
            message = self._receive(block=True)
            if message[0] == "spawned":
                return message[1], Connection(events_r, writable=False)

    def exits(self) -> dict[int, int]:
        """Exit codes of children that ended since the last call, by pid (negative: killed by that signal)."""
        while self._receive(block=False) is not None:
            pass
        exits, self._exits = self._exits, {}
        return exits

    def _receive(self, block: bool) -> tuple | None:
        if not block and not select.select([self.sock], [], [], 0)[0]:
            return None
        data = self.sock.recv(256)
        if not data:
            raise RuntimeError("the fork server stopped unexpectedly")
        message = pickle.loads(data)
        if message[0] == "exited":
            self._exits[message[1]] = message[2]
        return message

    def close(self) -> None:
        self.sock.close()                 # the server sees EOF and exits
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
        self.events: Connection | None = None
        self.exitcode: int | None = None
        self.stop_requested_at: float | None = None
        self.killed = False

    def start(self, server: ForkServer) -> None:
        self.pid, self.events = server.spawn(self.spec)

    def stop(self) -> None:
        """SIGTERM to the package's process group: it sees PackageCancelled and may clean up."""
        if self.stop_requested_at is None:
            self.stop_requested_at = time.monotonic()
            self._signal(signal.SIGTERM)

    def kill(self) -> None:
        """SIGKILL to the package's process group (after the grace period)."""
        self.killed = True
        self._signal(signal.SIGKILL)

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


__all__ = ["ForkServer", "PackageProcess", "PackageSpec", "wait"]
