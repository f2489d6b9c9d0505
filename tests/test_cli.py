"""The `scaleout` command line, run as a user runs it: real subprocesses against a real database."""
from __future__ import annotations

import hashlib
import re
import shutil
import stat
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import click
import pytest
import sqlalchemy as sa

from helpers import register, run_scaleout, snapshot
from scaleout_catalog import Catalog, errors
from scaleout_catalog.cli import main as scaleout_main
from workers import FOLDER, PROJECT, PROJECT_DIR, deploy_test_project, package_lines, wait_terminal, wait_until


def scaleout(*args: str, url: str | None = None, env: dict[str, str] | None = None,
             timeout: float = 120) -> subprocess.CompletedProcess:
    return run_scaleout(*args, *(["--url", url] if url is not None else []), env=env, timeout=timeout)


def one_line(result: subprocess.CompletedProcess) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def _commands(group: click.Group, prefix: tuple[str, ...] = ()):
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if isinstance(command, click.Group):
            yield from _commands(command, prefix + (name,))
        else:
            yield prefix + (name,), command


@pytest.mark.parametrize("path", [p for p, _ in _commands(scaleout_main)], ids=" ".join)
def test_every_command_has_help_with_an_example(path):
    result = scaleout(*path, "--help")
    assert result.returncode == 0 and "Example:" in result.stdout, result.stdout


# -- workers ------------------------------------------------------------------------------------

def test_workers_list_enable_disable_set_delete(pg_url, pg_catalog):
    worker = register(pg_catalog, "computerA", enabled=False, display_name="A", tags="etl")
    listed = scaleout("workers", "list", url=pg_url)
    assert listed.returncode == 0
    row = next(line for line in listed.stdout.splitlines() if str(worker) in line)
    assert "computerA" in row and "etl" in row and "online" in row and "no" in row and "0/" in row

    assert scaleout("workers", "enable", str(worker), url=pg_url).returncode == 0
    assert pg_catalog.worker_agent(worker).is_enabled
    assert scaleout("workers", "disable", str(worker), url=pg_url).returncode == 0
    assert not pg_catalog.worker_agent(worker).is_enabled
    result = scaleout("workers", "set", str(worker), "Tags", "etl,large", url=pg_url)
    assert result.returncode == 0 and "Tags = etl,large" in result.stdout
    assert pg_catalog.worker_agent(worker).tags == "etl,large"
    assert scaleout("workers", "delete", str(worker), url=pg_url).returncode == 0
    assert pg_catalog.worker_agent(worker) is None


# -- folders, projects, packages, deploy ------------------------------------------------------------

def test_deploy_and_list_what_is_deployed(pg_url, pg_catalog):
    created = scaleout("folders", "create", FOLDER, url=pg_url)
    assert created.returncode == 0 and f"created folder {FOLDER}" in created.stdout
    deployed = scaleout("deploy", str(PROJECT_DIR), "--folder", FOLDER, url=pg_url)
    assert deployed.returncode == 0 and f"deployed project {PROJECT} 1.0.0 to folder {FOLDER}" in deployed.stdout
    assert [p.name for p in pg_catalog.projects()] == [PROJECT]

    folders = scaleout("folders", "list", url=pg_url)
    assert folders.returncode == 0 and FOLDER in folders.stdout
    projects = scaleout("projects", "list", "--folder", FOLDER, url=pg_url)
    assert projects.returncode == 0 and PROJECT in projects.stdout and "1.0.0" in projects.stdout
    packages = scaleout("packages", "list", "--project", PROJECT, url=pg_url)
    assert packages.returncode == 0
    for name, entry_point in (("hello", "packages.basic:hello"), ("sleep", "packages.basic:sleep")):
        assert any(name in line and entry_point in line for line in packages.stdout.splitlines())
    empty = scaleout("packages", "list", "--project", "nosuch", url=pg_url)
    assert empty.returncode == 0 and "hello" not in empty.stdout


