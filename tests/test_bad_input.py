"""The bad-input catalogue of the procedures and the Python API, on both dialects.

Every case is a call a hostile user, a broken client or a buggy worker could make. Each must be
refused with its SSIS error number and a one-line message, and must leave every catalog table as
it was (contents compared, not row counts). The CLI's own cases are in test_cli_bad_input.py, the
archives' in test_archive_bad_input.py.
"""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any, Callable

import pytest

from helpers import FOLDER, MANIFEST, PACKAGE, PROJECT, ARCHIVE, deploy_sample, new_execution, register, snapshot
from scaleout_catalog import errors


@dataclass
class World:
    """A catalog with something in it: a folder and project, an enabled and a disabled worker, an
    execution created and not started, one running under a lease, and two for chosen workers
    (useanyworker = 0): one that only the disabled worker may run, one with no worker chosen."""

    worker: uuid.UUID
    disabled: uuid.UUID
    created: int
    running: int
    task: Any
    chosen: int
    bare: int


def _world(catalog) -> World:
    deploy_sample(catalog)
    worker = register(catalog, "computerA")
    disabled = register(catalog, "computerB", enabled=False)
    running = new_execution(catalog)
    task = catalog.pull_task(worker)[0]
    created = new_execution(catalog, package=PACKAGE, start=False)
    chosen = catalog.create_execution(FOLDER, PROJECT, "package2", useanyworker=False)
    catalog.add_execution_worker(chosen, disabled)
    bare = catalog.create_execution(FOLDER, PROJECT, "package2", useanyworker=False)
    return World(worker, disabled, created, running, task, chosen, bare)


def _message(w: World, **fields: Any) -> str:
    record = {"lease_token": str(w.task.lease_token), "event_message_guid": str(uuid.uuid4()),
              "message_type": 70, "message": "hello"}
    record.update(fields)
    return json.dumps([record])


def _tasks(**fields: Any) -> Callable[[World], str]:
    def make(w: World) -> str:
        record = {"task_id": str(w.task.task_id), "lease_token": str(w.task.lease_token), "status": 5}
        record.update(fields)
        return json.dumps([record])
    return make


def _manifest(**changes: Any) -> dict[str, Any]:
    manifest = json.loads(json.dumps(MANIFEST))
    manifest.update(changes)
    return manifest


def _package(**changes: Any) -> dict[str, Any]:
    return _manifest(packages=[dict(MANIFEST["packages"][1], **changes)])


def _param(data_type: str, value: str) -> dict[str, Any]:
    return _manifest(parameters=[{"name": "P", "type": data_type, "default": value}])


BAD_NAMES = {
    "empty": "", "blank": "   ", "tab": "\t", "newline inside": "a\nb", "carriage return": "a\rb",
    "leading space": " finance", "trailing space": "finance ", "escape character": "a\x1b[31mred",
    "DEL": "a\x7f", "C1 control": "a\x85b", "no-break space at the end": "finance\u00a0",
    "NUL": "a\x00b",
}
TOO_LONG = {"create_folder": 129, "deploy_project folder": 129, "register machine": 257, "DisplayName": 257}

BAD_VALUES = {   # (data type, value): what Python's parsers accept and the catalog refuses, and worse
    ("Int32", "1_000"), ("Int32", "\uff11\uff12"), ("Int32", "\u0661"), ("Int32", "2147483648"), ("Int32", "1.0"),
    ("Int32", ""), ("Int32", "0x10"), ("Int32", "1e3"), ("Int64", "9223372036854775808"), ("Int64", "12345678901234567890123"),
    ("Double", "NaN"), ("Double", "nan"), ("Double", "Infinity"), ("Double", "-inf"), ("Double", "1e400"),
    ("Double", "1,5"), ("Double", "0x1p3"), ("Double", "1_0.5"), ("Boolean", "yes"), ("Boolean", "2"),
    ("DateTime", "now"), ("DateTime", "epoch"), ("DateTime", "infinity"), ("DateTime", "today"),
    ("DateTime", "2024-001"), ("DateTime", "2024-W01-1"), ("DateTime", "2024-13-01"), ("DateTime", "2024-02-30"),
    ("DateTime", "20240101"), ("DateTime", "10000-01-01"), ("DateTime", "Jan 1 2024"), ("DateTime", "2024-01-01 25:00"),
}
PARAMETER_BY_TYPE = {"Int32": (30, "RowCount"), "Double": (30, "Threshold"), "String": (20, "Environment")}


