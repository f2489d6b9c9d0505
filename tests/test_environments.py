"""Environments, their variables and references, values set on deployed parameters, and executions that
take their values from an environment: every procedure's happy path and every error number, the catalog
left exactly as it was after each refusal. Runs on every backend."""
from __future__ import annotations

import hashlib
import uuid

import pytest

import workers as test_workers
from helpers import FOLDER, PACKAGE, PROJECT, deploy_sample, register, snapshot
from scaleout_catalog import CatalogError

ENV = "prod"


def refused(catalog, number, fn, *args, **kwargs):
    before = snapshot(catalog)
    with pytest.raises(CatalogError) as info:
        fn(*args, **kwargs)
    assert info.value.number == number, info.value.message
    assert str(number) in info.value.message
    assert snapshot(catalog) == before
    return info.value


def values_of(catalog, execution_id):
    return {(v.object_type, v.parameter_name): (v.parameter_value, v.sensitive, v.value_set)
            for v in catalog.execution_parameter_values(execution_id)}


@pytest.fixture
def env(catalog):
    """The sample project deployed, and an environment "prod" in its folder."""
    deploy_sample(catalog)
    catalog.create_environment(FOLDER, ENV, "production settings")
    return catalog


# -- environments -------------------------------------------------------------------------

def test_create_rename_move_describe_delete_an_environment(env):
    catalog = env
    [row] = catalog.environments(FOLDER)
    assert (row["name"], row["description"], row["folder_name"]) == (ENV, "production settings", FOLDER)
    catalog.set_environment_property(FOLDER, ENV, "Description", "all of production")
    catalog.rename_environment(FOLDER, ENV, "production")
    catalog.create_folder("shared")
    catalog.move_environment(FOLDER, "production", "shared")
    assert [(r["folder_name"], r["name"], r["description"]) for r in catalog.environments()] == \
        [("shared", "production", "all of production")]
    catalog.delete_environment("shared", "production")
    assert catalog.environments() == []


def test_environment_errors(env):
    catalog = env
    catalog.create_folder("shared")
    catalog.create_environment("shared", ENV)
    refused(catalog, 27100, catalog.create_environment, None, "x")
    refused(catalog, 27100, catalog.create_environment, FOLDER, None)
    for bad in ("", " x", "x ", "a\tb", "a\u0085b", "x" * 129):
        refused(catalog, 27142, catalog.create_environment, FOLDER, bad)
    refused(catalog, 27101, catalog.create_environment, FOLDER, "a\x00b")     # no NUL in any value
    refused(catalog, 27101, catalog.create_environment, FOLDER, "x", "d" * 1025)
    refused(catalog, 27104, catalog.create_environment, "no such folder", "x")
    refused(catalog, 27157, catalog.create_environment, FOLDER, ENV)
    refused(catalog, 27182, catalog.delete_environment, FOLDER, "no such environment")
    refused(catalog, 27104, catalog.delete_environment, "no such folder", ENV)
    refused(catalog, 27100, catalog.rename_environment, FOLDER, ENV, None)
    refused(catalog, 27142, catalog.rename_environment, FOLDER, ENV, "bad\nname")
    refused(catalog, 27182, catalog.rename_environment, FOLDER, "nope", "x")
    refused(catalog, 27157, catalog.rename_environment, FOLDER, ENV, ENV)
    refused(catalog, 27182, catalog.move_environment, FOLDER, "nope", "shared")
    refused(catalog, 27115, catalog.move_environment, FOLDER, ENV, "no such folder")
    refused(catalog, 27157, catalog.move_environment, FOLDER, ENV, "shared")
    refused(catalog, 27101, catalog.set_environment_property, FOLDER, ENV, "Name", "x")
    refused(catalog, 27100, catalog.set_environment_property, FOLDER, ENV, None, "x")
    refused(catalog, 27182, catalog.set_environment_property, FOLDER, "nope", "Description", "x")


