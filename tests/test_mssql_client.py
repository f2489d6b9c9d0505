"""SQL Server defects that show without an engine: the install script's session settings,
parameter sizes, NULL binding and uniqueidentifier values. The live engine runs the rest
(test_conformance and friends with SCALEOUT_TEST_MSSQL_URL)."""
from __future__ import annotations

import re
import uuid

import pytest

from scaleout_catalog import migrate, models, sqlfiles
from scaleout_catalog.procedures import PROCEDURES

_SET = re.compile(r"^\s*SET\s+(ANSI_NULLS|QUOTED_IDENTIFIER)\s+(ON|OFF)\s*;?\s*$", re.IGNORECASE | re.MULTILINE)
_BOUND = re.compile(r"^\s*CREATE\s+(PROCEDURE|FUNCTION|VIEW|TRIGGER)\b|\bCREATE\s+(UNIQUE\s+)?INDEX\b[^;]*\bWHERE\b",
                    re.IGNORECASE | re.MULTILINE | re.DOTALL)


def _settings_at_each_bound_batch(script: str) -> list[tuple[str, dict[str, str]]]:
    """Replays a GO-separated script as one sqlcmd session (QUOTED_IDENTIFIER starts OFF there)."""
    state = {"ANSI_NULLS": "ON", "QUOTED_IDENTIFIER": "OFF"}
    seen = []
    for batch in sqlfiles.batches("mssql", script):
        code = "\n".join(line for line in batch.splitlines() if not line.lstrip().startswith("--"))
        if _BOUND.search(code):
            seen.append((batch.splitlines()[0], dict(state)))
        for name, value in _SET.findall(code):
            state[name.upper()] = value.upper()
    return seen


def test_every_procedure_view_function_and_filtered_index_is_created_under_quoted_identifier_and_ansi_nulls():
    script = migrate.script("mssql")
    seen = _settings_at_each_bound_batch(script)
    assert len(seen) > 40
    wrong = [first for first, state in seen if state != {"ANSI_NULLS": "ON", "QUOTED_IDENTIFIER": "ON"}]
    assert wrong == []
    # ... and each file on its own too, for a DBA who runs one file.
    for name, text in sqlfiles.upgrade_files("mssql", "0001"):
        wrong = [first for first, state in _settings_at_each_bound_batch(text)
                 if state != {"ANSI_NULLS": "ON", "QUOTED_IDENTIFIER": "ON"}]
        assert wrong == [], name


def _procedures(text: str):
    for batch in sqlfiles.batches("mssql", text):
        match = re.match(r"CREATE\s+PROCEDURE\s+(\S+)(.*?)\bAS\s*\n\s*BEGIN\b(.*)", batch, re.S | re.I)
        if match:
            yield match.group(1), match.group(2), match.group(3)


def test_every_length_check_is_on_a_parameter_declared_wider_than_the_limit():
    # SQL Server cuts an argument to its declared size without a word, so LEN(@p) > 128 on an
    # nvarchar(128) parameter can never be true: the check must see the whole value.
    checks = 0
    for _name, text in sqlfiles.upgrade_files("mssql", "0001"):
        for proc, params, body in _procedures(text):
            sizes = {p.lower(): size for p, size in
                     re.findall(r"@(\w+)\s+n?varchar\((\d+|max)\)", params, re.I)}
            for param, limit in re.findall(r"LEN\(\s*@(\w+)\s*\)\s*(?:>|NOT\s+BETWEEN\s+\d+\s+AND)\s*(\d+)", body, re.I):
                size = sizes.get(param.lower())
                if size is None:
                    continue   # a local variable, not a parameter
                checks += 1
                assert size.lower() == "max" or int(size) > int(limit), f"{proc} @{param} {size} vs {limit}"
    assert checks >= 5


def test_a_null_argument_is_sent_as_a_null_literal_with_no_untyped_parameter():
    proc = PROCEDURES["deploy_project"]
    sql = proc.render("mssql", ["folder_name", "project_name", "project_stream", "project_manifest"],
                      frozenset({"project_stream"}))
    assert "@project_stream = NULL" in sql
    assert sql.count("?") == 3


def test_uniqueidentifier_strings_become_uuids():
    worker_id = uuid.uuid4()
    row = {"WorkerAgentId": str(worker_id).upper(), "IsEnabled": 1, "RunningTasks": 0}
    agent = models.from_row(models.WorkerAgent, row)
    assert agent.worker_agent_id == worker_id
    task = models.from_row(models.ClaimedTask, {"task_id": str(worker_id), "lease_token": str(worker_id)})
    assert isinstance(task.task_id, uuid.UUID) and isinstance(task.lease_token, uuid.UUID)


def test_batches_know_the_line_they_start_on():
    text = "-- header\nSET ANSI_NULLS ON;\nGO\n\nCREATE PROCEDURE x\nAS\nBEGIN\n  SELECT 1;\nEND\nGO\n"
    found = sqlfiles.batches("mssql", text)
    assert [(b.line, b.splitlines()[0]) for b in found] == [(1, "-- header"), (5, "CREATE PROCEDURE x")]


@pytest.mark.parametrize("dialect", sqlfiles.DIALECTS)
def test_the_worker_agents_view_has_the_walkthroughs_computername(dialect):
    view = next(text for name, text in sqlfiles.upgrade_files(dialect, "0001") if name == "30_views.sql")
    assert re.search(r"ComputerName\b", view)
