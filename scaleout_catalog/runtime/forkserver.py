"""The fork server: a process with the runtime already imported, which forks one child per
package attempt and tells the worker when each child exits.

multiprocessing's own 'forkserver' does the same job, but measured on a 2-core machine it
started and reaped at most ~53 empty processes a second (its per-child preparation and
re-bootstrap), against ~89 complete no-op package attempts a second here. The protocol:

  worker -> server   "spawn" + two file descriptors (SCM_RIGHTS): the spec pipe's read
                     end and the event pipe's write end; the worker then writes the
                     pickled PackageSpec to the spec pipe, the child reads it.
  child -> worker    events on the event pipe (events.py)
  server -> worker   ("spawned", pid) in reply, and ("exited", pid, exit code) whenever
                     a child ends (exit code < 0: killed by that signal).

The server exits when the worker's end of the socket closes (the worker died or
stopped); its children then die too (PR_SET_PDEATHSIG, armed in child.py).
"""
from __future__ import annotations

import importlib
import os
import pickle
import selectors
import signal
import socket
import sys
from multiprocessing.connection import Connection

from .child import run_package
from .events import EventWriter


def serve(sock: socket.socket) -> None:
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)   # a handler, so that SIGCHLD writes to wake_w
    signal.signal(signal.SIGINT, signal.SIG_IGN)      # Ctrl-C reaches the worker, which decides
    selector = selectors.DefaultSelector()
    selector.register(sock, selectors.EVENT_READ, "request")
    selector.register(wake_r, selectors.EVENT_READ, "child")
    while True:
        for key, _ in selector.select():
            if key.data == "child":
                os.read(wake_r, 4096)
                _reap(sock)
                continue
            try:
                message, fds = _receive(sock)
            except (EOFError, ConnectionError):
                return
            if message != b"spawn" or len(fds) != 2:
                continue
            pid = os.fork()
            if pid == 0:
                _child(sock, wake_r, wake_w, *fds)
            for fd in fds:
                os.close(fd)
            sock.sendall(pickle.dumps(("spawned", pid)))


def _receive(sock: socket.socket) -> tuple[bytes, list[int]]:
    message, fds, _flags, _addr = socket.recv_fds(sock, 64, 2)
    if not message:
        raise EOFError
    return message, list(fds)


def _reap(sock: socket.socket) -> None:
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        sock.sendall(pickle.dumps(("exited", pid, os.waitstatus_to_exitcode(status))))


def _child(sock: socket.socket, wake_r: int, wake_w: int, spec_fd: int, events_fd: int) -> None:
    try:
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        sock.close()
        os.close(wake_r)
        os.close(wake_w)
        for fd in (spec_fd, events_fd):   # received descriptors are inheritable: keep them from os.system()
            os.set_inheritable(fd, False)
        spec = Connection(spec_fd, writable=False).recv()
        run_package(spec, EventWriter(events_fd))
    finally:
        os._exit(70)   # run_package exits by itself; this is only reached if it could not start


# Imported once here rather than in every package process: what packages commonly use.
_PRELOAD = ("csv", "datetime", "decimal", "hashlib", "json", "pathlib", "subprocess", "tempfile")


def main() -> None:
    for module in _PRELOAD:
        importlib.import_module(module)
    fd = int(sys.argv[1])
    sock = socket.socket(fileno=fd)
    serve(sock)


if __name__ == "__main__":
    main()