def test_names_with_quotes_and_markup_are_kept_as_given(env):
    catalog = env
    name = "O'Brien <b>\"prod\"</b> ; DROP TABLE x --"
    catalog.create_environment(FOLDER, name, "it's <i>fine</i>")
    catalog.create_environment_variable(FOLDER, name, "Var'1", "String", False, "va'lue <x>")
    assert [v["value"] for v in catalog.environment_variables(FOLDER, name)] == ["va'lue <x>"]
    assert name in {r["name"] for r in catalog.environments(FOLDER)}


# -- variables ---------------------------------------------------------------------------------

def test_variables_typed_sensitive_renamed_retyped_deleted(env):
    catalog = env
    catalog.create_environment_variable(FOLDER, ENV, "Region", "String", False, "EMEA", "where it runs")
    catalog.create_environment_variable(FOLDER, ENV, "Rows", "int32", False, 100)     # any case, as SSISDB
    catalog.create_environment_variable(FOLDER, ENV, "Key", "String", True, "s3cret")
    rows = {v["name"]: v for v in catalog.environment_variables(FOLDER, ENV)}
    assert (rows["Region"]["value"], rows["Region"]["type"], rows["Region"]["description"]) == \
        ("EMEA", "String", "where it runs")
    assert (rows["Rows"]["value"], rows["Rows"]["type"]) == ("100", "Int32")
    assert (rows["Key"]["value"], rows["Key"]["sensitive"]) == (None, True)
    catalog.set_environment_variable_value(FOLDER, ENV, "Rows", 250)
    catalog.set_environment_variable_property(FOLDER, ENV, "Rows", "Type", "INT64")
    catalog.set_environment_variable_property(FOLDER, ENV, "Rows", "Name", "RowCount")
    catalog.set_environment_variable_property(FOLDER, ENV, "RowCount", "Description", "how many")
    catalog.set_environment_variable_protection(FOLDER, ENV, "Key", False)
    catalog.set_environment_variable_protection(FOLDER, ENV, "Region", True)
    rows = {v["name"]: v for v in catalog.environment_variables(FOLDER, ENV)}
    assert (rows["RowCount"]["value"], rows["RowCount"]["type"], rows["RowCount"]["description"]) == \
        ("250", "Int64", "how many")
    assert (rows["Key"]["value"], rows["Key"]["sensitive"]) == ("s3cret", False)
    assert (rows["Region"]["value"], rows["Region"]["sensitive"]) == (None, True)
    catalog.set_environment_variable_protection(FOLDER, ENV, "Region", False)
    assert {v["name"]: v["value"] for v in catalog.environment_variables(FOLDER, ENV)}["Region"] == "EMEA"
    catalog.delete_environment_variable(FOLDER, ENV, "Key")
    assert sorted(v["name"] for v in catalog.environment_variables(FOLDER, ENV)) == ["Region", "RowCount"]


