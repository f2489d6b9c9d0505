"""The fork server: a process with the runtime already imported, which forks one child per
package attempt and tells the worker when each child exits.

multiprocessing's own 'forkserver' does the same job, but measured on a 2-core machine it
started and reaped at most ~53 empty processes a second (its per-child preparation and
re-bootstrap), against ~89 complete no-op package attempts a second here. The protocol:

  worker -> server   ("spawn", seq, project dir, entry module, pickled PackageSpec or None),
                     pickled, with three or four file descriptors (SCM_RIGHTS): the write
                     ends of the event pipe and of the fd 1 and fd 2 pipes, and, for a spec
                     too large for one message, the read end of a pipe it is written to.
  child -> worker    events on the event pipe (events.py); output on the other two
  server -> worker   ("spawned", seq, pid) or ("failed", seq, why) in reply, and
                     ("exited", pid, exit code) whenever a package process it named ends
                     (< 0: killed by that signal).

Per-project generations (Generations, below): the first spawn of an entry module forks, beside the
child, a generation for its project (sys.path set, the module imported), while that child
and the next ones start here as before; once the generation says the import was clean, the
module's children fork from it and skip the import. A generation forks each child ahead of need, as
a spare, and passes its end of the spare's socket to the server: the server hands a spawn request
straight to the spare, with no hop through the generation. A module whose import fails, writes
output or leaves threads behind is never preloaded: its attempts import it themselves, as
they always did, and its failure is theirs.

The server exits when the worker's end of the socket closes (the worker died or
stopped); its children then die too (PR_SET_PDEATHSIG, armed in child.py).
"""
from __future__ import annotations

import gc
import importlib
import io
import json
import logging
import os
import pickle
import select
import selectors
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
from collections import OrderedDict
from multiprocessing.connection import Connection
from typing import Callable

from . import lightfork
from .child import become_package_process, die_with_parent, is_package_pid, rehearse, run_package
from .events import EventWriter

_PR_SET_CHILD_SUBREAPER = 36
MAX_MESSAGE = 256 << 10    # a spawn request (the worker sends larger specs through a pipe)


class Server:
    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.wake_r, self.wake_w = os.pipe()
        os.set_blocking(self.wake_w, False)
        self.selector = selectors.DefaultSelector()
        self.selector.register(sock, selectors.EVENT_READ, "request")
        self.selector.register(self.wake_r, selectors.EVENT_READ, "child")
        self.generations = Generations(self)
        self.named: set[int] = set()        # package processes the worker has been told of, until their exit

    def serve(self) -> None:
        signal.set_wakeup_fd(self.wake_w)
        signal.signal(signal.SIGCHLD, lambda *_: None)   # a handler, so that SIGCHLD writes to wake_w
        signal.signal(signal.SIGINT, signal.SIG_IGN)      # Ctrl-C reaches the worker, which decides
        while True:
            for key, _ in self.selector.select():
                if key.data == "child":
                    os.read(self.wake_r, 4096)
                    self._reap()
                elif key.data == "request":
                    try:
                        message, fds = _receive(self.sock)
                    except (EOFError, ConnectionError):
                        return
                    self._on_request(message, fds)
                else:
                    self.generations.on_message(key.data)

    def _on_request(self, message: bytes, fds: list[int]) -> None:
        try:
            kind, seq, project_dir, module, spec = pickle.loads(message)
        except Exception:  # noqa: BLE001  (not a request: ignore it)
            kind = None
        if kind != "spawn" or len(fds) not in (3, 4):
            for fd in fds:
                os.close(fd)
            return
        if not self.generations.spawn(seq, project_dir, module, spec, fds):
            self.fork_child(seq, spec, fds)

    def fork_child(self, seq: int, spec: bytes | None, fds: list[int]) -> None:
        """Forks the package process here (no generation for its module, or none ready)."""
        try:
            pid = lightfork.fork()
        except OSError as exc:
            self.reply(("failed", seq, f"the fork server could not fork: {exc}"))
        else:
            if pid == 0:
                self.in_child()
                start_child(spec, fds)
            self.reply(("spawned", seq, pid))
        for fd in fds:
            os.close(fd)

    def in_child(self) -> None:
        """In a process forked from the server: let go of the server's descriptors and signals."""
        _let_go(self.selector, self.sock, self.wake_r, self.wake_w)
        self.generations.close_all()

    def reply(self, message: tuple) -> None:
        """To the worker. Only the exit of a process it was told of goes on: not a spare's, which the
        server reaps when its generation died before handing it a request."""
        if message[0] == "spawned":
            self.named.add(message[2])
        elif message[0] == "exited":
            if message[1] not in self.named:
                return
            self.named.discard(message[1])
        self.sock.sendall(pickle.dumps(message))

    def _reap(self) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            if not self.generations.reaped(pid):
                # A package process of ours, or one orphaned by a generation that died (we are their subreaper).
                self.reply(("exited", pid, os.waitstatus_to_exitcode(status)))


