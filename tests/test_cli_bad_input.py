"""Bad input to the `scaleout` command line, case by case: every case runs the real CLI in a subprocess
against a real catalog database, and asserts its exit code, that stderr is one line without a traceback,
and that the catalog is as it was. Also: catalog data that looks like rich markup prints as it is,
tables that stay readable in a pipe and at 80 columns, and what a worker says when it is told to stop."""
from __future__ import annotations

import copy
import os
import re
import subprocess
import sys
import uuid
from collections import defaultdict
from pathlib import Path

import pytest

from helpers import ARCHIVE, FOLDER as SAMPLE_FOLDER, MANIFEST, deploy_sample, register, run_scaleout, snapshot
from scaleout_catalog import errors
from workers import FOLDER, PROJECT, PROJECT_DIR, deploy_test_project, run_execution, wait_until

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x1b\x07]*(?:\x07|\x1b\\)")
BOX = set("─│┃━┏┓┗┛┡┩╇╈┼═║")
TERMINAL_80 = {"COLUMNS": "80", "TTY_COMPATIBLE": "1", "FORCE_COLOR": "1"}
WORKER_ID = "6583054A-E915-4C2A-80E4-C765E79EF61D"


def scaleout(*args: str, url: str | None = None, env: dict[str, str] | None = None,
             timeout: float = 120) -> subprocess.CompletedProcess:
    return run_scaleout(*args, *(["--url", url] if url is not None else []), env=env, timeout=timeout)


def refused(result: subprocess.CompletedProcess, code: int, *expected: str) -> str:
    """The one line on stderr, after checking the exit code and that each expected text is in it."""
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    for text in expected:
        assert text in lines[0], lines[0]
    return lines[0]


def screen(result: subprocess.CompletedProcess) -> list[str]:
    """stdout as a terminal shows it: escape sequences removed."""
    return ANSI.sub("", result.stdout).splitlines()


# -- 1. catalog data that looks like rich markup ------------------------------------------------------

MARKUP = ["[/]", "[bold]x", "[red]r[/red]", "[bold", "[link=x]l", "[/bold] y", "x [dim]"]


@pytest.mark.parametrize("name", MARKUP)
def test_worker_names_tags_and_machines_with_markup_print_as_they_are(pg_url, pg_catalog, name):
    worker = register(pg_catalog, f"machine{name}", enabled=False, display_name=name, tags=f"t{name}")
    pg_catalog.set_worker_agent_property(worker, "Description", name)
    before = snapshot(pg_catalog)
    piped = scaleout("workers", "list", url=pg_url)
    assert piped.returncode == 0 and piped.stderr == "", piped.stderr
    row = next(line.split("\t") for line in piped.stdout.splitlines() if str(worker) in line)
    assert row[1:3] == [name, f"machine{name}"] and f"t{name}" in row
    shown = scaleout("workers", "list", url=pg_url, env={"TTY_COMPATIBLE": "1", "COLUMNS": "200"})
    assert shown.returncode == 0 and shown.stderr == "", shown.stderr
    line = next(line for line in screen(shown) if str(worker) in line)
    assert name in line and f"machine{name}" in line
    assert snapshot(pg_catalog) == before


def test_markup_in_workers_set_prints_as_it_is(pg_url, pg_catalog):
    worker = register(pg_catalog, enabled=False)
    result = scaleout("workers", "set", str(worker), "DisplayName", "[bold]x[/]", url=pg_url)
    assert result.returncode == 0 and "DisplayName = [bold]x[/]" in result.stdout
    assert pg_catalog.worker_agent(worker).display_name == "[bold]x[/]"


