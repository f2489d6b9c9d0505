"""The worker's control loop.

One thread owns the catalog connection and every package process; it sleeps in one
wait() on the package pipes, the fork server's exit notices and a wake-up pipe (fed by the
LISTEN thread and by signals), and wakes for whichever deadline comes first:
heartbeat, lease renewal, log flush, claim poll, kill after the grace period.
"""
from __future__ import annotations

import logging
import os
import signal
import socket
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

from ..catalog import Catalog
from ..errors import CatalogConnectionError, CatalogError, CatalogNotInstalled, LeaseLost
from ..models import ClaimedTask, TaskOutcome
from ..project.archive import ArchiveError
from ..runtime import launcher
from ..runtime.child import PackageSpec
from ..runtime.events import EventStreamError
from ..runtime.messages import LOG_BUDGET_CHARS, MessageSource, MessageType
from .backoff import Backoff
from .logship import REFUSED, LogShipper
from .state import WorkerState

log = logging.getLogger("scaleout.worker")

# Outcomes a worker reports (internal.update_task_status).
SUCCEEDED, FAILED, CANCELLED, RELEASED = 5, 4, 6, 1
_OUTCOME_NAMES = {SUCCEEDED: "succeeded", FAILED: "failed", CANCELLED: "canceled", RELEASED: "released to the queue"}
SPOOL_INTERVAL = 2.0   # seconds messages wait in memory while the database is away (then: to the spool)
SCHEDULE_POLL = 5.0    # the longest wait between looks for due schedules (a new one may come due sooner)
SCHEDULE_RETRY = 0.05  # a due schedule another worker is firing right now: look again this soon
SCHEDULE_AFTER_CLAIM = 0.5   # after a claim, the schedules wait this long (see _claim)


@dataclass
class WorkerOptions:
    state_dir: Path
    display_name: str | None = None
    tags: str | None = None
    max_tasks: int = 4
    machine_name: str = field(default_factory=socket.gethostname)
    certificate_thumbprint: str | None = None
    drain_timeout: float = 60.0      # seconds running packages may take to finish after SIGTERM
    cancel_grace: float = 10.0       # seconds between SIGTERM and SIGKILL for a stopped package
    poll_interval: float = 2.0       # the longest idle poll when LISTEN/NOTIFY is unavailable
    listen_poll_interval: float = 5.0  # the polling fallback while LISTEN/NOTIFY works


@dataclass
class Attempt:
    """One claimed task attempt, from claim to report."""

    task: ClaimedTask
    process: launcher.PackageProcess | None = None
    work_dir: Path | None = None
    renewed_at: float = field(default_factory=time.monotonic)
    result: str | None = None          # the package's own verdict: succeeded / failed / cancelled
    cancel_requested: bool = False     # catalog.stop_operation reached us
    release: bool = False              # the worker is draining: give the task back
    lease_lost: bool = False           # the lease is gone: stop, report nothing
    events_done: bool = False
    exited: bool = False
    outcome: int | None = None         # what to report, once decided
    logged_chars: int = 0              # package output kept so far (at most LOG_BUDGET_CHARS)
    dropped_messages: int = 0          # package output beyond that: counted, not kept
    dropped_chars: int = 0

    @property
    def finished(self) -> bool:
        return self.outcome is not None


