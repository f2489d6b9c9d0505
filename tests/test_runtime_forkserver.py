"""The package runtime without a catalog: a real fork server, its per-project generations, and the
pipes a package process writes to (events, and fds 1 and 2 read by the worker)."""
from __future__ import annotations

import os
import time
from pathlib import Path

import psutil
import pytest

from scaleout_catalog.runtime import launcher
from scaleout_catalog.runtime.child import PackageSpec
from scaleout_catalog.runtime.forkserver import MAX_GENERATIONS

FORGER = """
import json, os, socket
for name in os.listdir("/proc/self/fd"):
    try:
        is_socket = os.readlink(f"/proc/self/fd/{{name}}").startswith("socket:")
    except OSError:
        continue
    if is_socket:
        forged = socket.socket(fileno=os.dup(int(name)))
        socket.send_fds(forged, [json.dumps(["spare", {pid}]).encode()], [{fd}])
        forged.detach()
def run(context):
    context.logger.info("ran")
"""

PACKAGES = {
    "clean.py": """
import os, subprocess, sys
def run(context):
    context.logger.info("first")
    os.write(1, b"to fd 1\\n")
    subprocess.run([sys.executable, "-c", "import sys; print('from a subprocess', file=sys.stderr)"], check=True)
    context.logger.info("last %s", context.parameters["Key"])
    os.write(2, b"the key is " + context.parameters["Key"].encode() + b" and no newline")
""",
    "noisy.py": """
print("printed while imported")
def run(context):
    context.logger.info("ran")
""",
    "broken.py": """
raise ImportError("this module cannot be imported")
""",
    "threads.py": """
import threading, time
threading.Thread(target=time.sleep, args=(30,), daemon=True).start()
def run(context):
    context.logger.info("ran")
""",
    "chance.py": """
import os, random
def run(context):
    context.logger.info("%r", random.random())
    context.logger.info("parent %d", os.getppid())
""",
    "forkhook.py": """
import os
forked = []
os.register_at_fork(after_in_child=lambda: forked.append(os.getpid()))
def run(context):
    context.logger.info("after-fork handler ran in %s", "this process" if forked == [os.getpid()] else forked)
    context.logger.info("parent %d", os.getppid())
""",
    # Imported in a generation, it forges a spare for the fork server: a pipe rather than a socket, or
    # process 1 (whose group, signalled, would be every process). Elsewhere it finds no socket to forge on.
    "forger_pipe.py": FORGER.format(fd="os.pipe()[0]", pid=4242),
    "forger_pid1.py": FORGER.format(fd="socket.socketpair()[0].detach()", pid=1),
}


@pytest.fixture()
def server():
    forkserver = launcher.ForkServer()
    try:
        yield forkserver
    finally:
        forkserver.close()


def _project(root: Path, name: str = "project") -> Path:
    project = root / name
    project.mkdir()
    for file, text in PACKAGES.items():
        (project / file).write_text(text)
    return project


def _run(server: launcher.ForkServer, project: Path, work: Path, entry_point: str, key: str = "k") -> dict:
    """Starts one package process and reads it to the end; its events, exit code and parent."""
    spec = PackageSpec(execution_id=1, package_name="p", entry_point=entry_point, attempt=1, max_attempts=1,
                       project_directory=str(project), working_directory=str(work),
                       parameters=((30, "Key", "String", key, True),))
    process = launcher.PackageProcess(spec)
    process.start(server)
    events, exitcode, parent = [], None, None
    deadline = time.monotonic() + 30
    while exitcode is None or not (process.events.eof or process.events.drained):
        assert time.monotonic() < deadline, events
        launcher.wait([server, *process.events.readers()], 1)
        exits = server.exits()
        for started in server.take_started():
            try:
                parent = psutil.Process(started.pid).ppid()
            except psutil.NoSuchProcess:
                pass
        if process.pid in exits:
            exitcode = exits[process.pid]
            process.events.exited = True
        events += process.events.read()
    process.close()
    events.sort(key=lambda e: e[1] if e[0] == "message" else "~")   # as the catalog orders them: by time
    if parent is None:      # it ended before psutil looked: the packages that say so name their parent
        parent = next((int(e[3].split()[1]) for e in events if e[0] == "message" and e[3].startswith("parent ")), None)
    return {"events": events, "exitcode": exitcode, "parent": parent, "pid": process.pid,
            "lines": [(e[2], e[3]) for e in events if e[0] == "message"],
            "result": next(e[1] for e in events if e[0] == "result")}


def test_output_of_c_code_and_subprocesses_is_read_by_the_worker_in_order_and_masked(server, tmp_path):
    project = _project(tmp_path)
    for _ in range(3):      # the first from the server, the next ones from the project's generation
        run = _run(server, project, tmp_path, "clean:run", key="s3cr3t")
        assert run["result"] == "succeeded" and run["exitcode"] == 0
        assert run["lines"] == [(70, "first"), (70, "to fd 1"), (110, "from a subprocess"),
                                (70, "last ********"), (110, "the key is ******** and no newline")]
        times = [e[1] for e in run["events"] if e[0] == "message"]
        assert times[:4] == sorted(times[:4])