def _value_case(data_type: str, value: str) -> tuple[int, Callable[[Any, World], Any]]:
    """A bad value set on an execution (27147, for the types the sample declares) or as a manifest default (27101)."""
    if data_type in PARAMETER_BY_TYPE:
        object_type, name = PARAMETER_BY_TYPE[data_type]
        return 27147, lambda c, w: c.set_execution_parameter_value(w.created, object_type, name, value)
    return 27101, lambda c, w: c.deploy_project(FOLDER, PROJECT, ARCHIVE, _param(data_type, value))


CASES: dict[str, tuple[int, Callable[[Any, World], Any]]] = {}

for label, name in BAD_NAMES.items():
    CASES[f"create_folder: {label}"] = (27101, lambda c, w, n=name: c.create_folder(n))
    CASES[f"deploy_project folder: {label}"] = (27101, lambda c, w, n=name: c.deploy_project(n, PROJECT, ARCHIVE, MANIFEST))
    CASES[f"register machine: {label}"] = (27101, lambda c, w, n=name: c.update_worker_agent_status(uuid.uuid4(), n))
    CASES[f"DisplayName: {label}"] = (
        27101, lambda c, w, n=name: c.set_worker_agent_property(w.worker, "DisplayName", n))
for prefix, length in TOO_LONG.items():
    CASES[f"{prefix}: {length} characters"] = (27101, {
        "create_folder": lambda c, w, n="f" * length: c.create_folder(n),
        "deploy_project folder": lambda c, w, n="f" * length: c.deploy_project(n, PROJECT, ARCHIVE, MANIFEST),
        "register machine": lambda c, w, n="m" * length: c.update_worker_agent_status(uuid.uuid4(), n),
        "DisplayName": lambda c, w, n="d" * length: c.set_worker_agent_property(w.worker, "DisplayName", n),
    }[prefix])
for label in ("newline inside", "leading space", "trailing space", "escape character", "empty", "261 characters"):
    n = BAD_NAMES.get(label, "p" * 261)
    CASES[f"package name: {label}"] = (27101, lambda c, w, n=n: c.deploy_project(FOLDER, PROJECT, ARCHIVE, _package(name=n)))
for label in ("leading space", "newline inside", "NUL"):
    CASES[f"project name: {label}"] = (
        27101, lambda c, w, n=BAD_NAMES[label]: c.deploy_project(FOLDER, n, ARCHIVE, _manifest(name=n)))
for data_type, value in sorted(BAD_VALUES):
    CASES[f"{data_type} value {value!r}"] = _value_case(data_type, value)