def _let_go(selector: selectors.BaseSelector, sock: socket.socket, wake_r: int, wake_w: int) -> None:
    """In a process just forked from the server or a generation: the parent's signal set-up back to the
    defaults, and its selector, socket and wake-up pipe closed."""
    signal.set_wakeup_fd(-1)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    selector.close()
    sock.close()
    os.close(wake_r)
    os.close(wake_w)


def _receive(sock: socket.socket) -> tuple[bytes, list[int]]:
    message, fds, _flags, _addr = socket.recv_fds(sock, MAX_MESSAGE, 4)
    if not message:
        raise EOFError
    return message, list(fds)


def _close_all_but(fds: list[int]) -> None:
    """Closes every descriptor above 2 but fds (close_range: one system call a gap)."""
    low = 3
    for fd in sorted(set(fds)):
        if fd >= low:
            os.closerange(low, fd)
            low = fd + 1
    os.closerange(low, os.sysconf("SC_OPEN_MAX"))


def start_child(spec: bytes | None, fds: list[int]) -> None:
    """The package process, just forked: read its spec and run it. Never returns."""
    try:
        _close_all_but(fds)     # another attempt's pipes, held by the server or a generation for a moment
        events_fd, out_fd, err_fd = fds[:3]
        for fd in fds:      # received descriptors are inheritable: keep them from os.system() (fds 1, 2 get dups)
            os.set_inheritable(fd, False)
        if spec is None:
            package_spec = Connection(fds[3], writable=False).recv()
            os.close(fds[3])
        else:
            package_spec = pickle.loads(spec)
        run_package(package_spec, EventWriter(events_fd), (out_fd, err_fd))
    finally:
        os._exit(70)   # run_package exits by itself; this is only reached if it could not start



# -- per-project generations ------------------------------------------------------------------

MAX_GENERATIONS = 4      # projects kept imported at once; the least recently used is retired
# A generation forks its next spare this long after handing one a request, not at once: the fork and the
# new spare's rehearsal take about a millisecond of CPU, which on a small machine the package that just
# started (on its way to its first line) would otherwise share. A spawn that comes sooner forks there and then.
SPARE_DELAY = 0.02
_WATCHED_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGCHLD, signal.SIGHUP, signal.SIGUSR1, signal.SIGUSR2)


class Generation:
    """The server's view of one generation process: a fork of the server with a project's
    entry modules imported, which forks that project's package processes."""

    def __init__(self, project_dir: str, pid: int, sock: socket.socket) -> None:
        self.project_dir, self.pid, self.sock = project_dir, pid, sock
        self.ready: set[str] = set()
        self.loading: str | None = None
        self.children: set[int] = set()
        # requests sent and not yet answered; their descriptors are kept, to fork here if it dies
        self.inflight: dict[int, tuple[int, bytes | None, list[int]]] = {}
        self.spare: _Spare | None = None        # its newest spare, waiting here for a request
        self.spares: set[int] = set()           # spares it announced that have not exited nor been handed one

    def drop_spare(self) -> None:
        if self.spare is not None:
            self.spare.dismiss()
            self.spare = None