def test_variable_errors(env):
    catalog = env
    catalog.create_environment_variable(FOLDER, ENV, "Rows", "Int32", False, 1)
    catalog.create_environment_variable(FOLDER, ENV, "Other", "String", False, "abc")
    create = catalog.create_environment_variable
    refused(catalog, 27100, create, FOLDER, ENV, None, "String", False, "x")
    refused(catalog, 27100, create, FOLDER, ENV, "V", None, False, "x")
    refused(catalog, 27100, create, FOLDER, ENV, "V", "String", None, "x")
    refused(catalog, 27100, create, FOLDER, ENV, "V", "String", False, None)
    refused(catalog, 27180, create, FOLDER, ENV, "bad\x01name", "String", False, "x")
    refused(catalog, 27159, create, FOLDER, ENV, "V", "Object", False, "x")
    refused(catalog, 27147, create, FOLDER, ENV, "V", "Int32", False, "twelve")
    refused(catalog, 27147, create, FOLDER, ENV, "V", "Int32", False, "2147483648")
    refused(catalog, 27147, create, FOLDER, ENV, "V", "Boolean", False, "maybe")
    refused(catalog, 27147, create, FOLDER, ENV, "V", "DateTime", False, "yesterday")
    refused(catalog, 27101, create, FOLDER, ENV, "V", "String", False, "x" * 4001)
    refused(catalog, 27182, create, FOLDER, "nope", "V", "String", False, "x")
    refused(catalog, 27173, create, FOLDER, ENV, "Rows", "Int32", False, 2)
    refused(catalog, 27183, catalog.set_environment_variable_value, FOLDER, ENV, "nope", "x")
    refused(catalog, 27147, catalog.set_environment_variable_value, FOLDER, ENV, "Rows", "many")
    refused(catalog, 27100, catalog.set_environment_variable_value, FOLDER, ENV, "Rows", None)
    prop = catalog.set_environment_variable_property
    refused(catalog, 27101, prop, FOLDER, ENV, "Rows", "Sensitive", "1")
    refused(catalog, 27180, prop, FOLDER, ENV, "Rows", "Name", " padded")
    refused(catalog, 27173, prop, FOLDER, ENV, "Rows", "Name", "Other")
    refused(catalog, 27159, prop, FOLDER, ENV, "Rows", "Type", "Decimal")
    refused(catalog, 27210, prop, FOLDER, ENV, "Other", "Type", "Int32")
    refused(catalog, 27183, prop, FOLDER, ENV, "nope", "Description", "x")
    refused(catalog, 27183, catalog.set_environment_variable_protection, FOLDER, ENV, "nope", True)
    refused(catalog, 27100, catalog.set_environment_variable_protection, FOLDER, ENV, "Rows", None)
    refused(catalog, 27183, catalog.delete_environment_variable, FOLDER, ENV, "nope")
    refused(catalog, 27182, catalog.delete_environment_variable, FOLDER, "nope", "Rows")


# -- references --------------------------------------------------------------------------------

def test_relative_and_absolute_references(env):
    catalog = env
    catalog.create_folder("shared")
    catalog.create_environment("shared", "common")
    relative = catalog.create_environment_reference(FOLDER, PROJECT, ENV, "R")
    absolute = catalog.create_environment_reference(FOLDER, PROJECT, "common", "A", "shared")
    assert [(r["reference_id"], r["reference_type"], r["environment_folder_name"], r["environment_name"])
            for r in catalog.environment_references(FOLDER, PROJECT)] == \
        [(relative, "R", None, ENV), (absolute, "A", "shared", "common")]
    catalog.create_environment("shared", ENV)
    catalog.set_environment_reference_type(relative, "A", "shared")
    assert catalog.environment_references(FOLDER, PROJECT)[0]["environment_folder_name"] == "shared"
    catalog.delete_environment_reference(absolute)
    assert [r["reference_id"] for r in catalog.environment_references(FOLDER, PROJECT)] == [relative]


def test_reference_errors(env):
    catalog = env
    catalog.create_folder("shared")
    reference = catalog.create_environment_reference(FOLDER, PROJECT, ENV, "R")
    create = catalog.create_environment_reference
    refused(catalog, 27100, create, None, PROJECT, ENV, "R")
    refused(catalog, 27100, create, FOLDER, PROJECT, ENV, None)
    refused(catalog, 27101, create, FOLDER, PROJECT, ENV, "X")
    refused(catalog, 27100, create, FOLDER, PROJECT, ENV, "A")
    refused(catalog, 27101, create, FOLDER, PROJECT, ENV, "R", "shared")
    refused(catalog, 27109, create, FOLDER, "no such project", ENV, "R")
    refused(catalog, 27104, create, "no such folder", PROJECT, ENV, "R")
    refused(catalog, 27182, create, FOLDER, PROJECT, "nope", "R")
    refused(catalog, 27182, create, FOLDER, PROJECT, ENV, "A", "shared")
    refused(catalog, 27204, create, FOLDER, PROJECT, ENV, "R")
    refused(catalog, 27114, catalog.delete_environment_reference, reference + 1000)
    refused(catalog, 27100, catalog.delete_environment_reference, None)
    refused(catalog, 27111, catalog.set_environment_reference_type, reference + 1000, "R")
    refused(catalog, 27100, catalog.set_environment_reference_type, reference, "A")      # A needs a folder
    refused(catalog, 27182, catalog.set_environment_reference_type, reference, "A", "shared")
    refused(catalog, 27101, catalog.set_environment_reference_type, reference, "Q")