# -- execute and executions -----------------------------------------------------------------------

def test_execute_wait_succeeds_with_exit_0_and_prints_the_log(pg_url, pg_catalog, pg_workers):
    deploy_test_project(pg_catalog)
    worker = pg_workers.start_enabled("w1")
    result = scaleout("execute", FOLDER, PROJECT, "hello", "--param", "Lines=2",
                      "--param", "$Project::Environment=staging", "--wait", url=pg_url)
    assert result.returncode == 0, result.stdout + result.stderr
    for line in ("line 1 of 2", "line 2 of 2", "printed to stdout", "a warning in staging"):
        assert line in result.stdout
    assert "succeeded after 1 attempt(s)" in result.stdout
    execution = pg_catalog.executions()[-1]
    assert (execution.status, execution.worker_agent_id) == (7, worker.worker_agent_id)
    values = {v.parameter_name: v.parameter_value for v in pg_catalog.execution_parameter_values(execution.execution_id)}
    assert values["Lines"] == "2" and values["Environment"] == "staging"


def test_execute_wait_fails_with_exit_4_after_its_retries_and_prints_the_traceback(pg_url, pg_catalog, pg_workers):
    deploy_test_project(pg_catalog)
    worker = pg_workers.start_enabled("w1")
    result = scaleout("execute", FOLDER, PROJECT, "fail", "--retry-count", "1", "--worker",
                      str(worker.worker_agent_id), "--wait", url=pg_url)
    assert result.returncode == 4, result.stdout + result.stderr
    assert result.stdout.count("ValueError: this package always fails") == 2
    assert "failed after 2 attempt(s)" in result.stdout
    execution = pg_catalog.executions()[-1]
    assert (execution.status, execution.executed_count) == (4, 2)


def test_executions_list_show_logs_and_stop(pg_url, pg_catalog, pg_workers):
    deploy_test_project(pg_catalog)
    pg_workers.start_enabled("w1")
    started = scaleout("execute", FOLDER, PROJECT, "sleep", "--param", "Seconds=60", "--param", "Interval=0.2",
                       url=pg_url)
    assert started.returncode == 0
    execution_id = int(started.stdout.split()[1])
    wait_until(lambda: pg_catalog.execution(execution_id).status == 2, 15, "the package to start")
    wait_until(lambda: any(m.message == "tick 2" for m in pg_catalog.operation_messages(execution_id)), 15, "ticks")

    listed = scaleout("executions", "list", "--status", "running", url=pg_url)
    assert listed.returncode == 0 and f"{FOLDER}/{PROJECT}/sleep" in listed.stdout and "running" in listed.stdout
    shown = scaleout("executions", "show", str(execution_id), url=pg_url)
    assert shown.returncode == 0 and "Seconds" in shown.stdout and "running" in shown.stdout
    logs = scaleout("executions", "logs", str(execution_id), url=pg_url)
    assert logs.returncode == 0 and "tick 1" in logs.stdout and "tick 2" in logs.stdout

    stopped = scaleout("executions", "stop", str(execution_id), url=pg_url)
    assert stopped.returncode == 0 and "stop requested" in stopped.stdout
    followed = scaleout("executions", "logs", str(execution_id), "--follow", url=pg_url, timeout=30)
    assert followed.returncode == 0 and "stopping the package" in followed.stdout
    assert pg_catalog.execution(execution_id).status == 3
    finished = scaleout("executions", "list", "--status", "canceled", url=pg_url)
    assert f"{FOLDER}/{PROJECT}/sleep" in finished.stdout


# -- environments and parameters --------------------------------------------------------------------