CASES.update({
    # names and properties
    "create_folder: NULL": (27100, lambda c, w: c.create_folder(None)),
    "create_folder: exists": (27101, lambda c, w: c.create_folder(FOLDER)),
    "register: display name of 10,000 characters": (
        27101, lambda c, w: c.update_worker_agent_status(uuid.uuid4(), "hostX", display_name="d" * 10_000)),
    "register: display name with a newline": (
        27101, lambda c, w: c.update_worker_agent_status(uuid.uuid4(), "hostX", display_name="a\nb")),
    "register: tags with a control character": (
        27101, lambda c, w: c.update_worker_agent_status(uuid.uuid4(), "hostX", tags="etl\x1b")),
    "register: the all-workers sentinel": (
        27101, lambda c, w: c.update_worker_agent_status("11111111-1111-1111-1111-111111111111", "hostX")),
    "register: max_tasks 0": (27101, lambda c, w: c.update_worker_agent_status(uuid.uuid4(), "hostX", max_tasks=0)),
    "register: max_tasks 5000": (27101, lambda c, w: c.update_worker_agent_status(uuid.uuid4(), "hostX", max_tasks=5000)),
    "register: max_tasks beyond int": (
        27101, lambda c, w: c.update_worker_agent_status(uuid.uuid4(), "hostX", max_tasks=2 ** 40)),
    "register: a 200-character thumbprint": (
        27101, lambda c, w: c.update_worker_agent_status(uuid.uuid4(), "hostX", certificate_thumbprint="a" * 200)),
    "Description with a control character": (
        27101, lambda c, w: c.set_worker_agent_property(w.worker, "Description", "ok\x07")),
    "Description of 5,000 characters": (
        27101, lambda c, w: c.set_worker_agent_property(w.worker, "Description", "d" * 5000)),
    "set_worker_agent_property: unknown property": (
        27101, lambda c, w: c.set_worker_agent_property(w.worker, "MachineName", "x")),
    "set_worker_agent_property: unknown worker": (
        27243, lambda c, w: c.set_worker_agent_property(uuid.uuid4(), "DisplayName", "x")),
    "enable_worker_agent: unknown worker": (27243, lambda c, w: c.enable_worker_agent(uuid.uuid4())),
    "enable_worker_agent: NULL": (27100, lambda c, w: c.enable_worker_agent(None)),
    "configure_catalog: unknown property": (27101, lambda c, w: c.configure_catalog("NO_SUCH_PROPERTY", "1")),
    "configure_catalog: lease of 0 seconds": (27101, lambda c, w: c.configure_catalog("WORKER_LEASE_SECONDS", 0)),
    "configure_catalog: lease 'abc'": (27101, lambda c, w: c.configure_catalog("WORKER_LEASE_SECONDS", "abc")),
    # deployment
    "deploy_project: not a zip archive": (27101, lambda c, w: c.deploy_project(FOLDER, PROJECT, b"hello", MANIFEST)),
    "deploy_project: empty bytes": (27101, lambda c, w: c.deploy_project(FOLDER, PROJECT, b"", MANIFEST)),
    "deploy_project: a gzip file": (
        27101, lambda c, w: c.deploy_project(FOLDER, PROJECT, b"\x1f\x8b\x08\x00" + b"\x00" * 20, MANIFEST)),
    "deploy_project: manifest is not JSON": (27101, lambda c, w: c.deploy_project(FOLDER, PROJECT, ARCHIVE, "{name:")),
    "deploy_project: manifest is an array": (27101, lambda c, w: c.deploy_project(FOLDER, PROJECT, ARCHIVE, "[]")),
    "deploy_project: no packages": (27101, lambda c, w: c.deploy_project(FOLDER, PROJECT, ARCHIVE, _manifest(packages=[]))),
    "deploy_project: packages is an object": (
        27101, lambda c, w: c.deploy_project(FOLDER, PROJECT, ARCHIVE, _manifest(packages={"a": 1}))),
    "deploy_project: name mismatch": (27101, lambda c, w: c.deploy_project(FOLDER, "other", ARCHIVE, MANIFEST)),
    "deploy_project: entry point a:b:c": (
        27101, lambda c, w: c.deploy_project(FOLDER, PROJECT, ARCHIVE, _package(entry_point="a:b:c"))),
    "deploy_project: entry point without a function": (
        27101, lambda c, w: c.deploy_project(FOLDER, PROJECT, ARCHIVE, _package(entry_point="os.system"))),
    "deploy_project: entry point with a space": (
        27101, lambda c, w: c.deploy_project(FOLDER, PROJECT, ARCHIVE, _package(entry_point="a b:run"))),
    "deploy_project: parameter type Float": (27101, lambda c, w: c.deploy_project(FOLDER, PROJECT, ARCHIVE, _param("Float", "1"))),
    "deploy_project: parameter name with a dash": (
        27101, lambda c, w: c.deploy_project(FOLDER, PROJECT, ARCHIVE,
                                             _manifest(parameters=[{"name": "a-b", "type": "String"}]))),
    "deploy_project: required 'maybe'": (
        27101, lambda c, w: c.deploy_project(FOLDER, PROJECT, ARCHIVE,
                                             _manifest(parameters=[{"name": "A", "type": "String", "required": "maybe"}]))),
    "deploy_project: two packages of one name": (
        27101, lambda c, w: c.deploy_project(FOLDER, PROJECT, ARCHIVE,
                                             _manifest(packages=[MANIFEST["packages"][1], MANIFEST["packages"][1]]))),
    "deploy_project: unknown folder": (27104, lambda c, w: c.deploy_project("nofolder", PROJECT, ARCHIVE, MANIFEST)),
    "deploy_project: NULL stream": (27100, lambda c, w: c.deploy_project(FOLDER, PROJECT, None, MANIFEST)),
    # executions
    "create_execution: unknown folder": (27104, lambda c, w: c.create_execution("nofolder", PROJECT, PACKAGE)),
    "create_execution: unknown project": (27109, lambda c, w: c.create_execution(FOLDER, "noproject", PACKAGE)),
    "create_execution: unknown package": (27146, lambda c, w: c.create_execution(FOLDER, PROJECT, "nopackage")),
    "create_execution: folder name with NUL": (27101, lambda c, w: c.create_execution("a\x00", PROJECT, PACKAGE)),
    "set_execution_parameter_value: unknown parameter": (
        27176, lambda c, w: c.set_execution_parameter_value(w.created, 30, "NoSuch", "1")),
    "set_execution_parameter_value: object type 99": (
        27101, lambda c, w: c.set_execution_parameter_value(w.created, 99, "RowCount", "1")),
    "set_execution_parameter_value: execution id beyond bigint": (
        27101, lambda c, w: c.set_execution_parameter_value(2 ** 63, 30, "RowCount", "1")),
    "set_execution_parameter_value: started execution": (
        27224, lambda c, w: c.set_execution_parameter_value(w.running, 30, "RowCount", "1")),
    "start_execution: retry_count -1": (27101, lambda c, w: c.start_execution(w.created, retry_count=-1)),
    "start_execution: retry_count 101": (27101, lambda c, w: c.start_execution(w.created, retry_count=101)),
    "start_execution: retry_count beyond int": (27101, lambda c, w: c.start_execution(w.created, retry_count=2 ** 31)),
    "start_execution: id 0": (27101, lambda c, w: c.start_execution(0)),
    "start_execution: NULL id": (27138, lambda c, w: c.start_execution(None)),
    "start_execution: already started": (27224, lambda c, w: c.start_execution(w.running)),
    "start_execution: chosen worker disabled": (27257, lambda c, w: c.start_execution(w.chosen)),
    "start_execution: no worker chosen": (27257, lambda c, w: c.start_execution(w.bare)),
    "add_execution_worker: unknown worker": (27243, lambda c, w: c.add_execution_worker(w.bare, uuid.uuid4())),
    "add_execution_worker: job for all workers": (27251, lambda c, w: c.add_execution_worker(w.created, w.worker)),
    "delete_worker_agent: the only worker of an execution": (27101, lambda c, w: c.delete_worker_agent(w.disabled)),
    "delete_worker_agent: running tasks": (27101, lambda c, w: c.delete_worker_agent(w.worker)),
    "delete_worker_agent: unknown": (27243, lambda c, w: c.delete_worker_agent(uuid.uuid4())),
    "stop_operation: unknown id": (27124, lambda c, w: c.stop_operation(987654)),
    "stop_operation: id beyond bigint": (27101, lambda c, w: c.stop_operation(2 ** 64)),
    # the worker procedures: JSON of every wrong shape, values of every wrong form
    "pull_task: max_tasks 0": (27101, lambda c, w: c.pull_task(w.worker, 0)),
    "pull_task: max_tasks 1001": (27101, lambda c, w: c.pull_task(w.worker, 1001)),
    "pull_task: disabled worker": (27252, lambda c, w: c.pull_task(w.disabled, 1)),
    "pull_task: unknown worker": (27243, lambda c, w: c.pull_task(uuid.uuid4(), 1)),
    "renew_task_lease: foreign token": (27246, lambda c, w: c.renew_task_lease(w.worker, w.task.task_id, uuid.uuid4())),
    "renew_task_lease: NULL task": (27100, lambda c, w: c.renew_task_lease(w.worker, None, w.task.lease_token)),
    "update_task_status: status 3": (
        27101, lambda c, w: c.update_task_status(w.worker, w.task.task_id, w.task.lease_token, 3)),
    "update_task_status: cancelled unasked": (
        27101, lambda c, w: c.update_task_status(w.worker, w.task.task_id, w.task.lease_token, 6)),
    "update_task_status: foreign token": (
        27246, lambda c, w: c.update_task_status(w.worker, w.task.task_id, uuid.uuid4(), 5)),
    "update_tasks_status: not JSON": (27101, lambda c, w: c.call("update_tasks_status", worker_agent_id=w.worker,
                                                                 tasks="not json")),
    "update_tasks_status: an object": (27101, lambda c, w: c.call("update_tasks_status", worker_agent_id=w.worker,
                                                                  tasks='{"task_id": 1}')),
    "update_tasks_status: an array of numbers": (
        27101, lambda c, w: c.call("update_tasks_status", worker_agent_id=w.worker, tasks="[1, 2]")),
    "update_tasks_status: a nested array": (
        27101, lambda c, w: c.call("update_tasks_status", worker_agent_id=w.worker, tasks="[[]]")),
    "update_tasks_status: task_id not a uuid": (27101, lambda c, w: c.call(
        "update_tasks_status", worker_agent_id=w.worker, tasks=_tasks(task_id="x")(w))),
    "update_tasks_status: lease_token a number": (27101, lambda c, w: c.call(
        "update_tasks_status", worker_agent_id=w.worker, tasks=_tasks(lease_token=5)(w))),
    "update_tasks_status: status a word": (27101, lambda c, w: c.call(
        "update_tasks_status", worker_agent_id=w.worker, tasks=_tasks(status="done")(w))),
    "update_tasks_status: status 99": (27101, lambda c, w: c.call(
        "update_tasks_status", worker_agent_id=w.worker, tasks=_tasks(status=99)(w))),
    "update_tasks_status: status beyond int": (27101, lambda c, w: c.call(
        "update_tasks_status", worker_agent_id=w.worker, tasks=_tasks(status=2 ** 40)(w))),
    "update_tasks_status: no task_id": (27100, lambda c, w: c.call(
        "update_tasks_status", worker_agent_id=w.worker, tasks=_tasks(task_id=None)(w))),
    "update_tasks_status: NULL": (27100, lambda c, w: c.call("update_tasks_status", worker_agent_id=w.worker, tasks=None)),
    "append_operation_messages: not JSON": (27101, lambda c, w: c.call(
        "append_operation_messages", worker_agent_id=w.worker, messages="[{")),
    "append_operation_messages: an object": (27101, lambda c, w: c.call(
        "append_operation_messages", worker_agent_id=w.worker, messages=_message(w)[1:-1])),
    "append_operation_messages: strings": (27101, lambda c, w: c.call(
        "append_operation_messages", worker_agent_id=w.worker, messages='["hello"]')),
    "append_operation_messages: a NUL in a message": (27101, lambda c, w: c.call(
        "append_operation_messages", worker_agent_id=w.worker, messages=_message(w, message="a\x00b"))),
    "append_operation_messages: message_type beyond smallint": (27101, lambda c, w: c.call(
        "append_operation_messages", worker_agent_id=w.worker, messages=_message(w, message_type=70000))),
    "append_operation_messages: message_type a word": (27101, lambda c, w: c.call(
        "append_operation_messages", worker_agent_id=w.worker, messages=_message(w, message_type="info"))),
    "append_operation_messages: message_time a word": (27101, lambda c, w: c.call(
        "append_operation_messages", worker_agent_id=w.worker, messages=_message(w, message_time="yesterday"))),
    "append_operation_messages: lease_token not a uuid": (27101, lambda c, w: c.call(
        "append_operation_messages", worker_agent_id=w.worker, messages=_message(w, lease_token="x"))),
    "append_operation_messages: no message": (27100, lambda c, w: c.call(
        "append_operation_messages", worker_agent_id=w.worker, messages=_message(w, message=None))),
    "append_operation_messages: a foreign attempt": (27246, lambda c, w: c.call(
        "append_operation_messages", worker_agent_id=w.worker, messages=_message(w, lease_token=str(uuid.uuid4())))),
    "get_task_parameters: foreign token": (
        27246, lambda c, w: c.get_task_parameters(w.worker, w.task.task_id, uuid.uuid4())),
    "get_held_tasks: unknown worker": (27243, lambda c, w: c.get_held_tasks(uuid.uuid4())),
})