@pytest.fixture
def markup_project(pg_catalog):
    """A folder, project, package, description and parameter value that all look like markup."""
    pg_catalog.create_folder("[/]")
    manifest = copy.deepcopy(MANIFEST)
    manifest["name"] = "[red]p"
    manifest["packages"][1]["name"] = "[bold]k"
    manifest["packages"][1]["description"] = "[link=x]d"
    pg_catalog.deploy_project("[/]", "[red]p", ARCHIVE, manifest)
    execution_id = pg_catalog.create_execution("[/]", "[red]p", "[bold]k")
    pg_catalog.set_execution_parameter_value(execution_id, 20, "Environment", "[/][bold")
    return execution_id


@pytest.mark.parametrize("args, expected", [
    (("folders", "list"), ["[/]"]),
    (("projects", "list"), ["[/]", "[red]p"]),
    (("projects", "list", "--folder", "[/]"), ["[red]p"]),
    (("packages", "list"), ["[bold]k", "[link=x]d"]),
    (("packages", "list", "--project", "[red]p"), ["[bold]k"]),
    (("executions", "list"), ["[/]/[red]p/[bold]k"]),
    (("executions", "show", "{id}"), ["[/]/[red]p/[bold]k", "[/][bold"]),
], ids=lambda v: " ".join(v) if isinstance(v, tuple) else None)
@pytest.mark.parametrize("env", [None, {"TTY_COMPATIBLE": "1", "COLUMNS": "200"}], ids=["pipe", "terminal"])
def test_deployed_names_with_markup_print_as_they_are(pg_url, pg_catalog, markup_project, args, expected, env):
    before = snapshot(pg_catalog)
    result = scaleout(*(a.format(id=markup_project) for a in args), url=pg_url, env=env)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    for text in expected:
        assert text in "\n".join(screen(result)), (text, result.stdout)
    assert snapshot(pg_catalog) == before


def test_messages_with_markup_print_as_they_are(pg_url, pg_catalog):
    deploy_sample(pg_catalog)
    worker = register(pg_catalog)
    execution_id = pg_catalog.create_execution(SAMPLE_FOLDER, "project1", "package2")
    pg_catalog.start_execution(execution_id)
    task = pg_catalog.pull_task(worker)[0]
    pg_catalog.append_operation_messages(worker, [
        {"lease_token": str(task.lease_token), "event_message_guid": str(uuid.uuid4()), "message_type": t,
         "message": text} for t, text in ((70, "[/] closes nothing"), (120, "[bold]not bold[/bold] [link=x]"))])
    result = scaleout("executions", "logs", str(execution_id), url=pg_url)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert "[/] closes nothing" in result.stdout and "[bold]not bold[/bold] [link=x]" in result.stdout


def test_a_refusal_that_names_markup_prints_it_as_it_is(pg_url, pg_catalog):
    pg_catalog.create_folder("[red]f")
    before = snapshot(pg_catalog)
    refused(scaleout("folders", "create", "[red]f", url=pg_url), 1, "[red]f")
    assert snapshot(pg_catalog) == before


# -- 2. tables in a pipe and at 80 columns -------------------------------------------------------------------

def test_a_piped_table_is_tab_separated_text_with_a_header(pg_url, pg_catalog):
    thumbprint = "3F2A9C1B" * 8
    worker = register(pg_catalog, "computerA", enabled=False, display_name="a long display name for a worker",
                      tags="etl,large", certificate_thumbprint=thumbprint)
    result = scaleout("workers", "list", url=pg_url)
    assert result.returncode == 0
    assert not BOX & set(result.stdout) and "\x1b" not in result.stdout
    header, *rows = result.stdout.splitlines()
    assert header.split("\t") == ["WorkerAgentId", "DisplayName", "Machine", "Online", "Enabled", "Tags", "Running",
                                  "LastOnline", "CertificateThumbprint"]
    assert len(rows) == 1
    fields = rows[0].split("\t")
    assert fields[:3] == [str(worker), "a long display name for a worker", "computerA"]
    assert fields[5] == "etl,large" and fields[8] == thumbprint
    # As a shell pipeline uses it:
    cut = subprocess.run(f"{sys.executable} -m scaleout_catalog.cli workers list --url '{pg_url}' | grep computerA "
                         "| cut -f1", shell=True, capture_output=True, text=True, timeout=60,
                         env={k: v for k, v in os.environ.items() if not k.startswith("SCALEOUT_")})
    assert cut.stdout.strip() == str(worker)