def test_environments_variables_references_parameters_and_execute_with_an_environment(pg_url, pg_catalog, pg_workers):
    deploy_test_project(pg_catalog)
    for args in (("environments", "create", FOLDER, "prod", "--description", "production"),
                 ("environments", "add-variable", FOLDER, "prod", "Stage", "production"),
                 ("environments", "add-variable", FOLDER, "prod", "Key", "s3cret-value", "--sensitive"),
                 ("environments", "add-variable", FOLDER, "prod", "Lines", "2", "--type", "Int32"),
                 ("environments", "set-variable", FOLDER, "prod", "Lines", "3"),
                 ("environments", "reference", FOLDER, PROJECT, "prod"),
                 ("parameters", "set", FOLDER, PROJECT, "Environment", "Stage", "--variable"),
                 ("parameters", "set", FOLDER, PROJECT, "Lines", "Lines", "--package", "hello", "--variable")):
        result = scaleout(*args, url=pg_url)
        assert result.returncode == 0, (args, result.stdout + result.stderr)
    listed = scaleout("environments", "list", url=pg_url)
    assert "prod" in listed.stdout and "production" in listed.stdout
    variables = scaleout("environments", "variables", FOLDER, "prod", url=pg_url)
    assert "Stage" in variables.stdout and "(sensitive)" in variables.stdout and "s3cret-value" not in variables.stdout
    references = scaleout("environments", "references", FOLDER, PROJECT, url=pg_url)
    assert "relative" in references.stdout and "prod" in references.stdout
    parameters = scaleout("parameters", "list", FOLDER, PROJECT, url=pg_url)
    assert "environment variable Stage" in parameters.stdout
    pg_workers.start_enabled("w1")
    result = scaleout("execute", FOLDER, PROJECT, "hello", "--environment", "prod", "--wait", url=pg_url)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "line 3 of 3" in result.stdout and "a warning in production" in result.stdout
    assert pg_catalog.executions()[-1].environment_name == "prod"
    cleared = scaleout("parameters", "clear", FOLDER, PROJECT, "Lines", "--package", "hello", url=pg_url)
    assert cleared.returncode == 0


def test_projects_versions_restore_export_move_delete_and_folders(pg_url, pg_catalog, tmp_path):
    deploy_test_project(pg_catalog)
    deploy_test_project(pg_catalog)
    versions = pg_catalog.object_versions(FOLDER, PROJECT)
    listed = scaleout("projects", "versions", FOLDER, PROJECT, url=pg_url)
    assert listed.returncode == 0 and str(versions[1]["object_version_lsn"]) in listed.stdout
    restored = scaleout("projects", "restore", FOLDER, PROJECT, str(versions[1]["object_version_lsn"]), url=pg_url)
    assert restored.returncode == 0, restored.stderr
    assert pg_catalog.object_versions(FOLDER, PROJECT)[1]["is_current"]
    archive = tmp_path / "exported.zip"
    exported = scaleout("projects", "export", FOLDER, PROJECT, "-o", str(archive), url=pg_url)
    assert exported.returncode == 0 and archive.read_bytes()[:2] == b"PK"
    again = scaleout("projects", "export", FOLDER, PROJECT, "-o", str(archive), url=pg_url)
    assert again.returncode == 1 and "already exists" in one_line(again)
    for args in (("folders", "create", "archive"), ("projects", "move", FOLDER, PROJECT, "archive"),
                 ("deploy", str(archive), "--folder", FOLDER), ("projects", "delete", "archive", PROJECT),
                 ("folders", "describe", "archive", "old things"), ("folders", "rename", "archive", "attic"),
                 ("folders", "delete", "attic")):
        result = scaleout(*args, url=pg_url)
        assert result.returncode == 0, (args, result.stdout + result.stderr)
    assert {f.name for f in pg_catalog.folders()} == {FOLDER}
    assert [p.name for p in pg_catalog.projects()] == [PROJECT]


# -- bad input: one line, non-zero, nothing changed -------------------------------------------------------