class Generations:
    def __init__(self, server: Server) -> None:
        self.server = server
        self.live: OrderedDict[str, Generation] = OrderedDict()
        self.retired: dict[int, Generation] = {}      # by pid: no more spawns, still relaying exits
        self.pids: set[int] = set()                    # generation processes not yet reaped
        self.refused: set[tuple[str, str]] = set()     # (project dir, module) never to preload
        self._seq = 0

    def spawn(self, seq: int, project_dir: str | None, module: str | None, spec: bytes | None,
              fds: list[int]) -> bool:
        """Hands the request to the project's generation if it has the module ready (True);
        else starts preparing it for the next ones (False: fork the child here)."""
        if not project_dir or not module:
            return False
        key = (project_dir, module)
        g = self.live.get(project_dir)
        if g is not None:
            self.live.move_to_end(project_dir)
            if module in g.ready and g.loading is None:
                while g.spare is None and self.live.get(project_dir) is g and _readable(g.sock):
                    self.on_message(g)          # the spare it has just passed us may be waiting unread
                if self.live.get(project_dir) is not g:
                    return False
                spare, g.spare = g.spare, None
                if spare is not None and spare.hand(spec, fds):
                    for fd in fds:
                        os.close(fd)
                    g.spares.discard(spare.pid)
                    g.children.add(spare.pid)
                    self.server.reply(("spawned", seq, spare.pid))
                    try:
                        g.sock.send(pickle.dumps(("used",)))     # it forks the next one
                    except OSError:
                        pass
                    return True
                self._seq += 1
                try:
                    socket.send_fds(g.sock, [pickle.dumps(("spawn", self._seq, spec))], fds)
                except OSError:
                    return False
                g.inflight[self._seq] = (seq, spec, fds)
                return True
        if key not in self.refused:
            if g is None:
                self._start(project_dir, module)
            elif g.loading is None and module not in g.ready:
                try:
                    g.sock.send(pickle.dumps(("import", module)))
                    g.loading = module
                except OSError:
                    pass
        return False

    def _start(self, project_dir: str, module: str) -> None:
        while len(self.live) >= MAX_GENERATIONS:
            self._retire(self.live.popitem(last=False)[1])
        def main(theirs: socket.socket) -> None:
            self.server.in_child()
            _run_generation(theirs, project_dir, module)
        forked = _fork_paired(main)
        if forked is None:
            return
        pid, ours = forked
        g = Generation(project_dir, pid, ours)
        g.loading = module
        self.live[project_dir] = g
        self.pids.add(pid)
        self.server.selector.register(ours, selectors.EVENT_READ, g)

    def _retire(self, g: Generation) -> None:
        self.live.pop(g.project_dir, None)
        self.retired[g.pid] = g
        g.drop_spare()
        if g.loading is not None and not g.children and not g.inflight:
            _kill(g.pid)        # perhaps stuck in its import; it has nothing of anyone's
            return
        try:
            g.sock.send(pickle.dumps(("retire",)))
        except OSError:
            pass

    def on_message(self, g: Generation) -> None:
        try:
            data, fds, _flags, _addr = socket.recv_fds(g.sock, 4096, 1)
        except OSError:
            data, fds = b"", []
        if not data:
            for fd in fds:
                os.close(fd)
            self._lost(g)
            return
        try:    # a generation has run package code (its imports): its word is checked
            kind, *args = json.loads(data)
            if kind == "spare" and len(fds) == 1 and len(args) == 1 and is_package_pid(args[0]):
                try:
                    spare_sock = socket.socket(fileno=fds[0])
                except OSError:
                    raise ValueError("not a socket") from None
                fds.clear()
                g.drop_spare()                  # an older one (without a module imported since): not needed
                g.spare = _Spare(args[0], spare_sock)
                g.spares.add(args[0])
                if self.live.get(g.project_dir) is not g:
                    g.drop_spare()
            elif fds:
                raise ValueError(kind)
            elif kind == "ready" and args == [g.loading]:
                g.ready.add(g.loading)
                g.loading = None
            elif kind == "unclean" and args[0] == g.loading:
                self.refused.add((g.project_dir, g.loading))
                g.loading = None
                if self.live.get(g.project_dir) is g:        # it exits once its children have
                    self.live.pop(g.project_dir)
                    self.retired[g.pid] = g
            elif kind == "spawned" and args[0] in g.inflight and is_package_pid(args[1]):
                seq, _spec, held = g.inflight.pop(args[0])
                for fd in held:
                    os.close(fd)
                g.children.add(args[1])
                self.server.reply(("spawned", seq, args[1]))
            elif kind == "exited" and args[0] in g.children and type(args[1]) is int:
                g.children.discard(args[0])
                self.server.reply(("exited", args[0], args[1]))
            elif kind == "exited" and args[0] in g.spares:      # a spare that was never handed a request
                g.spares.discard(args[0])
                if g.spare is not None and g.spare.pid == args[0]:
                    g.drop_spare()
            else:
                raise ValueError(kind)
        except (ValueError, TypeError, IndexError, KeyError):
            for fd in fds:
                os.close(fd)
            _kill(g.pid)
            self._lost(g)

    def _lost(self, g: Generation) -> None:
        """Its socket closed: it has exited (or died). What it had not answered is forked here; its
        children (killed with it) are reaped here, as their subreaper, and reported then."""
        self.server.selector.unregister(g.sock)
        g.sock.close()
        g.drop_spare()
        if self.live.get(g.project_dir) is g:
            self.live.pop(g.project_dir)
        self.retired.pop(g.pid, None)
        for seq, spec, fds in g.inflight.values():
            self.server.fork_child(seq, spec, fds)
        g.inflight.clear()

    def reaped(self, pid: int) -> bool:
        """Whether pid was a generation process (not a package process to report)."""
        if pid in self.pids:
            self.pids.discard(pid)
            return True
        return False

    def close_all(self) -> None:
        for g in [*self.live.values(), *self.retired.values()]:
            g.sock.close()
            if g.spare is not None:
                g.spare.sock.close()


