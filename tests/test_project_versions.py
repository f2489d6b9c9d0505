"""Project versions and the management of projects and folders: restore_project, get_project,
delete_project, move_project, delete_folder, rename_folder, set_folder_description. Every procedure's
happy path and error numbers, the catalog unchanged after each refusal; a real worker runs the restored
version's code. Runs on every backend."""
from __future__ import annotations

from pathlib import Path

import pytest

import workers as test_workers
from helpers import ARCHIVE, FOLDER, MANIFEST, PROJECT, deploy_sample, new_execution, register, snapshot
from scaleout_catalog import CatalogError
from scaleout_catalog.project import deploy


def refused(catalog, number, fn, *args, **kwargs):
    before = snapshot(catalog)
    with pytest.raises(CatalogError) as info:
        fn(*args, **kwargs)
    assert info.value.number == number, info.value.message
    assert str(number) in info.value.message
    assert snapshot(catalog) == before
    return info.value


def versioned_project(root: Path, version: int) -> Path:
    """A one-package project whose package logs which version it is."""
    path = root / f"v{version}"
    (path / "packages").mkdir(parents=True)
    (path / "packages" / "__init__.py").write_text("")
    (path / "packages" / "which.py").write_text(
        f"def run(context):\n    context.logger.info('running version {version}')\n")
    (path / "scaleout.toml").write_text(
        f'name = "versioned"\nversion = "{version}.0"\n\n[packages.which]\nentry_point = "packages.which:run"\n')
    return path


def test_restore_runs_the_old_code_and_keeps_at_most_max_project_versions(catalog, workers, tmp_path):
    catalog.configure_catalog("MAX_PROJECT_VERSIONS", 3)
    lsns = []
    for version in (1, 2, 3, 4):
        deploy(catalog, versioned_project(tmp_path, version), test_workers.FOLDER, create_folder=True)
        lsns.append(catalog.object_versions(test_workers.FOLDER, "versioned")[0]["object_version_lsn"])
    kept = catalog.object_versions(test_workers.FOLDER, "versioned")
    assert [v["object_version_lsn"] for v in kept] == lsns[:0:-1]          # v1 pruned: 3 kept
    assert [v["version"] for v in kept] == ["4.0", "3.0", "2.0"] and kept[0]["is_current"]
    catalog.restore_project(test_workers.FOLDER, "versioned", lsns[1])       # back to v2
    kept = {v["object_version_lsn"]: v for v in catalog.object_versions(test_workers.FOLDER, "versioned")}
    assert kept[lsns[1]]["is_current"] and kept[lsns[1]]["restored_by"]
    workers.start_enabled("w1")
    execution_id = catalog.create_execution(test_workers.FOLDER, "versioned", "which")
    catalog.start_execution(execution_id)
    [ended] = test_workers.wait_terminal(catalog, [execution_id], 60).values()
    assert ended.status == 7 and ended.project_lsn == lsns[1]
    assert test_workers.package_lines(catalog, execution_id) == ["running version 2"]
    # A deploy after the restore keeps the restored version among the recent ones.
    deploy(catalog, versioned_project(tmp_path, 5), test_workers.FOLDER)
    kept = [v["version"] for v in catalog.object_versions(test_workers.FOLDER, "versioned")]
    assert len(kept) == 3 and "2.0" in kept and "5.0" in kept


def test_restore_errors_and_executions_created_before_it(catalog):
    deploy_sample(catalog)
    first = catalog.object_versions(FOLDER, PROJECT)[0]["object_version_lsn"]
    at_first = catalog.create_execution(FOLDER, PROJECT, "package2")
    deploy_sample(catalog)
    current = catalog.object_versions(FOLDER, PROJECT)[0]["object_version_lsn"]
    at_current = catalog.create_execution(FOLDER, PROJECT, "package2")
    refused(catalog, 27100, catalog.restore_project, FOLDER, PROJECT, None)
    refused(catalog, 27104, catalog.restore_project, "nope", PROJECT, first)
    refused(catalog, 27109, catalog.restore_project, FOLDER, "nope", first)
    refused(catalog, 27179, catalog.restore_project, FOLDER, PROJECT, current + 1000)
    refused(catalog, 27155, catalog.restore_project, FOLDER, PROJECT, current)
    catalog.restore_project(FOLDER, PROJECT, first)
    # An execution runs the version it was created for, and only while that is the current one.
    refused(catalog, 27150, catalog.start_execution, at_current)
    catalog.start_execution(at_first)
    assert catalog.execution(at_first).status == 5