BAD_INPUT = [
    (("execute", "nosuchfolder", PROJECT, "hello"), 1, "error 27104"),
    (("execute", FOLDER, "nosuchproject", "hello"), 1, "error 27109"),
    (("execute", FOLDER, PROJECT, "nosuchpackage"), 1, "error 27146"),
    (("execute", FOLDER, PROJECT, "hello", "--param", "Lines=many"), 1, "error 27147: The data type"),
    (("execute", FOLDER, PROJECT, "hello", "--param", "Colour=red"), 1, "has no parameter 'Colour'"),
    (("execute", FOLDER, PROJECT, "hello", "--worker", "6583054A-E915-4C2A-80E4-C765E79EF61D"), 1,
     "no such worker agent"),
    (("execute", FOLDER, PROJECT, "hello", "--worker", "computerA"), 1, "not a WorkerAgentId"),
    (("workers", "enable", "6583054A-E915-4C2A-80E4-C765E79EF61D"), 1, "error 27243"),
    (("workers", "enable", "not-a-guid"), 1, "not a WorkerAgentId"),
    (("executions", "show", "999999"), 1, "execution 999999 not found"),
    (("executions", "stop", "999999"), 1, "error 27124: The operation 999999 cannot be stopped"),
    (("deploy", "/nonexistent/project", "--folder", FOLDER), 1, "no such project directory"),
    (("execute", FOLDER, PROJECT, "hello", "--environment", "nope"), 1, "has no reference to an environment named 'nope'"),
    (("execute", FOLDER, PROJECT, "hello", "--environment-folder", "x"), 1, "--environment-folder goes with"),
    (("environments", "create", FOLDER, "bad\tname"), 1, "error 27142"),
    (("environments", "create", "nosuchfolder", "prod"), 1, "error 27104"),
    (("environments", "add-variable", FOLDER, "nope", "V", "1"), 1, "error 27182"),
    (("environments", "add-variable", FOLDER, "nope", "V", "1", "--type", "Object"), 2, "Invalid value for '--type'"),
    (("environments", "unreference", "0"), 2, "Invalid value for 'REFERENCE_ID'"),
    (("environments", "unreference", "12345"), 1, "error 27114"),
    (("parameters", "set", FOLDER, PROJECT, "Lines", "many", "--package", "hello"), 1, "error 27147"),
    (("parameters", "set", FOLDER, PROJECT, "NoSuch", "1"), 1, "error 27106"),
    (("projects", "restore", FOLDER, PROJECT, "999999"), 1, "error 27179"),
    (("projects", "restore", FOLDER, PROJECT, "x"), 2, "Invalid value for 'OBJECT_VERSION_LSN'"),
    (("projects", "export", FOLDER, "nope", "-o", "/tmp/never-written.zip"), 1, "error 27109"),
    (("projects", "delete", FOLDER, "nope"), 1, "error 27109"),
    (("projects", "move", FOLDER, PROJECT, "nope"), 1, "error 27115"),
    (("folders", "delete", FOLDER), 1, "error 27196"),
    (("folders", "rename", FOLDER, "bad\x01name"), 1, "error 27199"),
    (("folders", "delete", "nope"), 1, "error 27104"),
]


@pytest.mark.parametrize("args, code, message", BAD_INPUT, ids=[" ".join(a[:2]) + f" -> {m}" for a, _, m in BAD_INPUT])
def test_bad_input_prints_one_line_and_changes_nothing(pg_url, pg_catalog, args, code, message):
    deploy_test_project(pg_catalog)
    before = snapshot(pg_catalog)
    result = scaleout(*args, url=pg_url)
    assert result.returncode == code
    assert message in one_line(result)
    assert snapshot(pg_catalog) == before


@pytest.mark.parametrize("url, message", [
    ("postgresql//missing-colon", "malformed database URL"),
    ("oracle://scott@db/orcl", "unsupported database"),
    ("postgresql://nobody@127.0.0.1:1/ssisdb", "cannot reach the catalog database"),
])
def test_a_bad_or_unreachable_url_exits_3_with_one_line(url, message):
    result = scaleout("workers", "list", url=url)
    assert result.returncode == 3
    assert message in one_line(result)