class Worker:
    def __init__(self, catalog: Catalog, options: WorkerOptions) -> None:
        self.catalog, self.options = catalog, options
        self.state = WorkerState(options.state_dir)
        self.worker_agent_id = self.state.worker_agent_id
        self.logs = LogShipper(catalog, self.worker_agent_id, self.state.spool_dir)
        self.attempts: dict[uuid.UUID, Attempt] = {}
        self.enabled = False
        self.lease_seconds = 30
        self.online_window = 30
        self.stopping = False
        self.drain_deadline: float | None = None
        self.give_up_at: float | None = None   # after releasing: stop waiting for an unreachable database
        self.backoff = Backoff()
        self.db_retry_at = 0.0            # while the database is away: when to try again
        self.next_heartbeat = 0.0
        self.next_sweep = 0.0
        self.next_claim = 0.0
        self.idle_polls = 0
        self.queue_notices = 0            # task-queued notifications (and listener reconnects) received so far
        self.renew_all = False
        self.reconcile_due = False
        self.cancel_hints: set[int] = set()
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_w, False)
        self.listener = None
        self.forkserver: launcher.ForkServer | None = None
        self.combined_reports = True      # internal.report_tasks (catalog revision 0004 on)
        self.fires_schedules = True       # internal.fire_schedules (catalog revision 0008 on)
        self.next_schedules = 0.0
        self.schedules_deferred = False   # the next look was put off after a claim (see _claim)
        self.counters = {"claims": 0, "claim_calls": 0, "renewals": 0, "reported": 0,   # for --metrics-port
                         "scheduled": 0}

    # -- wake-ups --------------------------------------------------------------------------

    def wake(self) -> None:
        try:
            os.write(self._wake_w, b"x")
        except BlockingIOError:
            pass   # the pipe is full: a wake-up is already pending

    def _on_notify(self, channel: str, payload: str) -> None:
        if channel == "scaleout_task_cancelled":
            try:
                self.cancel_hints.add(int(payload))
            except ValueError:
                self.renew_all = True
        elif channel == "scaleout_schedule_changed":
            self.next_schedules = 0.0
        else:
            self.next_claim = 0.0
            self.queue_notices += 1      # read by _claim: its backoff must not hide a notice that came during its call
        self.wake()

    def request_stop(self, *_: Any) -> None:
        """First SIGTERM / Ctrl-C: drain. A second one: stop waiting for running packages."""
        if self.stopping:
            self.drain_deadline = 0.0
        else:
            self.stopping = True
            self.drain_deadline = time.monotonic() + self.options.drain_timeout
        self.wake()

    # -- the loop ----------------------------------------------------------------------------

    def run(self, on_registered: Callable[[bool], None] | None = None) -> int:
        """Runs until drained after request_stop(); returns the exit code (0)."""
        self._register_until_reachable()
        if on_registered:
            on_registered(self.enabled)
        self._settle_leftover_leases()
        self._send_spool()
        self.forkserver = launcher.ForkServer()
        self.state.prepare_working_directories(self.options.max_tasks)
        self.reconcile_due = True
        self._start_listener()
        try:
            while True:
                now = time.monotonic()
                if self.stopping:
                    if not self.attempts:
                        break
                    if self.give_up_at is not None and now >= self.give_up_at:
                        log.warning("giving up on %d unreported attempts; their leases will expire",
                                    len(self.attempts))
                        break
                    if self.drain_deadline is not None and now >= self.drain_deadline:
                        self._release_all()
                self._enforce_grace_periods(now)
                if now >= self.db_retry_at:
                    self._database_round(now)
                elif self.logs.due_in(self._log_interval()) == 0:
                    self.logs.flush(database_up=False)   # the database is away: to the spool, not a busy loop
                self._sleep()
        finally:
            self._shutdown()
        return 0

    def _database_round(self, now: float) -> None:
        """Everything that talks to the catalog; a connection error backs off without losing state."""
        try:
            if now >= self.next_heartbeat:
                self._heartbeat()
            if self.reconcile_due:
                self._reconcile()
            self._renew_leases(now)
            self._report_finished()
            if now >= self.next_sweep:
                self.catalog.dealwith_expired_tasks()
                self.next_sweep = now + max(1.0, self.lease_seconds / 2)
            self._prepare_pending()
            if self.enabled and not self.stopping and now >= self.next_claim:
                self._claim()
            if self._schedules_due(now):
                self._fire_schedules()
            due = self.logs.due_in()
            if due is not None and due <= 0:
                self.logs.flush()
            if self.backoff.failures:
                log.info("catalog database reachable again")
            self.backoff.reset()
        except CatalogConnectionError as exc:
            self.reconcile_due = True     # a reply may have been lost: ask the catalog what this worker holds
            delay = self.backoff.next_delay()
            if self.backoff.failures == 1:
                log.warning("catalog database unreachable (%s); retrying with backoff", exc)
            self.db_retry_at = time.monotonic() + delay
            if self.logs.due_in() is not None:
                self.logs.flush(database_up=False)    # to the spool: survives a worker restart too

    def _sleep(self) -> None:
        now = time.monotonic()
        deadlines = [self.next_heartbeat, self.db_retry_at if self.backoff.failures else now + 60]
        if self.enabled and not self.stopping and self._free_slots() > 0:
            deadlines.append(self.next_claim)
        if self.enabled and not self.stopping and self.fires_schedules:
            deadlines.append(self.next_schedules)
        if self.attempts:
            deadlines.append(min(a.renewed_at for a in self.attempts.values()) + self._renew_interval())
        due = self.logs.due_in(self._log_interval())
        if due is not None:
            deadlines.append(now + due)
        for a in self.attempts.values():
            if a.process is not None and a.process.stop_requested_at is not None and not a.exited:
                deadlines.append(a.process.stop_requested_at + self.options.cancel_grace)
            if a.process is None or (a.finished and not self._awaiting_spawn_reply(a)):
                deadlines.append(now)   # setup or report pending
        if self.stopping:
            deadlines.append(self.drain_deadline if self.drain_deadline is not None else now)
        if self.forkserver.has_exits:
            deadlines.append(now)   # notices already received but not yet handled
        spawn_deadline = self.forkserver.spawn_deadline()
        if spawn_deadline is not None:
            deadlines.append(spawn_deadline)
        timeout = max(0.0, min(deadlines) - now)
        waitables: list[Any] = [self._wake_r, self.forkserver]
        channels: dict[Any, Any] = {}     # each pipe of a package process -> its channel
        if not self.logs.full():   # else the package processes wait (their pipes fill) until the batch is sent
            for a in self.attempts.values():
                if a.process is not None and a.process.events is not None and not a.events_done:
                    for reader in a.process.events.readers():
                        channels[reader] = a.process.events
            waitables += channels
        handled: set[int] = set()
        for ready in launcher.wait(waitables, timeout):
            if ready == self._wake_r:
                os.read(self._wake_r, 4096)
            elif ready is not self.forkserver and id(channels[ready]) not in handled:
                handled.add(id(channels[ready]))     # one read takes from all of its pipes
                self._on_events(channels[ready])
        self._on_forkserver()

    # -- registration and heartbeat ---------------------------------------------------------

    def _register_until_reachable(self) -> None:
        while True:
            try:
                self._heartbeat()
                log.info("registered as worker agent %s (%s)", self.worker_agent_id,
                         "enabled" if self.enabled else "disabled until an admin enables it")
                return
            except CatalogConnectionError as exc:
                if self.stopping:
                    raise
                delay = self.backoff.next_delay()
                log.warning("cannot register yet (%s); retrying in %.1f s", exc, delay)
                time.sleep(delay)

    def _heartbeat(self) -> None:
        o = self.options
        status = self.catalog.update_worker_agent_status(
            self.worker_agent_id, o.machine_name, display_name=o.display_name, tags=o.tags,
            max_tasks=o.max_tasks, certificate_thumbprint=o.certificate_thumbprint)
        if status.warning:
            log.warning("%s", status.warning)
        if status.is_enabled != self.enabled and self.next_heartbeat:
            log.info("worker agent %s is now %s", self.worker_agent_id,
                     "enabled" if status.is_enabled else "disabled")
        self.enabled, self.lease_seconds, self.online_window = \
            status.is_enabled, status.lease_seconds, status.online_window_seconds
        # A disabled worker checks every second, so enabling it takes effect at once. An enabled one calls
        # in at least every quarter lease: the catalog reads a longer silence of every worker as an outage
        # and credits it to the leases (internal.take_pulse).
        interval = max(0.25, min(self.online_window / 3, self.lease_seconds / 4)) if self.enabled else 1.0
        self.next_heartbeat = time.monotonic() + interval
        if self.enabled:
            self.next_claim = min(self.next_claim, time.monotonic())

    def _settle_leftover_leases(self) -> None:
        """Attempts this worker held when it last died: their processes died with it. Report them
        failed so that they are retried now rather than after the lease expires; a stale one is refused."""
        for held in self.state.leftover_leases():
            task_id, token = uuid.UUID(held["task_id"]), uuid.UUID(held["lease_token"])
            self.logs.add(token, _now(), MessageType.ERROR, MessageSource.EXTERNAL_PROCESS,
                          f"Attempt {held['attempt']} was interrupted: worker agent {self.worker_agent_id} "
                          "stopped unexpectedly while the package ran.")
            try:
                self.logs.flush()
                status = self.catalog.update_task_status(self.worker_agent_id, task_id, token, FAILED)
                log.info("settled interrupted attempt of execution %s: task now %s", held["execution_id"], status)
            except LeaseLost:
                log.info("interrupted attempt of execution %s: its lease had already expired (stale report refused)",
                         held["execution_id"])
            except CatalogConnectionError:
                return   # try again at the next start; the lease expires meanwhile anyway
            self.state.forget_lease(task_id)

    def _reconcile(self) -> None:
        """On start and after every reconnect: the catalog's list of the tasks this worker holds (their
        leases renewed). A task it does not know is a claim whose reply was lost: adopt and run it."""
        held = self.catalog.get_held_tasks(self.worker_agent_id)
        self.reconcile_due = False
        for task in held:
            if task.task_id in self.attempts:
                continue
            log.warning("adopting execution %s (attempt %s): claimed for this worker, but the reply was lost",
                        task.execution_id, task.executed_count)
            self.state.remember_lease(task.task_id, task.lease_token, task.execution_id, task.executed_count)
            self.attempts[task.task_id] = Attempt(task)

    def _start_listener(self) -> None:
        if self.catalog.dialect != "postgresql":
            return
        from .wakeup import PgListener
        url = self.catalog.engine.url.set(drivername="postgresql")
        self.listener = PgListener(url.render_as_string(hide_password=False), self._on_notify)
        self.listener.start()

    # -- schedules ------------------------------------------------------------------------------

    def _schedules_due(self, now: float) -> bool:
        return self.enabled and not self.stopping and self.fires_schedules and now >= self.next_schedules

    def _fire_schedules(self) -> None:
        """Every enabled worker fires due schedules; the catalog makes each due time fire once, whichever
        worker comes first. The reply says when the next one is due, so the worker looks again then."""
        self.schedules_deferred = False
        try:
            fired, due_in = self.catalog.fire_schedules(self.worker_agent_id)
        except CatalogNotInstalled:
            log.info("the catalog has no schedules (revision 0008 is not installed); not firing any")
            self.fires_schedules = False
            return
        except CatalogConnectionError:
            raise
        except CatalogError as exc:      # such as 27252: this worker was disabled a moment ago
            log.warning("could not fire schedules: %s", exc)
            self.next_schedules = time.monotonic() + SCHEDULE_POLL
            return
        if fired:
            self.counters["scheduled"] += fired
            log.info("fired %d scheduled execution%s", fired, "" if fired == 1 else "s")
            self.next_claim = min(self.next_claim, time.monotonic())
        wait = SCHEDULE_POLL if due_in is None else min(SCHEDULE_POLL, max(due_in, SCHEDULE_RETRY))
        self.next_schedules = time.monotonic() + wait

    # -- claiming and starting ----------------------------------------------------------------

    def _free_slots(self) -> int:
        return self.options.max_tasks - len(self.attempts)

    def _claim(self) -> None:
        free = self._free_slots()
        if free <= 0:
            return
        notices = self.queue_notices
        claimed = self.catalog.pull_task(self.worker_agent_id, free)
        self.counters["claim_calls"] += 1
        self.counters["claims"] += len(claimed)
        for task in claimed:
            self.attempts[task.task_id] = Attempt(task)
        self._prepare_pending()
        for task in claimed:      # after the spawn requests: a crash before this only loses the early report
            if task.task_id in self.attempts:
                self.state.remember_lease(task.task_id, task.lease_token, task.execution_id, task.executed_count)
        listening = self.listener is not None and self.listener.healthy
        if claimed:
            self.state.prepare_working_directories(self.options.max_tasks)   # for the next claim, off this one's path
            # Packages just starting write first: the schedules wait a moment (once between two looks, so a
            # busy worker still looks), and this loop reads their output while their _OutputBarrier waits
            # (a session's first call compiles the firing procedures, which takes long on Babelfish).
            if not self.schedules_deferred:
                self.next_schedules = max(self.next_schedules, time.monotonic() + SCHEDULE_AFTER_CLAIM)
                self.schedules_deferred = True
            self.idle_polls = 0
        # A claim that got fewer tasks than it asked for found no more waiting (SKIP LOCKED passes over only
        # rows another claim is taking): the next look waits, as an idle one does, for a notification or
        # the poll. Looking again at once would compete with the packages just starting, for nothing.
        # A notification that came during the call set next_claim before this line would: look again now.
        if self._free_slots() <= 0:
            self.next_claim = time.monotonic() + 3600      # until a report frees a slot
        elif self.queue_notices != notices:
            self.next_claim = time.monotonic()
        else:
            self.idle_polls += 1
            ceiling = self.options.listen_poll_interval if listening else self.options.poll_interval
            self.next_claim = time.monotonic() + min(ceiling, 0.05 * 2 ** min(self.idle_polls, 10))

    def _prepare_pending(self) -> None:
        for attempt in list(self.attempts.values()):
            if attempt.process is None and not attempt.finished:
                self._start(attempt)

    def _start(self, attempt: Attempt) -> None:
        try:
            self._launch(attempt)
        except CatalogConnectionError:
            raise
        except LeaseLost:
            self._lose_lease(attempt)
        except Exception as exc:  # noqa: BLE001  (whatever it is, it is this attempt's failure)
            self._fail(attempt, "start", exc)

    def _launch(self, attempt: Attempt) -> None:
        """Sends the spawn request; the PRE_EXECUTE message follows with the pid (_on_started).
        What to run comes with the claim (catalog revision 0003 on), else from two more calls."""
        task = attempt.task
        try:
            if task.entry_point is not None:
                package_name, entry_point, checksum = task.package_name, task.entry_point, task.project_checksum
                parameters = task.parameters or ()
            else:
                package = self.catalog.get_task_package(self.worker_agent_id, task.task_id, task.lease_token,
                                                        include_stream=False)
                package_name, entry_point, checksum = package.package_name, package.entry_point, \
                    package.project_checksum
                parameters = self.catalog.get_task_parameters(self.worker_agent_id, task.task_id, task.lease_token)
            project_dir = self.state.cached_project(checksum)
            if project_dir is None:
                stream = self.catalog.get_task_package(self.worker_agent_id, task.task_id, task.lease_token,
                                                       include_stream=True).project_stream
                project_dir = self.state.extract_project(stream, checksum)
        except ArchiveError as exc:
            self._message(attempt, MessageType.ERROR, f"The project archive was refused: {exc}")
            attempt.outcome = FAILED
            return
        attempt.work_dir = self.state.working_directory(task.execution_id, task.executed_count)
        spec = PackageSpec(
            execution_id=task.execution_id, package_name=package_name, entry_point=entry_point,
            attempt=task.executed_count, max_attempts=task.max_executed_count,
            project_directory=str(project_dir), working_directory=str(attempt.work_dir),
            parameters=tuple((p.object_type, p.parameter_name, p.parameter_data_type, p.parameter_value,
                              bool(p.sensitive)) for p in parameters))
        attempt.process = launcher.PackageProcess(spec)
        try:
            attempt.process.start(self.forkserver)
        except launcher.ForkServerDied as exc:
            self._restart_forkserver(str(exc))
            attempt.process.start(self.forkserver)     # once more; a second failure fails the attempt
        attempt.renewed_at = time.monotonic()

    def _on_started(self, started: list[launcher.PackageProcess]) -> None:
        """Spawn replies: the attempt's PRE_EXECUTE message (timed when the spawn was asked for, so
        that it comes before the package's own messages), or its failure to start."""
        by_process = {id(a.process): a for a in self.attempts.values() if a.process is not None}
        for process in started:
            attempt = by_process.get(id(process))
            if attempt is None:
                continue
            if process.failed is not None:
                self._fail(attempt, "start", RuntimeError(process.failed))
                continue
            task = attempt.task
            self.logs.add(task.lease_token, process.requested_at, MessageType.PRE_EXECUTE,
                          MessageSource.EXTERNAL_PROCESS,
                          f"Worker agent {self.worker_agent_id} ({self.options.machine_name}) started attempt "
                          f"{task.executed_count} of {task.max_executed_count} of package {process.spec.package_name} "
                          f"in process {process.pid}.")

    def _on_forkserver(self) -> None:
        """What the fork server said: spawn replies first, then exits."""
        try:
            exits = self.forkserver.exits()
        except launcher.ForkServerDied as exc:
            self._restart_forkserver(str(exc))
            return
        self._on_started(self.forkserver.take_started())
        self._on_exits(exits)

    # -- running packages -------------------------------------------------------------------------

    def _on_events(self, events: Any) -> None:
        for attempt in self.attempts.values():
            if attempt.process is not None and attempt.process.events is events:
                self._read_events(attempt)
                return

    def _on_exits(self, exits: dict[int, int]) -> None:
        for attempt in self.attempts.values():
            if attempt.process is not None and attempt.process.pid in exits:
                attempt.process.exitcode = exits[attempt.process.pid]
                attempt.exited = True
                if attempt.process.events is not None:
                    attempt.process.events.exited = True   # output others still hold open is cut once drained
                if attempt.process.kill_leftovers():
                    self._message(attempt, MessageType.WARNING,
                                  f"The package left processes running in its process group ({attempt.process.pid}) "
                                  "when it ended; they were killed.")
                self._read_events(attempt)      # reads what is left, then decides the outcome

    def _read_events(self, attempt: Attempt) -> None:
        """Reads what the package process has sent (a bounded amount per call: the loop stays responsive
        and memory stays bounded however much it writes); once it has exited and its pipe is empty
        (or closed: a process it left behind may hold it open), decides the outcome."""
        try:
            reader = attempt.process.events
            if not attempt.events_done:
                for event in reader.read():
                    self._on_event(attempt, event)
                if reader.cut_off:
                    self._message(attempt, MessageType.WARNING, f"The package process's last event was cut off "
                                                                f"after {reader.cut_off} bytes (it was killed mid-write).")
                attempt.events_done = reader.eof or (attempt.exited and reader.drained)
            if attempt.exited and attempt.events_done:
                self._decide(attempt)
        except CatalogConnectionError:
            raise
        except Exception as exc:  # noqa: BLE001
            self._fail(attempt, "read the events of", exc)

    def _on_event(self, attempt: Attempt, event: list[Any]) -> None:
        if event[0] == "message":
            _, when, message_type, text, omitted = event
            if attempt.logged_chars >= LOG_BUDGET_CHARS:
                attempt.dropped_messages += 1
                attempt.dropped_chars += len(text) + int(omitted)
                return
            attempt.logged_chars += len(text)
            self.logs.add(attempt.task.lease_token, datetime.fromisoformat(when), int(message_type),
                          MessageSource.PACKAGE, text, int(omitted))
        elif event[0] == "result":
            attempt.result = str(event[1])
        else:
            raise EventStreamError(f"an event of unknown kind {event[0][:40]!r}")

    def _decide(self, attempt: Attempt) -> None:
        """Once the process has exited: the outcome to report."""
        if not attempt.exited or attempt.finished or attempt.lease_lost:
            return
        try:
            self._decide_outcome(attempt)
        except Exception as exc:  # noqa: BLE001
            self._fail(attempt, "decide the outcome of", exc)

    def _decide_outcome(self, attempt: Attempt) -> None:
        if attempt.dropped_messages:
            self._message(attempt, MessageType.WARNING,
                          f"The package wrote more than the {LOG_BUDGET_CHARS} characters of messages that one "
                          f"attempt keeps: {attempt.dropped_messages} further messages ({attempt.dropped_chars} "
                          "characters) were dropped.")
        process = attempt.process
        if attempt.release:
            attempt.outcome = RELEASED
        elif attempt.cancel_requested:
            attempt.outcome = CANCELLED
        elif attempt.result == "succeeded" and process.exitcode == 0:
            attempt.outcome = SUCCEEDED
        else:
            attempt.outcome = FAILED
            if attempt.result is None:
                how = (f"was killed by signal {-process.exitcode}" if process.exitcode and process.exitcode < 0
                       else f"exited with code {process.exitcode}")
                self._message(attempt, MessageType.ERROR, f"The package process {how} without reporting an outcome.")
        self._message(attempt, MessageType.POST_EXECUTE,
                      f"Attempt {attempt.task.executed_count} ended: {_OUTCOME_NAMES[attempt.outcome]}.")

    def _fail(self, attempt: Attempt, step: str, exc: BaseException) -> None:
        """An unexpected error in the worker's handling of one attempt: that attempt fails (its process,
        if any, is killed), with the error in its log; the worker and its other attempts go on."""
        task = attempt.task
        log.error("execution %s attempt %s: the worker failed to %s it: %s: %s", task.execution_id,
                  task.executed_count, step, type(exc).__name__, exc, exc_info=exc)
        self._message(attempt, MessageType.ERROR, f"The worker failed to {step} this attempt: "
                                                  f"{type(exc).__name__}: {exc}")
        process = attempt.process
        if process is not None and not attempt.exited:
            process.kill()      # a pid not yet known: killed as soon as the fork server names it
        attempt.exited = attempt.events_done = True
        if not attempt.lease_lost:
            attempt.outcome = RELEASED if attempt.release else CANCELLED if attempt.cancel_requested else FAILED
            self._message(attempt, MessageType.POST_EXECUTE,
                          f"Attempt {task.executed_count} ended: {_OUTCOME_NAMES[attempt.outcome]}.")

    def _restart_forkserver(self, reason: str) -> None:
        """The fork server died (or stopped answering). Its package processes died with it
        (PR_SET_PDEATHSIG; their process groups are killed here too, so that nothing of theirs runs on):
        their attempts fail with the reason in their logs. The next ones run on a new fork server."""
        old = self.forkserver
        log.warning("%s; starting a new fork server", reason)
        self._on_started(old.take_started())   # what it said before it went
        self._on_exits(old.take_exits())
        old.close(kill=True)
        for attempt in list(self.attempts.values()):
            process = attempt.process
            if process is None or process.server is not old or attempt.exited:
                continue
            process.kill()
            process.exitcode = -signal.SIGKILL
            attempt.exited = True
            if process.events is not None:
                process.events.exited = True
            which = f"The package process {process.pid}" if process.pid is not None else \
                "The package process (not yet started)"
            self._message(attempt, MessageType.ERROR,
                          f"{which} was lost: {reason}, and its package processes were killed with it.")
            self._read_events(attempt)
        if time.monotonic() - old.started_at < 1.0:
            time.sleep(1.0)     # one that cannot stay up is not restarted in a tight loop
        self.forkserver = launcher.ForkServer()

    def _log_interval(self) -> float:
        """How long messages wait in memory: while the database is away, long enough that the
        spool gets a file every few seconds rather than every 0.2 s."""
        return SPOOL_INTERVAL if self.backoff.failures else self.logs.interval

    def _send_spool(self) -> None:
        """Messages an earlier run spooled: sent now, not only when the next message comes."""
        if self.logs.pending():
            try:
                self.logs.flush()
            except CatalogConnectionError:
                pass    # they go with the next messages

    def _enforce_grace_periods(self, now: float) -> None:
        for attempt in self.attempts.values():
            p = attempt.process
            if p is not None and not attempt.exited and p.stop_requested_at is not None and not p.killed \
                    and now >= p.stop_requested_at + self.options.cancel_grace:
                self._message(attempt, MessageType.WARNING,
                              f"The package did not stop within {self.options.cancel_grace:g} s of SIGTERM; "
                              "killing its process group.")
                p.kill()

    def _renew_interval(self) -> float:
        return max(0.5, self.lease_seconds / 3)

    def _renew_leases(self, now: float) -> None:
        hints, self.cancel_hints = self.cancel_hints, set()
        renew_all, self.renew_all = self.renew_all, False
        for attempt in list(self.attempts.values()):
            if attempt.finished or attempt.lease_lost:
                continue
            hinted = renew_all or attempt.task.execution_id in hints
            if not hinted and now < attempt.renewed_at + self._renew_interval():
                continue
            try:
                renewal = self.catalog.renew_task_lease(self.worker_agent_id, attempt.task.task_id,
                                                        attempt.task.lease_token)
            except LeaseLost:
                self._lose_lease(attempt)
                continue
            attempt.renewed_at = time.monotonic()
            self.counters["renewals"] += 1
            if renewal.is_cancelled and not attempt.cancel_requested:
                attempt.cancel_requested = True
                self._message(attempt, MessageType.INFORMATION, "The execution was stopped (catalog.stop_operation); "
                                                                "stopping the package.")
                self._stop_process(attempt)

    def _stop_process(self, attempt: Attempt) -> None:
        if attempt.process is None:
            attempt.exited = True
            attempt.outcome = RELEASED if attempt.release else CANCELLED
        elif not attempt.exited:
            attempt.process.stop()

    def _lose_lease(self, attempt: Attempt) -> None:
        """The lease expired and the task may be someone else's now: stop, and report nothing."""
        log.warning("lost the lease on execution %s (attempt %s); stopping it without reporting",
                    attempt.task.execution_id, attempt.task.executed_count)
        attempt.lease_lost = True
        if attempt.process is not None and not attempt.exited:
            attempt.process.stop()
        else:
            self._forget(attempt)

    def _release_all(self) -> None:
        for attempt in self.attempts.values():
            if not attempt.finished and not attempt.release:
                attempt.release = True
                self._message(attempt, MessageType.WARNING, "The worker is shutting down; the package is stopped "
                                                            "and the task goes back to the queue.")
                self._stop_process(attempt)
        self.drain_deadline = None
        self.give_up_at = time.monotonic() + self.options.cancel_grace + 15

    # -- reporting ---------------------------------------------------------------------------------

    def _report_finished(self) -> None:
        for attempt in [a for a in self.attempts.values() if a.lease_lost and (a.exited or a.process is None)]:
            self._forget(attempt)
        done = [a for a in self.attempts.values() if a.finished and not self._awaiting_spawn_reply(a)]
        if not done:
            return
        results = self._report([(a.task.task_id, a.task.lease_token, a.outcome) for a in done])
        refused = {r.task_id for r in results if r.status is None}
        self.counters["reported"] += len(done) - len(refused)
        for attempt in done:
            if attempt.task.task_id in refused:
                log.warning("the outcome of execution %s attempt %s was refused: the lease had expired",
                            attempt.task.execution_id, attempt.task.executed_count)
            self._forget(attempt)
        self.next_claim = min(self.next_claim, time.monotonic())

    def _awaiting_spawn_reply(self, attempt: Attempt) -> bool:
        """Its spawn request is not answered yet: the PRE_EXECUTE message, which names the process, comes
        with the reply. An attempt that failed before that (its package's first event refused, say) is
        reported once the reply is in, or once the fork server is declared gone, so that its log keeps the
        start; the reply follows the request within the fork server's spawn timeout."""
        process = attempt.process
        return process is not None and process.pid is None and process.failed is None \
            and process.server is self.forkserver

    def _report(self, outcomes: list[tuple[uuid.UUID, uuid.UUID, int]]) -> list[TaskOutcome]:
        """The buffered messages and the outcomes in one call and one transaction (the messages first:
        a finished execution has its whole log). Where that cannot be, or the catalog refuses any of
        it (then nothing of it was stored), the messages go through the log shipper, which isolates a
        refused record, and then the outcomes alone."""
        batch = self.logs.take() if self.combined_reports else None
        if batch is not None:
            try:
                return self.catalog.report_tasks(self.worker_agent_id, batch, outcomes)
            except CatalogNotInstalled:     # a catalog before revision 0004
                self.combined_reports = False
                self.logs.put_back(batch)
            except REFUSED:
                self.logs.put_back(batch)
            except (CatalogConnectionError, CatalogError):
                self.logs.put_back(batch)   # spooled by the caller's handler if the database is away
                raise
        self.logs.flush()
        return self.catalog.update_tasks_status(self.worker_agent_id, outcomes)

    def _forget(self, attempt: Attempt) -> None:
        if attempt.process is not None:
            attempt.process.close()
        if attempt.work_dir is not None:
            self.state.remove_working_directory(attempt.work_dir)
        self.state.forget_lease(attempt.task.task_id)
        self.attempts.pop(attempt.task.task_id, None)

    def _message(self, attempt: Attempt, message_type: int, text: str) -> None:
        self.logs.add(attempt.task.lease_token, _now(), message_type, MessageSource.EXTERNAL_PROCESS, text)

    # -- shutdown ------------------------------------------------------------------------------------

    def _shutdown(self) -> None:
        if self.listener is not None:
            self.listener.stop()
        for attempt in self.attempts.values():      # only on an unexpected error: stop what runs
            if attempt.process is not None and not attempt.exited:
                attempt.process.kill()
        if self.forkserver is not None:
            self.forkserver.close()
        deadline = time.monotonic() + 10
        while self.logs.pending() and time.monotonic() < deadline:
            try:
                self.logs.flush()
            except CatalogConnectionError:
                time.sleep(0.5)
        self.state.close()
        os.close(self._wake_r)
        os.close(self._wake_w)


def _now() -> datetime:
    return datetime.now(timezone.utc)


__all__ = ["Worker", "WorkerOptions"]