def test_a_piped_value_with_a_tab_or_newline_keeps_its_row_whole(pg_url, pg_catalog):
    worker = register(pg_catalog, enabled=False, display_name="a")
    pg_catalog.set_worker_agent_property(worker, "Tags", "x")
    deploy_sample(pg_catalog, {**MANIFEST, "packages": [{**MANIFEST["packages"][1], "description": "two\tcells\nand"}]})
    result = scaleout("packages", "list", url=pg_url)
    assert result.returncode == 0
    header, *rows = result.stdout.splitlines()
    assert len(rows) == 1 and len(rows[0].split("\t")) == len(header.split("\t"))
    assert rows[0].endswith("two\\tcells\\nand")


@pytest.mark.parametrize("args", [("workers", "list"), ("executions", "list"), ("executions", "show", "{id}"),
                                  ("folders", "list"), ("projects", "list"), ("packages", "list")], ids=" ".join)
def test_tables_fit_80_columns_on_a_terminal(pg_url, pg_catalog, args):
    deploy_test_project(pg_catalog)
    worker = register(pg_catalog, "a-machine-with-a-long-host-name.example.com", display_name="worker-one",
                      tags="etl,large,nightly", certificate_thumbprint="3F2A9C1B" * 8)
    execution_id = run_execution(pg_catalog, "hello", params={"Lines": 2})
    result = scaleout(*(a.format(id=execution_id) for a in args), url=pg_url, env=TERMINAL_80)
    assert result.returncode == 0, result.stderr
    lines = screen(result)
    assert lines and all(len(line) <= 80 for line in lines), "\n".join(lines)
    text = "\n".join(lines)
    if args == ("workers", "list"):
        assert str(worker) in text and "worker-one" in text and "online" in text
    elif args[0] == "executions":
        assert any(line.split()[0] == str(execution_id) for line in lines if line.strip())
        assert f"{FOLDER}/{PROJECT}/hello" in text and "pending" in text
    else:
        assert {"folders": FOLDER, "projects": PROJECT, "packages": "packages.basic:hello"}[args[0]] in text


# -- 3. the config file -------------------------------------------------------------------------------------------

CONFIGS = [
    (b"url = 5432\n", "url must be a string"),
    (b'[worker.run]\nmax_tasks = "many"\n', "[worker.run] max_tasks: 'many' is not a valid integer"),
    (b"[worker.run]\nmax_tasks = 0\n", "[worker.run] max_tasks: 0 is not in the range"),
    (b"[worker.run]\ndrain_timeout = nan\n", "drain_timeout: nan is not a finite number"),
    (b"[worker.run]\nmax_task = 3\n", "[worker.run] has no setting 'max_task' (it takes: "),
    (b'[worker.run]\nurl = 5\n', "[worker.run] url must be a string"),
    (b"[folders]\nlist = 3\n", "folders.list must be a table"),
    (b"[nosuch]\nx = 1\n", "'nosuch' is neither url nor a scaleout command"),
    (b"[worker.nosuch]\nx = 1\n", "[worker] has no command 'nosuch'"),
    (b'[execute]\nparams = "Region=EMEA"\n', "[execute] params: Value must be an iterable"),
    (b'url = "postgresql://x\n', "is not valid TOML"),
    (b"url = \"postgresql://caf\xe9@db/x\"\n", "is not UTF-8 text"),
    (b"\x00\x01\x02", "is not valid TOML"),
]