# -- values on deployed parameters ---------------------------------------------------------------

def test_set_and_clear_object_parameter_values(env):
    catalog = env
    catalog.set_object_parameter_value(20, FOLDER, PROJECT, "Environment", "staging")
    catalog.set_object_parameter_value(30, FOLDER, PROJECT, "RowCount", "ConfiguredRows", PACKAGE, "R")
    catalog.set_object_parameter_value(30, FOLDER, PROJECT, "ApiKey", "server-key", PACKAGE)
    rows = {r["parameter_name"]: r for r in catalog.object_parameters(FOLDER, PROJECT)}
    assert (rows["Environment"]["default_value"], rows["Environment"]["value_type"], rows["Environment"]["value_set"],
            rows["Environment"]["design_default_value"]) == ("staging", "V", True, "test")
    assert (rows["RowCount"]["value_type"], rows["RowCount"]["referenced_variable_name"],
            rows["RowCount"]["default_value"]) == ("R", "ConfiguredRows", None)
    assert (rows["ApiKey"]["default_value"], rows["ApiKey"]["value_set"]) == (None, True)
    catalog.clear_object_parameter_value(FOLDER, PROJECT, 20, "Environment")
    catalog.clear_object_parameter_value(FOLDER, PROJECT, 30, "RowCount", PACKAGE)
    rows = {r["parameter_name"]: r for r in catalog.object_parameters(FOLDER, PROJECT)}
    assert (rows["Environment"]["value_set"], rows["Environment"]["default_value"]) == (False, None)
    assert (rows["RowCount"]["value_type"], rows["RowCount"]["referenced_variable_name"]) == ("V", None)


def test_object_parameter_value_errors(env):
    catalog = env
    setv = catalog.set_object_parameter_value
    refused(catalog, 27100, setv, None, FOLDER, PROJECT, "Environment", "x")
    refused(catalog, 27100, setv, 20, FOLDER, PROJECT, "Environment", None)
    refused(catalog, 27101, setv, 40, FOLDER, PROJECT, "Environment", "x")
    refused(catalog, 27100, setv, 30, FOLDER, PROJECT, "RowCount", 5)              # a package needs object_name
    refused(catalog, 27101, setv, 20, FOLDER, PROJECT, "Environment", "x", None, "X")
    refused(catalog, 27180, setv, 20, FOLDER, PROJECT, "Environment", "bad\x7fname", None, "R")
    refused(catalog, 27104, setv, 20, "nope", PROJECT, "Environment", "x")
    refused(catalog, 27109, setv, 20, FOLDER, "nope", "Environment", "x")
    refused(catalog, 27106, setv, 20, FOLDER, PROJECT, "NoSuchParameter", "x")
    refused(catalog, 27106, setv, 30, FOLDER, PROJECT, "RowCount", 5, "package2")
    refused(catalog, 27106, setv, 20, FOLDER, PROJECT, "environment", "x")          # names are case-sensitive
    refused(catalog, 27147, setv, 30, FOLDER, PROJECT, "RowCount", "ten", PACKAGE)
    clear = catalog.clear_object_parameter_value
    refused(catalog, 27100, clear, FOLDER, PROJECT, 20, None)
    refused(catalog, 27101, clear, FOLDER, PROJECT, 10, "Environment")
    refused(catalog, 27106, clear, FOLDER, PROJECT, 20, "Nope")
    refused(catalog, 27109, clear, FOLDER, "nope", 20, "Environment")