def test_debug_shows_the_traceback():
    result = scaleout("--debug", "workers", "list", url="postgresql://nobody@127.0.0.1:1/ssisdb")
    assert result.returncode != 0 and "Traceback" in result.stderr


# -- configuration: flags, then SCALEOUT_* variables, then the config file ------------------------------------

def test_flags_beat_environment_beats_config_file(pg_url, pg_catalog, tmp_path):
    pg_catalog.create_folder("configured")
    unreachable = "postgresql://nobody@127.0.0.1:1/ssisdb"
    config = tmp_path / "config.toml"
    config.write_text(f'url = "{pg_url}"\n')
    from_file = scaleout("folders", "list", env={"SCALEOUT_CONFIG": str(config)})
    assert from_file.returncode == 0 and "configured" in from_file.stdout
    env_wins = scaleout("folders", "list", env={"SCALEOUT_CONFIG": str(config), "SCALEOUT_URL": unreachable})
    assert env_wins.returncode == 3
    flag_wins = scaleout("--config", str(config), "folders", "list", url=pg_url, env={"SCALEOUT_URL": unreachable})
    assert flag_wins.returncode == 0 and "configured" in flag_wins.stdout

    config.write_text(f'url = "{unreachable}"\n[executions.list]\nlimit = 1\n')
    pg_catalog.create_folder("second")
    nested = scaleout("--config", str(config), "folders", "list", url=pg_url)
    assert nested.returncode == 0 and "second" in nested.stdout
    missing = scaleout("--config", str(tmp_path / "absent.toml"), "folders", "list", url=pg_url)
    assert missing.returncode == 1 and "not found" in one_line(missing)


# -- worker install-service -----------------------------------------------------------------------------------

def test_worker_install_service_writes_a_private_unit_and_never_overwrites(tmp_path):
    unit = tmp_path / "scaleout-worker.service"
    result = scaleout("worker", "install-service", "--path", str(unit), "--tags", "etl", "--max-tasks", "8",
                      url="postgresql://worker1:secret@db1/ssisdb")
    assert result.returncode == 0 and "systemctl daemon-reload && systemctl enable --now scaleout-worker" in result.stdout
    text = unit.read_text()
    assert "ExecStart=" in text and "worker run --max-tasks 8" in text and "--tags etl" in text
    assert 'Environment="SCALEOUT_URL=postgresql://worker1:secret@db1/ssisdb"' in text
    assert "KillSignal=SIGTERM" in text and "WantedBy=multi-user.target" in text
    assert stat.S_IMODE(unit.stat().st_mode) == 0o600
    again = scaleout("worker", "install-service", "--path", str(unit))
    assert again.returncode == 1 and "pass --force" in one_line(again)
    assert unit.read_text() == text
    assert scaleout("worker", "install-service", "--path", str(unit), "--force").returncode == 0


# -- one-computer mode -------------------------------------------------------------------------------------

@pytest.fixture
def fresh_data_dir():
    path = tempfile.mkdtemp(prefix="scaleout-demo-")   # the embedded server's own user must reach it
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_demo_runs_everything_on_one_computer_and_exits_0(fresh_data_dir):
    began = time.monotonic()
    result = scaleout("demo", env={"SCALEOUT_DATA_DIR": fresh_data_dir}, timeout=120)
    elapsed = time.monotonic() - began
    print(f"scaleout demo on a fresh data directory: {elapsed:.1f} s")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "25 of 25 executions succeeded (24 load_region and 1 summarize)" in result.stdout
    assert result.stdout.count("demo-worker-") >= 2 and "all regions:" in result.stdout
    assert elapsed < 60
    assert not list(Path(fresh_data_dir).glob("demo/workers.json"))
    # Nothing left running: the workers exited, and the embedded server with them.
    assert subprocess.run(["pgrep", "-f", f"state-dir {fresh_data_dir}"], capture_output=True).returncode == 1


