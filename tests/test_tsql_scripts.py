"""The T-SQL a DBA already has, run verbatim on SQL Server: the walkthrough's enable-worker example
and SSIS's "run packages in Scale Out" script, each batch as sqlcmd sends it (split on GO). The
execution then runs to status 7 on a real `scaleout worker run --url mssql+pyodbc://...`."""
from __future__ import annotations

import json
import shutil
import socket
import uuid

import pytest

from helpers import result_sets
from scaleout_catalog import Catalog, migrate, sqlfiles
from scaleout_catalog.connection import create_engine
from workers import PROJECT_DIR, WorkerProcess, package_lines, wait_terminal, wait_until

# The walkthrough's "Enable Scale Out Worker" example, as published.
SEED_ENABLE_WORKER = """\
SELECT WorkerAgentId, computerName FROM [catalog].[worker_agents]
GO
-- Result: --
-- WorkerAgentId                           computerName --
-- 6583054A-E915-4C2A-80E4-C765E79EF61D    computerA    --

EXEC [catalog].[enable_worker_agent] '6583054A-E915-4C2A-80E4-C765E79EF61D'
GO 
"""

# "Run packages in Integration Services (SSIS) Scale Out", as SSMS scripts it; @retry_count = 2.
RUN_IN_SCALE_OUT = """\
Declare @execution_id bigint
EXEC [SSISDB].[catalog].[create_execution] @package_name=N'package1.dtsx', @execution_id=@execution_id OUTPUT, @folder_name=N'folder1', @project_name=N'project1', @use32bitruntime=False, @reference_id=Null, @useanyworker=False, @runinscaleout=True
DECLARE @var0 smallint = 1
EXEC [SSISDB].[catalog].[set_execution_parameter_value] @execution_id, @object_type=50, @parameter_name=N'LOGGING_LEVEL', @parameter_value=@var0
EXEC [SSISDB].[catalog].[add_execution_worker] @execution_id, @workeragent_id=N'64c020e2-f819-4c2d-a22f-efb31a91e70a'
EXEC [SSISDB].[catalog].[start_execution] @execution_id, @retry_count=2
GO
"""

SEED_WORKER = uuid.UUID("6583054A-E915-4C2A-80E4-C765E79EF61D")
SCRIPT_WORKER = uuid.UUID("64c020e2-f819-4c2d-a22f-efb31a91e70a")


def run_script(catalog: Catalog, script: str) -> list[list[tuple]]:
    """Sends each GO-separated batch on one session, as sqlcmd does; the rows of every result."""
    raw = catalog.engine.raw_connection()
    results = []
    try:
        cursor = raw.cursor()
        for batch in sqlfiles.batches("mssql", script):
            results.extend(result_sets(cursor, batch))
        raw.commit()
    finally:
        raw.close()
    return results


@pytest.fixture
def ssisdb(mssql_server):
    """A catalog in a database named SSISDB: the script names [SSISDB] in three-part names."""
    if mssql_server.execute("SELECT DB_ID(N'SSISDB')")[0][0] is not None:
        pytest.skip("this server already has a database named SSISDB; the test will not touch it")
    mssql_server.create_database("SSISDB")
    try:
        engine = create_engine(mssql_server.url_for("SSISDB"))
        try:
            migrate.upgrade(engine)
        finally:
            engine.dispose()
        catalog = Catalog(mssql_server.url_for("SSISDB"))
        yield catalog, mssql_server.url_for("SSISDB")
        catalog.dispose()
    finally:
        mssql_server.drop_database("SSISDB")


def _project_as_in_the_script(tmp_path):
    """The test project, deployed as folder1/project1 with a package named package1.dtsx."""
    project = tmp_path / "project1"
    shutil.copytree(PROJECT_DIR, project)
    manifest = project / "scaleout.toml"
    text = manifest.read_text().replace('name = "testproject"', 'name = "project1"')
    text += '\n[packages."package1.dtsx"]\nentry_point = "packages.basic:hello"\n'
    text += '\n[packages."package1.dtsx".parameters.Lines]\ntype = "Int32"\ndefault = 3\n'
    manifest.write_text(text)
    return project


def _worker(url, root, worker_agent_id):
    """A worker whose state directory already holds the given identity."""
    root.mkdir(parents=True)
    (root / "worker.json").write_text(json.dumps({"worker_agent_id": str(worker_agent_id)}))
    return WorkerProcess(url, root).start()