# -- executions --------------------------------------------------------------------------------

def bind_sample(catalog):
    """The flow of SSIS's "deploy and execute with stored procedures": a plain and a sensitive variable,
    a reference, a project and a package parameter bound to them."""
    catalog.create_environment_variable(FOLDER, ENV, "Stage", "String", False, "production")
    catalog.create_environment_variable(FOLDER, ENV, "Key", "String", True, "env-secret")
    reference = catalog.create_environment_reference(FOLDER, PROJECT, ENV, "R")
    catalog.set_object_parameter_value(20, FOLDER, PROJECT, "Environment", "Stage", value_type="R")
    catalog.set_object_parameter_value(30, FOLDER, PROJECT, "ApiKey", "Key", PACKAGE, "R")
    return reference


def test_an_execution_takes_its_values_from_the_environment(env):
    catalog = env
    reference = bind_sample(catalog)
    catalog.set_object_parameter_value(30, FOLDER, PROJECT, "RowCount", 42, PACKAGE)
    execution_id = catalog.create_execution(FOLDER, PROJECT, PACKAGE, reference_id=reference)
    values = values_of(catalog, execution_id)
    assert values[(20, "Environment")] == ("production", False, True)
    assert values[(30, "ApiKey")] == (None, True, True)           # sensitive: never shown
    assert values[(30, "RowCount")] == ("42", False, True)        # set on the server
    assert values[(30, "Threshold")] == (None, False, False)      # no design default
    e = catalog.execution(execution_id)
    assert (e.reference_id, e.reference_type, e.environment_name) == (reference, "R", ENV)
    catalog.start_execution(execution_id)
    worker = register(catalog)
    [task] = catalog.pull_task(worker)
    given = {(p.object_type, p.parameter_name): p.parameter_value for p in task.parameters}
    assert given[(20, "Environment")] == "production" and given[(30, "ApiKey")] == "env-secret"
    assert given[(30, "RowCount")] == "42"


def test_precedence_execution_value_then_environment_then_server_then_design(env):
    catalog = env
    reference = bind_sample(catalog)
    execution_id = catalog.create_execution(FOLDER, PROJECT, PACKAGE, reference_id=reference)
    catalog.set_execution_parameter_value(execution_id, 20, "Environment", "override")
    assert values_of(catalog, execution_id)[(20, "Environment")] == ("override", False, True)
    # Without a reference, a bound parameter falls back to its design default; a required one has no value.
    plain = catalog.create_execution(FOLDER, PROJECT, PACKAGE)
    values = values_of(catalog, plain)
    assert values[(20, "Environment")] == ("test", False, True)
    assert values[(30, "ApiKey")][2] is False
    before = snapshot(catalog)
    with pytest.raises(CatalogError) as info:
        catalog.start_execution(plain)
    assert info.value.number == 27184 and snapshot(catalog) == before


def test_execution_reference_errors(env):
    catalog = env
    reference = bind_sample(catalog)
    create = catalog.create_execution
    refused(catalog, 27208, create, FOLDER, PROJECT, PACKAGE, reference_id=reference + 1000)
    # A reference to an environment that is gone: 27182.
    catalog.create_environment(FOLDER, "gone")
    gone = catalog.create_environment_reference(FOLDER, PROJECT, "gone", "R")
    catalog.delete_environment(FOLDER, "gone")
    refused(catalog, 27182, create, FOLDER, PROJECT, PACKAGE, reference_id=gone)
    # A variable of another type than its parameter: 27148.
    catalog.set_object_parameter_value(30, FOLDER, PROJECT, "RowCount", "Stage", PACKAGE, "R")
    refused(catalog, 27148, create, FOLDER, PROJECT, PACKAGE, reference_id=reference)
    catalog.clear_object_parameter_value(FOLDER, PROJECT, 30, "RowCount", PACKAGE)
    # A sensitive variable for a parameter that is not sensitive: 27221.
    catalog.set_object_parameter_value(20, FOLDER, PROJECT, "Environment", "Key", value_type="R")
    refused(catalog, 27221, create, FOLDER, PROJECT, PACKAGE, reference_id=reference)