def _fork_paired(main: Callable[[socket.socket], None]) -> tuple[int, socket.socket] | None:
    """Forks a process that runs main(its end of a new socket pair) and never returns; here: its pid
    and our end, or None if it could not be forked."""
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    try:
        pid = lightfork.fork()
    except OSError:
        ours.close()
        theirs.close()
        return None
    if pid == 0:
        ours.close()
        main(theirs)
    theirs.close()
    return pid, ours


def _readable(sock: socket.socket) -> bool:
    return bool(select.select([sock], [], [], 0)[0])


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


class _Spare:
    """A package process forked ahead of need, waiting for its request: a spawn only hands it the
    request, and the next fork (and the cleanup after it) happens SPARE_DELAY after the reply, off the
    path from claim to the package's first line. A generation forks one at a time and passes its end of
    the socket to the server, which hands it the next request for the generation's project."""

    def __init__(self, pid: int, sock: socket.socket) -> None:
        self.pid, self.sock = pid, sock

    @classmethod
    def fork(cls, in_child: Callable[[], None]) -> "_Spare | None":
        def main(theirs: socket.socket) -> None:
            in_child()
            _wait_as_spare(theirs)
        forked = _fork_paired(main)
        return cls(*forked) if forked is not None else None

    def hand(self, spec: bytes | None, fds: list[int]) -> bool:
        """Gives it a request; False if it is gone (it died, or was killed, while it waited)."""
        try:
            socket.send_fds(self.sock, [pickle.dumps(spec)], fds)
            return True
        except OSError:
            return False
        finally:
            self.sock.close()

    def dismiss(self) -> None:
        self.sock.close()      # it reads the end of its socket and exits