JSON_ESCAPED_NAMES = {"package name: newline inside", "package name: escape character"}


def _babelfish(catalog) -> bool:
    return catalog.dialect == "mssql" and \
        catalog.query("SELECT CAST(SERVERPROPERTY('Babelfish') AS nvarchar(10)) AS b")[0]["b"] is not None


@pytest.fixture
def world(catalog) -> World:
    return _world(catalog)


@pytest.mark.parametrize("case", list(CASES))
def test_refused_with_its_number_in_one_line_and_nothing_changed(catalog, world, case):
    number, call = CASES[case]
    before = snapshot(catalog)
    if case in JSON_ESCAPED_NAMES and _babelfish(catalog):
        # Babelfish 4.3's OPENJSON leaves JSON escapes undecoded ("a\nb" stays backslash, n), so the
        # manifest's control character never reaches the catalog: the name is stored as that text.
        call(catalog, world)
        names = [r["name"] for r in catalog.query("SELECT name FROM internal.packages")]
        assert not any(ch < " " or ch == "\x7f" for name in names for ch in name), names
        return
    with pytest.raises(errors.CatalogError) as refused:
        call(catalog, world)
    message = str(refused.value)
    assert refused.value.number == number, message
    assert "\n" not in message.strip() and "Traceback" not in message, message
    assert snapshot(catalog) == before