def test_a_missing_variable_leaves_a_required_parameter_without_value(env):
    catalog = env
    reference = bind_sample(catalog)
    catalog.delete_environment_variable(FOLDER, ENV, "Key")
    execution_id = catalog.create_execution(FOLDER, PROJECT, PACKAGE, reference_id=reference)
    before = snapshot(catalog)
    with pytest.raises(CatalogError) as info:
        catalog.start_execution(execution_id)
    assert info.value.number == 27184 and snapshot(catalog) == before


def test_bulk_executions_take_server_values(env):
    catalog = env
    catalog.set_object_parameter_value(20, FOLDER, PROJECT, "Environment", "bulk-stage")
    [execution_id] = catalog.create_and_start_executions(
        [{"folder_name": FOLDER, "project_name": PROJECT, "package_name": PACKAGE, "parameters": {"ApiKey": "k"}}])
    assert values_of(catalog, execution_id)[(20, "Environment")] == ("bulk-stage", False, True)


def test_a_redeploy_keeps_values_set_on_the_server(env):
    catalog = env
    reference = bind_sample(catalog)
    catalog.set_object_parameter_value(30, FOLDER, PROJECT, "RowCount", 7, PACKAGE)
    deploy_sample(catalog)
    rows = {r["parameter_name"]: r for r in catalog.object_parameters(FOLDER, PROJECT)}
    assert (rows["Environment"]["value_type"], rows["Environment"]["referenced_variable_name"]) == ("R", "Stage")
    assert (rows["RowCount"]["default_value"], rows["RowCount"]["value_set"]) == ("7", True)
    execution_id = catalog.create_execution(FOLDER, PROJECT, PACKAGE, reference_id=reference)
    assert values_of(catalog, execution_id)[(30, "ApiKey")] == (None, True, True)


def test_ssis_flow_a_worker_runs_the_package_with_the_environment_values(catalog, workers):
    """Microsoft's "deploy and execute SSIS packages using stored procedures" flow, with an environment:
    a plain and a sensitive variable, a reference, a project and a package parameter bound to them,
    create_execution @reference_id, start_execution; a real worker runs the package."""
    folder, project = test_workers.FOLDER, test_workers.PROJECT
    test_workers.deploy_test_project(catalog)
    secret = f"s3cret-{uuid.uuid4().hex}"
    catalog.create_environment(folder, ENV, "production settings")
    catalog.create_environment_variable(folder, ENV, "Stage", "String", False, "production")
    catalog.create_environment_variable(folder, ENV, "Key", "String", True, secret)
    reference = catalog.create_environment_reference(folder, project, ENV, "R")
    catalog.set_object_parameter_value(20, folder, project, "Environment", "Stage", value_type="R")
    catalog.set_object_parameter_value(30, folder, project, "ApiKey", "Key", "settings", "R")
    execution_id = catalog.create_execution(folder, project, "settings", reference_id=reference)
    catalog.start_execution(execution_id)
    workers.start_enabled("w1")
    [ended] = test_workers.wait_terminal(catalog, [execution_id], 60).values()
    assert ended.status == 7, test_workers.package_lines(catalog, execution_id)
    digest = hashlib.sha256(secret.encode()).hexdigest()
    assert test_workers.package_lines(catalog, execution_id) == [f"environment production, key sha256 {digest}"]
    values = values_of(catalog, execution_id)
    assert values[(20, "Environment")] == ("production", False, True)
    assert values[(30, "ApiKey")] == (None, True, True)
    assert all(secret not in m.message for m in catalog.operation_messages(execution_id))
    assert (ended.reference_id, ended.environment_name) == (reference, ENV)
