"""fork() without the interpreter's after-fork handlers, for the fork server's one-threaded processes.

os.fork() runs every os.register_at_fork handler, in the child too: threading's rebuilds its table of
threads and their locks, logging's makes a new lock for every handler, random's reseeds. They exist for
a process in which another thread may hold a lock at the moment of the fork. The fork server, its
generations and their spares have one thread (a generation refuses a module whose import leaves a
thread behind), so no lock can be held by a thread the child lacks. Measured on a 2-core virtual
machine, those handlers cost every package process about 190 page faults (copies of the parent's
pages) and 0.7 ms of CPU, a sixth of a no-op execution's whole cost.

fork() here calls the C library's fork with the interpreter lock held, and then reseeds random in the
child (each package process must get its own sequence). It falls back to os.fork() where that would
not be safe: the process has a second thread (Python's or a C extension's), or a module other than the
standard library's threading, logging, random and concurrent.futures registered a fork handler (watch()
records who registers one from then on).
"""
from __future__ import annotations

import ctypes
import os
import sys
from typing import Any, Callable

# The standard library's handlers, which only reinitialise locks and reseed random (done below).
KNOWN = frozenset({"threading", "logging", "random", "concurrent.futures.thread"})

try:
    _fork: Any = ctypes.PyDLL(None, use_errno=True).fork   # PyDLL: the interpreter lock stays held
    _fork.restype, _fork.argtypes = ctypes.c_int, []
except (OSError, AttributeError):
    _fork = None
_unknown: list[str] = []        # modules that registered a handler this module does not know


def watch() -> None:
    """From now on, notes which module registers each fork handler (call it before importing others')."""
    register = os.register_at_fork

    def recording(**handlers: Callable[[], object]) -> None:
        caller = sys._getframe(1).f_globals.get("__name__", "?")
        if caller not in KNOWN:
            _unknown.append(caller)
        register(**handlers)

    os.register_at_fork = recording


def one_thread() -> bool:
    """Whether this process has one thread (the kernel's count: C extensions' threads too)."""
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return False


def usable() -> bool:
    """Whether fork() would skip the handlers here and now."""
    return _fork is not None and not _unknown and one_thread()


def fork() -> int:
    """As os.fork(): 0 in the child, the child's pid in the parent; OSError if it cannot fork."""
    if not usable():
        return os.fork()
    pid = _fork()
    if pid < 0:
        errno = ctypes.get_errno()
        raise OSError(errno, os.strerror(errno))
    if pid == 0 and "random" in sys.modules:
        sys.modules["random"].seed()      # what random's own handler does
    return pid


__all__ = ["KNOWN", "fork", "one_thread", "usable", "watch"]