def test_the_walkthrough_and_the_run_in_scale_out_script_verbatim(ssisdb, tmp_path):
    from scaleout_catalog.project import deploy
    catalog, url = ssisdb
    deploy(catalog, _project_as_in_the_script(tmp_path), "folder1", create_folder=True)
    started = [_worker(url, tmp_path / "w1", SEED_WORKER), _worker(url, tmp_path / "w2", SCRIPT_WORKER)]
    try:
        wait_until(lambda: len(catalog.worker_agents()) == 2, 30, "both workers to register")

        selected, = run_script(catalog, SEED_ENABLE_WORKER)
        host = socket.gethostname()                              # the worker's computer name
        assert sorted((r[0], r[1]) for r in selected) == [(SCRIPT_WORKER, host), (SEED_WORKER, host)]
        assert catalog.worker_agent(SEED_WORKER).is_enabled is True
        catalog.enable_worker_agent(SCRIPT_WORKER)

        assert run_script(catalog, RUN_IN_SCALE_OUT) == []
        execution = catalog.executions()[-1]
        assert (execution.package_name, execution.folder_name, execution.project_name) == (
            "package1.dtsx", "folder1", "project1")
        levels = {p.parameter_name: p.parameter_value for p in catalog.execution_parameter_values(execution.execution_id)
                  if p.object_type == 50}
        assert levels["LOGGING_LEVEL"] == "1"
        ended = wait_terminal(catalog, [execution.execution_id], 60)[execution.execution_id]
        assert (ended.status, ended.executed_count, ended.worker_agent_id) == (7, 1, SCRIPT_WORKER)
        task = catalog.tasks(execution.execution_id)[0]
        assert task.max_executed_count == 3                      # @retry_count = 2
        assert package_lines(catalog, execution.execution_id) == [
            "line 1 of 3", "line 2 of 3", "line 3 of 3", "printed to stdout", "from a subprocess", "a warning in test"]
    finally:
        for worker in started:
            if worker.alive():
                assert worker.terminate() == 0, worker.output()


# An environment configured as SSMS scripts it, then "deploy and execute with stored procedures".
ENVIRONMENT_SCRIPT = """\
EXEC [SSISDB].[catalog].[create_environment] @environment_name=N'prod', @environment_description=N'', @folder_name=N'folder1'
GO
DECLARE @var sql_variant = N'production'
EXEC [SSISDB].[catalog].[create_environment_variable] @variable_name=N'Stage', @sensitive=False, @description=N'', @environment_name=N'prod', @folder_name=N'folder1', @value=@var, @data_type=N'String'
GO
DECLARE @var sql_variant = 2
EXEC [SSISDB].[catalog].[create_environment_variable] @variable_name=N'Lines', @sensitive=False, @description=N'', @environment_name=N'prod', @folder_name=N'folder1', @value=@var, @data_type=N'Int32'
GO
Declare @reference_id bigint
EXEC [SSISDB].[catalog].[create_environment_reference] @environment_name=N'prod', @reference_id=@reference_id OUTPUT, @project_name=N'project1', @folder_name=N'folder1', @reference_type=R
Select @reference_id
GO
EXEC [SSISDB].[catalog].[set_object_parameter_value] @object_type=20, @parameter_name=N'Environment', @object_name=N'project1', @folder_name=N'folder1', @project_name=N'project1', @value_type=R, @parameter_value=N'Stage'
GO
EXEC [SSISDB].[catalog].[set_object_parameter_value] @object_type=30, @parameter_name=N'Lines', @object_name=N'package1.dtsx', @folder_name=N'folder1', @project_name=N'project1', @value_type=R, @parameter_value=N'Lines'
GO
"""

EXECUTE_WITH_REFERENCE = """\
Declare @execution_id bigint
EXEC [SSISDB].[catalog].[create_execution] @package_name=N'package1.dtsx', @execution_id=@execution_id OUTPUT, @folder_name=N'folder1', @project_name=N'project1', @use32bitruntime=False, @reference_id={reference_id}
Select @execution_id
EXEC [SSISDB].[catalog].[start_execution] @execution_id
GO
"""


def test_an_environment_configured_as_ssms_scripts_it_feeds_the_package(ssisdb, tmp_path):
    from scaleout_catalog.project import deploy
    catalog, url = ssisdb
    deploy(catalog, _project_as_in_the_script(tmp_path), "folder1", create_folder=True)
    results = run_script(catalog, ENVIRONMENT_SCRIPT)
    reference_id = int(results[-1][0][0])
    [[(execution_id,)]] = run_script(catalog, EXECUTE_WITH_REFERENCE.format(reference_id=reference_id))
    worker = _worker(url, tmp_path / "w1", SEED_WORKER)
    try:
        wait_until(lambda: catalog.worker_agent(SEED_WORKER), 30, "the worker to register")
        catalog.enable_worker_agent(SEED_WORKER)
        ended = wait_terminal(catalog, [execution_id], 60)[execution_id]
        assert ended.status == 7 and ended.environment_name == "prod"
        assert package_lines(catalog, execution_id) == [
            "line 1 of 2", "line 2 of 2", "printed to stdout", "from a subprocess", "a warning in production"]
    finally:
        if worker.alive():
            assert worker.terminate() == 0, worker.output()