def _wait_as_spare(sock: socket.socket) -> None:
    """A spare's main: dies with its generation; waits for one request, then is that package process.
    Everything a package process does before it reads its request is done here first."""
    try:
        become_package_process()
        try:
            rehearse()
        except Exception:  # noqa: BLE001  (only a head start: the request is served all the same)
            pass
        message, fds, _flags, _addr = socket.recv_fds(sock, MAX_MESSAGE, 4)
        if not message or len(fds) not in (3, 4):
            os._exit(0)         # dismissed
        start_child(pickle.loads(message), fds)
    finally:
        os._exit(0)


def _run_generation(sock: socket.socket, project_dir: str, module: str) -> None:
    """A generation process's main (forked from the server). Never returns."""
    try:
        parent = os.getppid()
        die_with_parent()
        if os.getppid() != parent:
            os._exit(0)
        _close_all_but([sock.fileno()])     # the server's, and the pipes of the request that started us
        sys.path.insert(0, project_dir)
        os.chdir("/")
        wake_r, wake_w = os.pipe()
        os.set_blocking(wake_w, False)
        signal.set_wakeup_fd(wake_w)
        signal.signal(signal.SIGCHLD, lambda *_: None)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        selector = selectors.DefaultSelector()
        children: set[int] = set()             # package processes and spares (the server tells them apart)
        spare: int | None = None                # the spare the server holds for us, until it says "used"

        def send(*message: object) -> None:
            sock.send(json.dumps(message).encode())

        def send_pair(kind: bytes, first: int, second: int) -> None:
            """What it says once or twice a package ("spawned", "exited"), as JSON written by hand:
            json.dumps allocates in many of the memory pages this process shares with the package processes
            it has just forked, and each page it writes is copied (a quarter of its page faults a package)."""
            sock.send(b'["%s",%d,%d]' % (kind, first, second))

        def in_child() -> None:
            _let_go(selector, sock, wake_r, wake_w)

        def new_spare() -> None:
            """Forks a spare and passes our end of its socket to the server, which hands it a request."""
            nonlocal spare
            forked = _Spare.fork(in_child)
            if forked is None:
                return
            try:
                socket.send_fds(sock, [json.dumps(["spare", forked.pid]).encode()], [forked.sock.fileno()])
            except OSError:
                pass            # the server is gone: so are we, once we read that
            forked.sock.close()
            children.add(forked.pid)
            spare = forked.pid

        def load(name: str) -> bool:
            why = _trial_import(name)
            if why is None:
                gc.freeze()     # what is imported stays shared: a child's collections never touch (copy) it
                new_spare()     # one with the module imported (the server dismisses an older one)
            send("ready", name) if why is None else send("unclean", name, why)
            return why is None

        if not load(module):
            os._exit(0)
        retiring = False
        spare_due: float | None = None       # when to fork the next spare (see SPARE_DELAY)
        selector.register(sock, selectors.EVENT_READ, "request")
        selector.register(wake_r, selectors.EVENT_READ, "child")
        while not (retiring and not children):
            timeout = None if spare_due is None else max(0.0, spare_due - time.monotonic())
            ready = selector.select(timeout)
            if spare_due is not None and time.monotonic() >= spare_due:
                spare_due = None
                if spare is None and not retiring:
                    new_spare()
            for key, _ in ready:
                if key.data == "child":
                    os.read(wake_r, 4096)
                    while True:
                        try:
                            pid, status = os.waitpid(-1, os.WNOHANG)
                        except ChildProcessError:
                            break
                        if pid == 0:
                            break
                        if pid in children:
                            children.discard(pid)
                            if pid == spare:
                                spare = None     # it died before the server handed it a request, or after
                            send_pair(b"exited", pid, os.waitstatus_to_exitcode(status))
                    continue
                message, fds, _flags, _addr = socket.recv_fds(sock, MAX_MESSAGE, 4)
                if not message:
                    os._exit(0)      # the server is gone: so are we, and our children with us
                kind, *args = pickle.loads(message)
                if kind == "spawn":              # the server had no spare of ours at hand: fork one now
                    pid = lightfork.fork()
                    if pid == 0:
                        in_child()
                        start_child(args[1], fds)
                    for fd in fds:
                        os.close(fd)
                    children.add(pid)
                    send_pair(b"spawned", args[0], pid)
                    if not retiring and spare is None:
                        spare_due = time.monotonic() + SPARE_DELAY
                elif kind == "used":             # the server handed our spare a request: the next one, soon
                    spare = None
                    if not retiring:
                        spare_due = time.monotonic() + SPARE_DELAY
                elif kind == "import":
                    retiring = retiring or not load(args[0])   # tainted: serve no more
                elif kind == "retire":
                    retiring = True
    finally:
        os._exit(0)