def test_a_clean_module_is_preloaded_in_a_generation_process(server, tmp_path):
    project = _project(tmp_path)
    first = _run(server, project, tmp_path, "clean:run")
    assert first["parent"] == server.pid
    time.sleep(0.5)                                 # the generation imports the module meanwhile
    later = _run(server, project, tmp_path, "clean:run")
    assert later["result"] == "succeeded"
    assert later["parent"] not in (None, server.pid)
    assert psutil.Process(later["parent"]).ppid() == server.pid


@pytest.mark.parametrize("module", ["noisy", "threads"])
def test_a_module_with_import_side_effects_is_never_preloaded(server, tmp_path, module):
    project = _project(tmp_path)
    for _ in range(3):
        run = _run(server, project, tmp_path, f"{module}:run")
        assert run["parent"] in (None, server.pid)
        assert run["result"] == "succeeded"
        if module == "noisy":      # what it prints as it is imported is still the attempt's
            assert run["lines"][0] == (70, "printed while imported")
        time.sleep(0.3)


def test_a_module_that_cannot_be_imported_fails_only_its_attempts(server, tmp_path):
    project = _project(tmp_path)
    for _ in range(3):
        run = _run(server, project, tmp_path, "broken:run")
        assert run["result"] == "failed" and run["exitcode"] == 1
        assert "ImportError: this module cannot be imported" in run["lines"][-1][1]
        time.sleep(0.3)
    assert _run(server, project, tmp_path, "clean:run")["result"] == "succeeded"


def test_generations_are_bounded(server, tmp_path):
    projects = [_project(tmp_path, f"project{i}") for i in range(MAX_GENERATIONS + 2)]
    for project in projects:
        assert _run(server, project, tmp_path, "clean:run")["result"] == "succeeded"
        time.sleep(0.3)

    def generations() -> int:
        return len(psutil.Process(server.pid).children())
    deadline = time.monotonic() + 10
    while generations() > MAX_GENERATIONS and time.monotonic() < deadline:
        time.sleep(0.1)
    assert generations() <= MAX_GENERATIONS
    assert _run(server, projects[-1], tmp_path, "clean:run")["result"] == "succeeded"


def test_a_killed_generation_costs_no_attempt(server, tmp_path):
    project = _project(tmp_path)
    _run(server, project, tmp_path, "clean:run")
    time.sleep(0.5)
    [generation] = psutil.Process(server.pid).children()
    os.kill(generation.pid, 9)
    generation.wait(10)
    for _ in range(2):
        assert _run(server, project, tmp_path, "clean:run")["result"] == "succeeded"


def _spare(generation: psutil.Process) -> psutil.Process:
    """The generation's spare: its one child while no package runs."""
    deadline = time.monotonic() + 10
    while not (children := generation.children()):
        assert time.monotonic() < deadline, "the generation has no spare"
        time.sleep(0.05)
    [spare] = children
    return spare


def test_a_generation_hands_each_spawn_to_a_spare_forked_ahead(server, tmp_path):
    project = _project(tmp_path)
    _run(server, project, tmp_path, "clean:run")
    time.sleep(0.5)
    [generation] = psutil.Process(server.pid).children()
    for _ in range(3):
        spare = _spare(generation)
        run = _run(server, project, tmp_path, "clean:run")
        assert run["result"] == "succeeded" and run["pid"] == spare.pid     # the spare was that run


def test_a_spare_killed_while_it_waits_costs_nothing(server, tmp_path):
    """A spare that dies unused is not a package process: nothing is reported for it, the generation
    stays, and the next spawn is forked at once and finds a new spare after it."""
    project = _project(tmp_path)
    _run(server, project, tmp_path, "clean:run")
    time.sleep(0.5)
    [generation] = psutil.Process(server.pid).children()
    spare = _spare(generation)
    os.kill(spare.pid, 9)
    spare.wait(10)
    for _ in range(3):
        run = _run(server, project, tmp_path, "clean:run")
        assert run["result"] == "succeeded" and run["parent"] == generation.pid
    assert generation.is_running() and psutil.Process(server.pid).children() == [generation]
    assert not server.exits()


def _from_generation(server: launcher.ForkServer, project: Path, work: Path, entry_point: str, runs: int) -> list[dict]:
    """`runs` attempts of entry_point forked by the project's generation (the first, from the server, not counted)."""
    _run(server, project, work, entry_point, key="secret-key")
    time.sleep(0.5)
    done = [_run(server, project, work, entry_point, key="secret-key") for _ in range(runs)]
    assert all(r["parent"] not in (None, server.pid) and r["result"] == "succeeded" for r in done)
    return done


def test_each_package_process_draws_its_own_random_numbers(server, tmp_path):
    """Package processes are forked without the interpreter's after-fork handlers (lightfork.py); random's
    reseeding is done there all the same, or every attempt would draw its siblings' numbers."""
    drawn = [r["lines"][0][1] for r in _from_generation(server, _project(tmp_path), tmp_path, "chance:run", 4)]
    assert len(set(drawn)) == 4, drawn