def test_restore_carries_the_values_set_on_the_server(catalog):
    deploy_sample(catalog)
    first = catalog.object_versions(FOLDER, PROJECT)[0]["object_version_lsn"]
    deploy_sample(catalog)
    catalog.set_object_parameter_value(20, FOLDER, PROJECT, "Environment", "staging")
    catalog.restore_project(FOLDER, PROJECT, first)
    rows = {r["parameter_name"]: r for r in catalog.object_parameters(FOLDER, PROJECT)}
    assert rows["Environment"]["default_value"] == "staging"


def test_get_project_returns_the_current_archive(catalog):
    deploy_sample(catalog)
    assert catalog.get_project(FOLDER, PROJECT) == ARCHIVE
    refused(catalog, 27109, catalog.get_project, FOLDER, "nope")
    refused(catalog, 27104, catalog.get_project, "nope", PROJECT)
    refused(catalog, 27100, catalog.get_project, FOLDER, None)


def test_delete_project_refused_while_it_runs_then_deleted_with_its_references(catalog):
    deploy_sample(catalog)
    catalog.create_environment(FOLDER, "prod")
    catalog.create_environment_reference(FOLDER, PROJECT, "prod", "R")
    worker = register(catalog)
    running = new_execution(catalog)
    refused(catalog, 27149, catalog.delete_project, FOLDER, PROJECT)
    [task] = catalog.pull_task(worker)
    refused(catalog, 27149, catalog.delete_project, FOLDER, PROJECT)
    catalog.update_task_status(worker, task.task_id, task.lease_token, 5)
    catalog.delete_project(FOLDER, PROJECT)
    assert PROJECT not in {p.name for p in catalog.projects()}
    assert catalog.query("SELECT * FROM catalog.environment_references") == []
    assert catalog.execution(running).project_name == PROJECT      # the history keeps its name
    refused(catalog, 27109, catalog.delete_project, FOLDER, PROJECT)
    refused(catalog, 27100, catalog.delete_project, None, PROJECT)


def test_move_project(catalog):
    deploy_sample(catalog)
    catalog.create_folder("other")
    catalog.move_project(FOLDER, PROJECT, "other")
    assert catalog.object_parameters("other", PROJECT)
    catalog.deploy_project(FOLDER, PROJECT, ARCHIVE, MANIFEST)
    refused(catalog, 27181, catalog.move_project, FOLDER, PROJECT, "other")
    refused(catalog, 27115, catalog.move_project, FOLDER, PROJECT, "nope")
    refused(catalog, 27109, catalog.move_project, FOLDER, "nope", "other")
    refused(catalog, 27100, catalog.move_project, FOLDER, PROJECT, None)


def test_folders_delete_rename_describe(catalog):
    deploy_sample(catalog)
    catalog.create_folder("empty")
    catalog.create_folder("taken")
    catalog.set_folder_description("empty", "nothing here yet")
    assert {f.name: f.description for f in catalog.folders()}["empty"] == "nothing here yet"
    catalog.rename_folder("empty", "renamed")
    catalog.rename_folder("renamed", "renamed")                       # the same name: nothing to do
    catalog.delete_folder("renamed")
    assert {f.name for f in catalog.folders()} == {FOLDER, "taken"}
    refused(catalog, 27196, catalog.delete_folder, FOLDER)
    catalog.create_environment("taken", "prod")
    refused(catalog, 27196, catalog.delete_folder, "taken")
    refused(catalog, 27104, catalog.delete_folder, "nope")
    refused(catalog, 27100, catalog.delete_folder, None)
    refused(catalog, 27129, catalog.rename_folder, FOLDER, "taken")
    refused(catalog, 27199, catalog.rename_folder, FOLDER, " padded")
    refused(catalog, 27199, catalog.rename_folder, FOLDER, "x" * 129)
    refused(catalog, 27104, catalog.rename_folder, "nope", "x")
    refused(catalog, 27100, catalog.rename_folder, FOLDER, None)
    refused(catalog, 27104, catalog.set_folder_description, "nope", "x")
    refused(catalog, 27101, catalog.set_folder_description, FOLDER, "x" * 1025)