def _trial_import(module: str) -> str | None:
    """Imports module as a package process would; None if that was clean, else why not. Clean: it
    raised nothing, wrote nothing (sys.stdout/stderr, fds 1 and 2, logging, its working directory),
    and left no thread or signal handler behind; only then may its import be shared."""
    root = logging.getLogger()
    saved = (sys.stdout, sys.stderr, root.handlers[:], root.level, os.dup(1), os.dup(2))
    signals = {s: signal.getsignal(s) for s in _WATCHED_SIGNALS}
    threads = threading.active_count()
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append       # type: ignore[method-assign]
    scratch = tempfile.mkdtemp(prefix="scaleout-import-")
    why = None
    with tempfile.TemporaryFile() as capture:
        stdout, stderr = io.StringIO(), io.StringIO()
        try:
            os.dup2(capture.fileno(), 1)
            os.dup2(capture.fileno(), 2)
            sys.stdout, sys.stderr = stdout, stderr
            root.handlers[:] = [handler]
            root.setLevel(logging.INFO)
            os.chdir(scratch)
            importlib.import_module(module)
        except BaseException as exc:  # noqa: BLE001  (whatever it is, the attempt will see it itself)
            why = f"its import raised {type(exc).__name__}"
        finally:
            changed = (sys.stdout is not stdout or sys.stderr is not stderr or root.handlers != [handler])
            sys.stdout, sys.stderr, root.handlers[:], level, out_fd, err_fd = saved
            root.setLevel(level)
            os.dup2(out_fd, 1)
            os.dup2(err_fd, 2)
            os.close(out_fd)
            os.close(err_fd)
            os.chdir("/")
        if why is None:
            if changed:
                why = "it replaced sys.stdout, sys.stderr or the root logger's handlers"
            elif stdout.getvalue() or stderr.getvalue() or records or os.fstat(capture.fileno()).st_size:
                why = "it wrote output"
            elif threading.active_count() != threads:
                why = "it started threads"
            elif os.listdir(scratch):
                why = "it wrote files in its working directory"
            elif any(signal.getsignal(s) != h for s, h in signals.items()):
                why = "it set signal handlers"
    shutil.rmtree(scratch, ignore_errors=True)
    return why

# A package process's own set-up, run here this many times before the first fork: CPython 3.11 counts a
# function's calls in its code object, and specialises its bytecode after a few, writing to it both times.
# Done here once, a package process writes (and so copies) fewer of the pages it shares with us: 50 to
# 80 of about 530 page faults, measured.
WARM_UP = 10

# Imported once here rather than in every package process: what packages commonly use.
_PRELOAD = ("csv", "datetime", "decimal", "hashlib", "json", "pathlib", "subprocess", "tempfile")


def main() -> None:
    lightfork.watch()       # before the preloads and any project's imports: who registers a fork handler
    for module in _PRELOAD:
        importlib.import_module(module)
    try:   # package processes orphaned by a generation that died are reaped (and reported) here
        from .child import _LIBC
        _LIBC.prctl(_PR_SET_CHILD_SUBREAPER, 1)
    except AttributeError:
        pass
    fd = int(sys.argv[1])
    server = Server(socket.socket(fileno=fd))
    for _ in range(WARM_UP):
        rehearse()
    gc.freeze()     # the imported runtime stays shared with the children (no copy-on-write by their collections)
    server.serve()


if __name__ == "__main__":
    main()