def test_demo_keep_leaves_it_running_until_demo_stop(fresh_data_dir):
    env = {"SCALEOUT_DATA_DIR": fresh_data_dir}
    try:
        kept = scaleout("demo", "--keep", "--executions", "4", env=env, timeout=120)
        assert kept.returncode == 0, kept.stdout + kept.stderr
        url = next(line.split("'")[1] for line in kept.stdout.splitlines() if "export SCALEOUT_URL" in line)
        address = re.search(r"Scale Out Manager: (http://127\.0\.0\.1:\d+/)", kept.stdout).group(1)
        with urllib.request.urlopen(address + "readyz", timeout=10) as ready:
            assert ready.status == 200
        listed = scaleout("workers", "list", url=url)
        assert listed.returncode == 0 and listed.stdout.count("online") == 2
        ran = scaleout("execute", "demo", "sales", "load_region", "--param", "Region=EMEA", "--param",
                       f"OutputDir={fresh_data_dir}/out", "--wait", url=url)
        assert ran.returncode == 0 and "EMEA: loaded" in ran.stdout
    finally:
        stopped = scaleout("demo", "--stop", env=env)
    assert stopped.returncode == 0 and "stopped the demo's workers and web manager" in stopped.stdout
    assert subprocess.run(["pgrep", "-f", f"state-dir {fresh_data_dir}"], capture_output=True).returncode == 1


def test_permissions_grant_deny_revoke_and_list_by_name(pg_url, pg_catalog, pg_server):
    """`scaleout permissions`: names in, SSISDB's procedures underneath; a login granted EXECUTE through
    the command line runs the project, a deny stops it, bad names are one line and change nothing."""
    deploy_test_project(pg_catalog)
    login_url = pg_server.create_login(pg_catalog.engine.url.database, "ssis_cluster_executor")
    login = sa.engine.make_url(login_url).username
    executor = Catalog(login_url)
    try:
        for permission in ("READ", "execute"):
            result = scaleout("permissions", "grant", login, permission, "--folder", FOLDER, "--project", PROJECT,
                              url=pg_url)
            assert result.returncode == 0, result.stderr
        assert "granted EXECUTE on project" in result.stdout
        executor.create_execution(FOLDER, PROJECT, "hello")
        listed = scaleout("permissions", "list", url=pg_url)
        assert f"{FOLDER}/{PROJECT}" in listed.stdout and login in listed.stdout and "GRANT" in listed.stdout
        denied = scaleout("permissions", "deny", login, "EXECUTE_OBJECTS", "--folder", FOLDER, url=pg_url)
        assert denied.returncode == 0, denied.stderr
        with pytest.raises(errors.CatalogError) as refused:
            executor.create_execution(FOLDER, PROJECT, "hello")
        assert refused.value.number == 27178
        assert scaleout("permissions", "revoke", login, "103", "--folder", FOLDER, url=pg_url).returncode == 0
        executor.create_execution(FOLDER, PROJECT, "hello")
        before = snapshot(pg_catalog)
        for args, text in (
                (("grant", login, "FLY", "--folder", FOLDER), "unknown permission 'FLY'"),
                (("grant", "nobody_here", "READ", "--folder", FOLDER), "no database principal named 'nobody_here'"),
                (("grant", login, "READ", "--folder", "nowhere"), "no folder 'nowhere'"),
                (("grant", login, "READ", "--folder", FOLDER, "--project", "x", "--environment", "y"), "pass one of them"),
                (("grant", login, "READ"), "name the object"),
                (("grant", login, "EXECUTE", "--folder", FOLDER), "error 27191")):
            result = scaleout("permissions", *args, url=pg_url)
            assert result.returncode == 1 and text in result.stderr and "Traceback" not in result.stderr, (args, result.stderr)
        assert snapshot(pg_catalog) == before
    finally:
        executor.dispose()
        pg_server.drop_login(pg_catalog.engine.url.database, login_url)