@pytest.mark.parametrize("content, message", CONFIGS, ids=[m for _, m in CONFIGS])
def test_a_bad_config_file_is_one_line_and_changes_nothing(pg_url, pg_catalog, tmp_path, content, message):
    config = tmp_path / "config.toml"
    config.write_bytes(content)
    before = snapshot(pg_catalog)
    refused(scaleout("--config", str(config), "folders", "create", "newfolder", url=pg_url), 1,
            f"config file {config}", message)
    refused(scaleout("folders", "create", "newfolder", url=pg_url, env={"SCALEOUT_CONFIG": str(config)}), 1, message)
    assert snapshot(pg_catalog) == before


def test_a_directory_as_the_config_file(pg_url, pg_catalog, tmp_path):
    before = snapshot(pg_catalog)
    refused(scaleout("--config", str(tmp_path), "folders", "create", "x", url=pg_url), 2, "is a directory")
    refused(scaleout("folders", "create", "x", url=pg_url, env={"SCALEOUT_CONFIG": str(tmp_path)}), 1,
            f"config file {tmp_path} is not a file")
    assert snapshot(pg_catalog) == before


def test_an_unreadable_config_file(pg_url, pg_catalog, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('url = "postgresql://x@y/z"\n')
    config.chmod(0)
    before = snapshot(pg_catalog)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCALEOUT_")}
    # root reads any file: run it without the capabilities that let root ignore file permissions
    no_override = ["setpriv", "--inh-caps=-dac_override,-dac_read_search",
                   "--bounding-set=-dac_override,-dac_read_search"] if os.geteuid() == 0 else []
    result = subprocess.run([*no_override, sys.executable, "-m", "scaleout_catalog.cli", "folders", "create", "x",
                             "--url", pg_url], capture_output=True, text=True, timeout=60,
                            env={**env, "SCALEOUT_CONFIG": str(config)})
    refused(result, 1, f"cannot read config file {config}: Permission denied")
    assert snapshot(pg_catalog) == before


def test_a_bad_value_in_an_environment_variable_is_click_usage(pg_url, pg_catalog):
    refused(scaleout("executions", "list", url=pg_url, env={"SCALEOUT_EXECUTIONS_LIST_LIMIT": "lots"}), 2,
            "Invalid value for '--limit'")


# -- 4. a database without the catalog ----------------------------------------------------------------------------

@pytest.fixture
def empty_database(pg_server):
    name = f"scaleout_empty_{uuid.uuid4().hex[:8]}"
    pg_server.create_database(name)
    yield pg_server.url_for(name)
    pg_server.drop_database(name)


def _relations(url: str) -> list[str]:
    import sqlalchemy as sa
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return [r[0] for r in conn.exec_driver_sql(
                "SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')")]
    finally:
        engine.dispose()


@pytest.mark.parametrize("args", [
    ("workers", "list"), ("workers", "enable", WORKER_ID), ("folders", "list"), ("folders", "create", "f"),
    ("projects", "list"), ("packages", "list"), ("executions", "list"), ("executions", "show", "1"),
    ("execute", "f", "p", "k"), ("deploy", str(PROJECT_DIR), "--folder", "f"),
], ids=" ".join)
def test_a_database_without_the_catalog_says_to_upgrade_it(empty_database, args):
    result = scaleout(*args, url=empty_database)
    refused(result, 3, "the catalog is not installed in this database",
            f"run scaleout db upgrade --url {empty_database}")
    assert _relations(empty_database) == []


def test_a_worker_on_a_database_without_the_catalog_exits_3(empty_database, tmp_path):
    result = scaleout("worker", "run", "--state-dir", str(tmp_path / "w"), url=empty_database, timeout=60)
    refused(result, 3, "the catalog is not installed in this database", "scaleout db upgrade --url")
    assert _relations(empty_database) == []


def test_the_upgrade_hint_hides_the_password(pg_server, empty_database):
    import sqlalchemy as sa
    url = sa.engine.make_url(empty_database).set(password="s3cret").render_as_string(hide_password=False)
    result = scaleout("folders", "list", url=url)   # trust authentication: the password is not checked
    line = refused(result, 3, "scaleout db upgrade --url")
    assert "s3cret" not in line and ":***@" in line


# -- 5. a login without the role --------------------------------------------------------------------------------

@pytest.fixture
def login(pg_server, pg_database):
    made = []

    def make(role: str | None) -> str:
        made.append(pg_server.create_login(pg_database, role))
        return made[-1]
    yield make
    for url in made:
        pg_server.drop_login(pg_database, url)


@pytest.mark.parametrize("role, args, refused_object, needs", [
    (None, ("workers", "enable", WORKER_ID), "call catalog.enable_worker_agent", "the role ssis_admin"),
    (None, ("folders", "create", "f"), "call catalog.create_folder", "the role ssis_admin"),
    (None, ("folders", "list"), "read catalog.folders", "ssis_logreader, ssis_cluster_executor or ssis_admin"),
    ("ssis_logreader", ("workers", "enable", WORKER_ID), "call catalog.enable_worker_agent", "the role ssis_admin"),
    ("ssis_logreader", ("folders", "create", "f"), "call catalog.create_folder", "the role ssis_admin"),
    ("ssis_logreader", ("workers", "list"), "read catalog.worker_agents", "ssis_cluster_executor or ssis_admin"),
    ("ssis_logreader", ("execute", FOLDER, PROJECT, "hello"), "call catalog.create_execution",
     "ssis_cluster_executor or ssis_admin"),
    ("ssis_logreader", ("executions", "stop", "1"), "call catalog.stop_operation",
     "ssis_cluster_executor or ssis_admin"),
    ("ssis_cluster_worker", ("executions", "list"), "read catalog.executions", "ssis_logreader"),
    ("ssis_cluster_executor", ("deploy", str(PROJECT_DIR), "--folder", FOLDER), "call catalog.deploy_project",
     "the role ssis_admin"),
    ("ssis_cluster_executor", ("workers", "delete", WORKER_ID), "call catalog.delete_worker_agent",
     "the role ssis_admin"),
], ids=lambda v: " ".join(v) if isinstance(v, tuple) else v)
def test_a_login_without_the_role_is_told_which_role(pg_catalog, login, role, args, refused_object, needs):
    deploy_test_project(pg_catalog)
    before = snapshot(pg_catalog)
    refused(scaleout(*args, url=login(role)), 1, f"permission denied: this login may not {refused_object}", needs)
    assert snapshot(pg_catalog) == before


def test_the_role_map_is_the_grants(pg_catalog):
    """errors.VIEW_ROLES and PROCEDURE_ROLES say exactly what the installed catalog grants to each role."""
    roles = ("ssis_admin", "ssis_cluster_executor", "ssis_logreader", "ssis_cluster_worker")
    rows = pg_catalog.query(
        "SELECT n.nspname || '.' || p.proname AS name, r.rolname AS role, "
        "       has_function_privilege(r.rolname, p.oid, 'EXECUTE') AS allowed "
        "FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace CROSS JOIN pg_roles r "
        "WHERE n.nspname IN ('catalog', 'internal') AND r.rolname = ANY(:roles) "
        "UNION ALL "
        "SELECT n.nspname || '.' || c.relname, r.rolname, has_table_privilege(r.rolname, c.oid, 'SELECT') "
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace CROSS JOIN pg_roles r "
        "WHERE n.nspname IN ('catalog', 'internal') AND c.relkind IN ('r', 'v', 'm') AND r.rolname = ANY(:roles)",
        {"roles": list(roles)})
    granted = defaultdict(set)
    for r in rows:
        if r["allowed"]:
            granted[r["name"]].add(r["role"])
    expected = {name: set(who) for name, who in {**errors.VIEW_ROLES, **errors.PROCEDURE_ROLES}.items()}
    assert dict(granted) == expected


# -- 6. ids and numbers out of range --------------------------------------------------------------------------------

OUT_OF_RANGE = [
    (("executions", "show", "99999999999999999999"), 2, "is not in the range 1<=x<=9223372036854775807"),
    (("executions", "show", "0"), 2, "0 is not in the range"),
    (("executions", "stop", "-1"), 2, "No such option '-1'"),
    (("executions", "stop", "99999999999999999999"), 2, "is not in the range"),
    (("executions", "logs", "9223372036854775807"), 1, "execution 9223372036854775807 not found"),
    (("executions", "show", "abc"), 2, "'abc' is not a valid integer"),
    (("workers", "enable", "not-a-uuid"), 1, "not a WorkerAgentId"),
    (("workers", "set", "not-a-uuid", "Tags", "x"), 1, "not a WorkerAgentId"),
    (("workers", "set", WORKER_ID, "Colour", "x"), 2, "'Colour' is not one of"),
    (("execute", FOLDER, PROJECT, "hello", "--retry-count", "99999999999999999999"), 2, "--retry-count"),
    (("execute", FOLDER, PROJECT, "hello", "--retry-count", "-1"), 2, "--retry-count"),
    (("execute", FOLDER, PROJECT, "hello", "--timeout", "nan", "--wait"), 2, "not a finite number of seconds"),
    (("executions", "list", "--limit", "0"), 2, "--limit"),
    (("worker", "run", "--max-tasks", "0"), 2, "0 is not in the range 1<=x<=1000"),
    (("worker", "run", "--max-tasks", "100000"), 2, "100000 is not in the range 1<=x<=1000"),
    (("worker", "run", "--drain-timeout", "inf"), 2, "--drain-timeout"),
    (("worker", "run", "--poll-interval", "nan"), 2, "not a finite number of seconds"),
    (("nosuchcommand",), 2, "No such command 'nosuchcommand'"),
    (("workers", "enable"), 2, "Missing argument 'WORKER_AGENT_ID'"),
]


@pytest.mark.parametrize("args, code, message", OUT_OF_RANGE, ids=[" ".join(a) for a, _, _ in OUT_OF_RANGE])
def test_ids_and_numbers_out_of_range(pg_url, pg_catalog, args, code, message):
    deploy_test_project(pg_catalog)
    before = snapshot(pg_catalog)
    refused(scaleout(*args, url=pg_url, timeout=60), code, message)
    assert snapshot(pg_catalog) == before


# -- 7. install-service writes nothing that would change the unit ----------------------------------------------------

UNIT_VALUES = ["x\nExecStartPre=/bin/sh -c id", "x\rExecStartPre=/bin/sh -c id", "x\x1b[2J", "x\x7f",
               "x\u2028ExecStartPre=/bin/sh", "x\x85y"]


@pytest.mark.parametrize("option", ["--display-name", "--tags", "--url", "--state-dir", "--user", "--name"])
@pytest.mark.parametrize("value", UNIT_VALUES, ids=lambda v: repr(v[1]))
def test_install_service_refuses_a_control_character_in_any_value(tmp_path, option, value):
    unit_dir = tmp_path / "units"
    result = scaleout("worker", "install-service", "--path", str(unit_dir / "w.service"), option, value)
    refused(result, 1, f"{option} ", "contains the control character", "nothing was written")
    assert not unit_dir.exists()


@pytest.mark.parametrize("setting", ["display_name", "tags", "url"])
def test_install_service_refuses_a_nul_from_the_config_file(tmp_path, setting):
    # A NUL cannot be passed in argv or the environment; a TOML string can hold one.
    config = tmp_path / "config.toml"
    config.write_text(f'[worker.install-service]\n{setting} = "x\\u0000ExecStartPre=/bin/sh"\n')
    unit = tmp_path / "w.service"
    refused(scaleout("--config", str(config), "worker", "install-service", "--path", str(unit)), 1,
            "contains the control character '\\x00'")
    assert not unit.exists()


@pytest.mark.parametrize("args, message", [
    (("--name", "../../etc/x"), "a unit name takes letters, digits"),
    (("--name", "a b"), "a unit name takes letters, digits"),
    (("--user", "root\tx"), "contains the control character"),
    (("--user", "a b"), "is not a user name"),
    (("--drain-timeout", "nan"), "not a finite number of seconds"),
])
def test_install_service_refuses_names_that_are_not_names(tmp_path, args, message):
    unit = tmp_path / "w.service"
    result = scaleout("worker", "install-service", "--path", str(unit), *args)
    refused(result, 2 if "--drain-timeout" in args else 1, message)
    assert not unit.exists()


def test_install_service_quotes_what_systemd_would_expand(tmp_path):
    unit = tmp_path / "w.service"
    result = scaleout("worker", "install-service", "--path", str(unit), "--display-name", 'it\'s $HOME 100% "q"\\',
                      "--state-dir", "relative/state")
    assert result.returncode == 0, result.stderr
    text = unit.read_text()
    exec_start = next(line for line in text.splitlines() if line.startswith("ExecStart="))
    assert '--display-name "it\'s $$HOME 100%% \\"q\\"\\\\"' in exec_start
    assert f"--state-dir {Path.cwd() / 'relative/state'}" in exec_start
    description = next(line for line in text.splitlines() if line.startswith("Description="))
    assert description.endswith(")") and "100%%" in description   # never a trailing backslash: no continuation
    assert len([line for line in text.splitlines() if line.startswith("ExecStart")]) == 1


# -- 8 and 9. what a worker says -------------------------------------------------------------------------------------

def test_a_worker_says_how_to_enable_it_in_postgresqls_own_sql(pg_catalog, pg_workers):
    worker = pg_workers.start("w1")
    worker_agent_id = worker.worker_agent_id
    wait_until(lambda: "or in SQL:" in worker.output(), 30, "the enable hint")
    output = worker.output()
    assert f"scaleout workers enable {worker_agent_id}" in output
    statement = f"CALL catalog.enable_worker_agent('{worker_agent_id}');"
    assert statement in output and "EXEC [catalog]" not in output
    with pg_catalog.engine.begin() as conn:   # the hint works as printed
        conn.exec_driver_sql(statement)
    assert pg_catalog.worker_agent(worker_agent_id).is_enabled


def test_the_enable_hint_on_sql_server_is_t_sql():
    from scaleout_catalog.cli.worker import enable_statement
    assert enable_statement("mssql", WORKER_ID) == \
        f"EXEC [catalog].[enable_worker_agent] @WorkerAgentId = N'{WORKER_ID}'"


def test_a_worker_says_what_sigterm_does_and_when_it_has_stopped(pg_catalog, pg_workers):
    deploy_test_project(pg_catalog)
    worker = pg_workers.start_enabled("w1", "--drain-timeout", "1")
    execution_id = run_execution(pg_catalog, "sleep", params={"Seconds": 60, "Interval": 0.2})
    wait_until(lambda: pg_catalog.execution(execution_id).status == 2, 30, "the package to run")
    assert worker.terminate(60) == 0
    output = worker.output()
    assert ("received SIGTERM: draining 1 running package (up to 1 s); send SIGTERM again to stop at once"
            in output), output
    assert f"worker agent {worker.worker_agent_id} stopped" in output.splitlines()[-1]


def test_an_idle_worker_says_it_stops(pg_workers):
    worker = pg_workers.start("w1")
    wait_until(lambda: "registered" in worker.output(), 30, "registration")
    assert worker.terminate(30) == 0
    output = worker.output()
    assert "received SIGTERM: stopping (no package is running)" in output
    assert f"worker agent {worker.worker_agent_id} stopped" in output
