"""Starts and stops package processes through a fork server (multiprocessing 'forkserver').

The fork server imports the runtime once; each attempt is a fork of it, so a no-op
package costs a fork, not an interpreter start-up. Each package process leads its
own process group, so stopping it stops whatever it started too.
"""
from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import signal
import time
from multiprocessing.connection import Connection
from typing import Any

from .child import PackageSpec, run_package

_CONTEXT = multiprocessing.get_context("forkserver")
# '__main__' first: the fork server imports the main script once, so that its children
# need not (multiprocessing would otherwise re-import it in every package process).
_CONTEXT.set_forkserver_preload(["__main__", "scaleout_catalog.runtime.child"])


def warm_up() -> None:
    """Starts the fork server now rather than at the first execution."""
    from multiprocessing import forkserver
    forkserver.ensure_running()


class PackageProcess:
    """One running package attempt."""

    def __init__(self, spec: PackageSpec) -> None:
        self.spec = spec
        self.events, writer = _CONTEXT.Pipe(duplex=False)
        self._process = _CONTEXT.Process(target=run_package, args=(spec, writer), daemon=False,
                                         name=f"package-{spec.execution_id}")
        self._writer = writer
        self.stop_requested_at: float | None = None
        self.killed = False

    def start(self) -> None:
        self._process.start()
        self._writer.close()        # the child holds its own copy; EOF on ours means it is gone

    @property
    def pid(self) -> int | None:
        return self._process.pid

    @property
    def sentinel(self) -> int:
        return self._process.sentinel

    @property
    def exitcode(self) -> int | None:
        return self._process.exitcode

    def is_alive(self) -> bool:
        return self._process.is_alive()

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
        pid = self._process.pid
        if pid is None:
            return
        try:
            os.killpg(pid, signum)
        except ProcessLookupError:
            try:                       # not yet its own group leader, or already gone
                os.kill(pid, signum)
            except ProcessLookupError:
                pass

    def join(self, timeout: float | None = None) -> None:
        self._process.join(timeout)

    def close(self) -> None:
        self.events.close()
        try:
            self._process.close()
        except ValueError:
            pass


def wait(objects: list[Any], timeout: float) -> list[Any]:
    """Waits until one of the event pipes or process sentinels is ready."""
    return multiprocessing.connection.wait(objects, timeout)


__all__ = ["PackageProcess", "PackageSpec", "warm_up", "wait", "Connection"]