def test_schedules_create_list_run_disable_enable_delete(pg_url, pg_catalog, pg_workers):
    """`scaleout schedules`: a schedule made with --param and --environment fires on a real worker, its
    runs are listed, run now, disabled, enabled and deleted; bad input is one line and changes nothing."""
    deploy_test_project(pg_catalog)
    pg_catalog.create_environment(FOLDER, "prod")
    pg_catalog.create_environment_variable(FOLDER, "prod", "Key", "String", False, "from-env")
    pg_catalog.create_environment_reference(FOLDER, PROJECT, "prod", "R")
    pg_catalog.set_object_parameter_value(30, FOLDER, PROJECT, "ApiKey", "Key", object_name="settings", value_type="R")
    pg_workers.start_enabled("w1")
    made = scaleout("schedules", "create", FOLDER, "every2", PROJECT, "hello", "--cron", "*/2 * * * * *",
                    "--param", "Lines=2", url=pg_url)
    assert made.returncode == 0, made.stderr
    assert f"({FOLDER}/every2), next run" in made.stdout
    assert scaleout("schedules", "create", FOLDER, "settings", PROJECT, "settings", "--cron", "@daily",
                    "--time-zone", "Europe/London", "--environment", "prod", url=pg_url).returncode == 0
    wait_until(lambda: any(r["execution_id"] for r in pg_catalog.schedule_runs(FOLDER, "every2")), 30, "a run")
    listed = scaleout("schedules", "list", url=pg_url)
    assert "every2" in listed.stdout and "*/2 * * * * *" in listed.stdout and "Europe/London" in listed.stdout
    ran = scaleout("schedules", "run", FOLDER, "settings", url=pg_url)
    assert ran.returncode == 0 and "started for schedule" in ran.stdout, ran.stderr
    execution_id = int(ran.stdout.split()[1])
    wait_terminal(pg_catalog, [execution_id], 60)
    digest = hashlib.sha256(b"from-env").hexdigest()
    assert any(digest in line for line in package_lines(pg_catalog, execution_id))   # the environment's value
    history = scaleout("schedules", "runs", FOLDER, "settings", url=pg_url)
    assert "run now" in history.stdout and str(execution_id) in history.stdout
    assert scaleout("schedules", "disable", FOLDER, "every2", url=pg_url).returncode == 0
    assert scaleout("schedules", "enable", FOLDER, "every2", url=pg_url).returncode == 0
    assert scaleout("schedules", "delete", FOLDER, "every2", url=pg_url).returncode == 0
    pg_workers.stop_all()                 # its heartbeats would change the catalog under the snapshot
    before = snapshot(pg_catalog)
    for args, text in (
            (("create", FOLDER, "x", PROJECT, "hello", "--cron", "61 * * * *"), "error 27101: The value for cron_expression"),
            (("create", FOLDER, "x", PROJECT, "hello", "--cron", "@daily", "--time-zone", "Nowhere"), "error 27101"),
            (("create", FOLDER, "x", PROJECT, "hello", "--cron", "@daily", "--param", "Nope=1"), "has no parameter 'Nope'"),
            (("create", FOLDER, "x", PROJECT, "hello", "--cron", "@daily", "--worker", "w"), "not a WorkerAgentId"),
            (("create", FOLDER, "settings", PROJECT, "hello", "--cron", "@daily"), "error 27401"),
            (("disable", FOLDER, "every2"), "error 27400"),
            (("run", "nofolder", "x"), "error 27400")):
        result = scaleout("schedules", *args, url=pg_url)
        assert result.returncode == 1 and text in result.stderr and len(result.stderr.strip().splitlines()) == 1, \
            (args, result.stderr)
    assert snapshot(pg_catalog) == before