def test_the_catalogue_is_large():
    assert len(CASES) >= 150


def test_names_with_markup_are_kept_literally(catalog):
    """Markup is not bad input: the catalog stores it as given; showing it is the CLI's job."""
    for name in ("[/]", "[bold]x", "<script>alert(1)</script>", "O'Brien \"quoted\"", "; DROP TABLE x; --"):
        catalog.create_folder(name)
    assert {"[/]", "[bold]x", "<script>alert(1)</script>", "O'Brien \"quoted\"", "; DROP TABLE x; --"} <= \
        {f.name for f in catalog.folders()}


@pytest.mark.parametrize("data_type, value", [
    ("Int32", "-5"), ("Int32", "+7"), ("Int32", " 42 "), ("Int32", "-2147483648"), ("Double", "-1.5e3"),
    ("Double", "0.25"), ("Double", ".5"), ("Double", "1E+2"), ("DateTime", "2024-01-01"),
    ("DateTime", "2024-01-01T10:00:00"), ("DateTime", "2024-01-01 10:00:00.123"), ("DateTime", "2024-02-29T23:59:59-05:00"),
])
def test_the_forms_both_dialects_read_are_accepted(catalog, data_type, value):
    """The strict forms still take every ordinary value, signed numbers and ISO 8601 with offsets included."""
    if data_type in PARAMETER_BY_TYPE:
        deploy_sample(catalog)
        object_type, name = PARAMETER_BY_TYPE[data_type]
        execution_id = new_execution(catalog, package=PACKAGE, start=False)
        catalog.set_execution_parameter_value(execution_id, object_type, name, value)
    else:
        catalog.create_folder(FOLDER)
        catalog.deploy_project(FOLDER, PROJECT, ARCHIVE, _param(data_type, value))