def test_a_fork_handler_a_project_registers_runs_in_its_package_processes(server, tmp_path):
    """A module that registers its own os.register_at_fork handler gets os.fork(), which runs it."""
    for run in _from_generation(server, _project(tmp_path), tmp_path, "forkhook:run", 2):
        assert run["lines"][0] == (70, "after-fork handler ran in this process")


LIGHTFORK_PROBE = """
import os, sys, threading, time
from scaleout_catalog.runtime import lightfork
lightfork.watch()
import random
print("fresh", lightfork.usable())
r, w = os.pipe()
for _ in range(2):
    pid = lightfork.fork()
    if pid == 0:
        os.write(w, (repr(random.random()) + "\\n").encode())
        os._exit(0)
    os.waitpid(pid, 0)
print("draws", *os.read(r, 4096).decode().split())
t = threading.Thread(target=time.sleep, args=(1,))
t.start()
print("with a thread", lightfork.usable())
t.join()
deadline = time.monotonic() + 10   # join() returns before the kernel has retired the thread
while not lightfork.one_thread() and time.monotonic() < deadline:
    time.sleep(0.001)
print("thread gone", lightfork.usable())
os.register_at_fork(after_in_child=lambda: None)
print("unknown handler", lightfork.usable(), lightfork._unknown)
"""


def test_lightfork_is_used_only_where_no_other_thread_or_handler_needs_os_fork(tmp_path):
    import subprocess
    import sys
    out = subprocess.run([sys.executable, "-c", LIGHTFORK_PROBE], capture_output=True, text=True, timeout=60,
                         check=True).stdout.splitlines()
    assert out[0] == "fresh True"
    draws = out[1].split()[1:]
    assert len(draws) == 2 and draws[0] != draws[1]
    assert out[2:] == ["with a thread False", "thread gone True", "unknown handler False ['__main__']"]


def test_a_spare_waits_in_its_own_session_and_runs_its_package_there(server, tmp_path):
    """A spare has made itself a package process before its request comes (its own session and process
    group, which the worker stops at once): the package then runs in it as one forked on demand would."""
    project = _project(tmp_path)
    _run(server, project, tmp_path, "clean:run")
    time.sleep(0.5)
    [generation] = psutil.Process(server.pid).children()
    spare = _spare(generation)
    assert os.getsid(spare.pid) == spare.pid and os.getpgid(spare.pid) == spare.pid
    run = _run(server, project, tmp_path, "clean:run")
    assert run["result"] == "succeeded" and run["pid"] == spare.pid


def test_rehearse_leaves_nothing_behind():
    """rehearse() runs a package process's set-up and a first log record in the fork server and in every
    spare: the streams, the root logger, the SIGTERM handler and the open descriptors are as before."""
    import logging
    import signal
    import sys

    from scaleout_catalog.runtime.child import rehearse
    root = logging.getLogger()
    before = (sys.stdout, sys.stderr, root.handlers[:], root.level, signal.getsignal(signal.SIGTERM),
              sorted(os.listdir("/proc/self/fd")))
    rehearse()
    assert (sys.stdout, sys.stderr, root.handlers[:], root.level, signal.getsignal(signal.SIGTERM),
            sorted(os.listdir("/proc/self/fd"))) == before


def test_a_spare_from_before_another_module_was_imported_is_dismissed(server, tmp_path):
    """The server holds one spare a generation: when the generation imports a second module of its project
    and passes a spare forked after that import, the older spare exits, unreported, and the next attempt
    of either module runs in the new one."""
    project = _project(tmp_path)
    _run(server, project, tmp_path, "clean:run")
    time.sleep(0.5)
    [generation] = psutil.Process(server.pid).children()
    old = _spare(generation)
    _run(server, project, tmp_path, "chance:run")      # from the server; the generation imports chance meanwhile
    old.wait(10)                                       # dismissed once the generation passed a newer spare
    new = _spare(generation)
    assert new.pid != old.pid
    run = _run(server, project, tmp_path, "chance:run")
    assert run["result"] == "succeeded" and run["pid"] == new.pid
    assert not server.exits()                          # the dismissed spare was never anyone's attempt


@pytest.mark.parametrize("module", ["forger_pipe", "forger_pid1"])
def test_a_generation_that_forges_a_spare_is_stopped_and_its_attempts_still_run(server, tmp_path, module):
    """Project code runs in a generation (its imports) and can write to the generation's socket. A spare
    that is not a socket, or that names process 1, stops that generation; the fork server stays, and
    forks the module's attempts itself."""
    project = _project(tmp_path)
    for _ in range(4):
        run = _run(server, project, tmp_path, f"{module}:run")
        assert run["result"] == "succeeded" and run["lines"] == [(70, "ran")] and run["parent"] in (None, server.pid)
        time.sleep(0.3)
    assert psutil.Process(server.pid).is_running() and not server.exits()
