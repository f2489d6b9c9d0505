"""Schedules (catalog revision 0008), on every backend: create_schedule and its refusals (each with its
number, each changing nothing), the cron arithmetic, firing (each due time once, missed due times
skipped or run once, a run that cannot start recorded and the schedule going on), who may see and
change a schedule, and three real workers firing a 2-second schedule while one of them is killed."""
from __future__ import annotations

import signal
import time
import uuid
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest

from helpers import FOLDER, MANIFEST, PACKAGE, PROJECT, deploy_sample, permission_denied, register, snapshot
from scaleout_catalog import Catalog, errors

LONDON = {"postgresql": "Europe/London", "mssql": "GMT Standard Time"}
WORKER_ALL = "11111111-1111-1111-1111-111111111111"


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc) if "+" not in text else datetime.fromisoformat(text)


def as_utc(value) -> datetime | None:
    """A datetime from either driver (pyodbc may give a string for datetimeoffset) in UTC."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value.strip().replace(" +", "+"))
    return value.astimezone(timezone.utc)


def next_time(catalog: Catalog, expression: str, zone: str, after: datetime) -> datetime | None:
    """internal.cron_next_time for a cron expression, as the catalog parses it."""
    if catalog.dialect == "postgresql":
        rows = catalog.query(
            "SELECT internal.cron_next_time(p.second_mask, p.minute_mask, p.hour_mask, p.day_mask, p.month_mask, "
            "p.weekday_mask, p.days_either, :zone, CAST(:after AS timestamptz)) AS due FROM internal.parse_cron(:e) AS p",
            {"e": expression, "zone": zone, "after": after.isoformat()})
    else:
        rows = catalog.query(
            "SET NOCOUNT ON; DECLARE @s bigint, @m bigint, @h bigint, @d bigint, @mo bigint, @w bigint, @e bit; "
            "EXEC internal.parse_cron :e, @s OUTPUT, @m OUTPUT, @h OUTPUT, @d OUTPUT, @mo OUTPUT, @w OUTPUT, @e OUTPUT; "
            "SELECT CONVERT(nvarchar(40), internal.cron_next_time(@s, @m, @h, @d, @mo, @w, @e, :zone, "
            "CONVERT(datetimeoffset, :after)), 127) AS due",
            {"e": expression, "zone": zone, "after": after.isoformat()})
    return as_utc(rows[0]["due"])


def set_next_run(catalog: Catalog, name: str, when: datetime) -> None:
    """Moves a schedule's next due time (as if it had been waiting since then)."""
    sql = {"postgresql": "UPDATE internal.schedules SET next_run_time = CAST(%s AS timestamptz) WHERE name = %s",
           "mssql": "UPDATE internal.schedules SET next_run_time = CONVERT(datetimeoffset, ?) WHERE name = ?"}
    with catalog.engine.begin() as conn:
        conn.exec_driver_sql(sql[catalog.dialect], (when.isoformat(), name))


def runs(catalog: Catalog, name: str, folder: str = FOLDER) -> list[dict]:
    return sorted(catalog.schedule_runs(folder, name, limit=10000), key=lambda r: r["run_id"])


def schedule(catalog: Catalog, name: str) -> dict:
    return next(s for s in catalog.schedules() if s["name"] == name)


def refused(catalog: Catalog, number: int, call, *args, **kwargs) -> errors.CatalogError:
    before = snapshot(catalog)
    with pytest.raises(errors.CatalogError) as info:
        call(*args, **kwargs)
    assert info.value.number == number, str(info.value)
    assert snapshot(catalog) == before
    return info.value


def aligned(seconds: int, back: int) -> datetime:
    """The latest multiple of `seconds` past the minute, minus `back` seconds, in UTC; taken at least
    a second before the next multiple, so that the calls that follow see the same due times."""
    now = datetime.now(timezone.utc)
    if now.second % seconds + now.microsecond / 1e6 > seconds - 1:
        time.sleep(seconds - (now.second % seconds + now.microsecond / 1e6) + 0.05)
        now = datetime.now(timezone.utc)
    now = now.replace(microsecond=0)
    return now - timedelta(seconds=now.second % seconds + back)


# -- the cron arithmetic ----------------------------------------------------------------------------

CRON_CASES = [
    ("*/15 * * * *", "UTC", "2026-01-01T00:07:30", "2026-01-01T00:15:00"),
    ("*/2 * * * * *", "UTC", "2026-01-01T00:00:00.5", "2026-01-01T00:00:02"),
    ("0 30 2 * * MON-FRI", "UTC", "2026-01-02T03:00:00", "2026-01-05T02:30:00"),   # Friday, then Monday
    ("0 0 29 2 *", "UTC", "2026-03-01T00:00:00", "2028-02-29T00:00:00"),
    ("0 0 1,15 * 1", "UTC", "2026-01-02T00:00:00", "2026-01-05T00:00:00"),         # the 1st, the 15th or a Monday
    ("0 0 1,15 * *", "UTC", "2026-01-02T00:00:00", "2026-01-15T00:00:00"),
    ("0 12 * JAN,jul SUN", "UTC", "2026-02-01T00:00:00", "2026-07-05T12:00:00"),
    ("0 0 * * 7", "UTC", "2026-01-01T00:00:00", "2026-01-04T00:00:00"),             # 7 is Sunday too
    ("@daily", "london", "2026-06-01T12:00:00", "2026-06-01T23:00:00"),             # midnight, summer time
    ("@daily", "london", "2026-12-01T12:00:00", "2026-12-02T00:00:00"),
    ("30 1 * * *", "london", "2026-03-28T12:00:00", "2026-03-29T01:30:00"),         # in the gap: an hour on
    ("0 0 30 2 *", "UTC", "2026-01-01T00:00:00", None),                              # never
]


@pytest.mark.parametrize("expression, zone, after, due", CRON_CASES, ids=[f"{c[0]} {c[1]}" for c in CRON_CASES])
def test_cron_next_time(catalog, expression, zone, after, due):
    zone = LONDON[catalog.dialect] if zone == "london" else zone
    assert next_time(catalog, expression, zone, utc(after)) == (utc(due) if due else None)


# -- create, fire, enable, disable, run now, delete -------------------------------------------------------------

def test_each_due_time_fires_once_with_the_schedules_values(catalog):
    deploy_sample(catalog)
    worker = register(catalog)
    schedule_id = catalog.create_schedule(FOLDER, "every5", PROJECT, PACKAGE, "*/5 * * * * *",
                                          parameters={"ApiKey": "s3cret", "RowCount": 7}, retry_count=2)
    row = schedule(catalog, "every5")
    assert row["schedule_id"] == schedule_id and row["is_enabled"] and row["missed_run_policy"] == "skip"
    assert row["owner_name"] == catalog.query("SELECT SUSER_SNAME() AS n" if catalog.dialect == "mssql"
                                              else "SELECT session_user AS n")[0]["n"]
    # the next 5-second boundary after the create (which may have passed by the time it is read)
    assert -2 < (as_utc(row["next_run_time"]) - datetime.now(timezone.utc)).total_seconds() <= 5.5
    first = aligned(5, 10)
    set_next_run(catalog, "every5", first)
    fired, due_in = catalog.fire_schedules(worker)
    assert fired == 3 and 0 < due_in <= 5.5
    assert catalog.fire_schedules(worker)[0] == 0          # nothing is due twice
    done = runs(catalog, "every5")
    assert [as_utc(r["due_time"]) for r in done] == [first + timedelta(seconds=s) for s in (0, 5, 10)]
    assert {r["run_type"] for r in done} == {"S"} and all(r["execution_id"] for r in done)
    assert {r["fired_by"] for r in done} == {str(worker)}
    row = schedule(catalog, "every5")
    assert as_utc(row["last_run_time"]) == first + timedelta(seconds=10)
    assert row["last_execution_id"] == done[-1]["execution_id"] and row["last_status"] == 5
    execution = catalog.execution(done[-1]["execution_id"])
    assert (execution.status, execution.package_name) == (5, PACKAGE)
    values = {v.parameter_name: v for v in catalog.execution_parameter_values(done[-1]["execution_id"])}
    assert values["RowCount"].parameter_value == "7" and values["ApiKey"].parameter_value is None
    claimed = {t.execution_id: t for t in catalog.pull_task(worker, 10)}
    task = claimed[done[-1]["execution_id"]]
    assert task.max_executed_count == 3
    assert {p.parameter_name: p.parameter_value for p in task.parameters}["ApiKey"] == "s3cret"

    execution_id = catalog.run_schedule_now(FOLDER, "every5")
    assert runs(catalog, "every5")[-1]["run_type"] == "M" and runs(catalog, "every5")[-1]["execution_id"] == execution_id
    catalog.disable_schedule(FOLDER, "every5")
    assert schedule(catalog, "every5")["next_run_time"] is None
    set_next_run(catalog, "every5", first)
    assert catalog.fire_schedules(worker) == (0, None)     # a disabled schedule never fires
    catalog.enable_schedule(FOLDER, "every5")
    assert 0 < (as_utc(schedule(catalog, "every5")["next_run_time"]) - datetime.now(timezone.utc)).total_seconds() <= 5.5
    catalog.delete_schedule(FOLDER, "every5")
    assert catalog.schedules() == [] and catalog.query("SELECT * FROM internal.schedule_runs") == []
    assert catalog.execution(execution_id).status == 5      # its executions stay


@pytest.mark.parametrize("policy, run_type", [("skip", "K"), ("run_once", "C")])
def test_due_times_missed_in_an_outage_are_skipped_or_run_once(catalog, policy, run_type):
    deploy_sample(catalog)
    worker = register(catalog)
    catalog.create_schedule(FOLDER, "missed", PROJECT, "package2", "*/5 * * * * *", missed_run_policy=policy)
    set_next_run(catalog, "missed", aligned(5, 600))      # ten minutes without a worker
    fired, _ = catalog.fire_schedules(worker)
    done = runs(catalog, "missed")
    assert done[0]["run_type"] == run_type and 100 <= done[0]["missed_count"] <= 110
    assert bool(done[0]["execution_id"]) == (policy == "run_once")
    on_time = [r for r in done[1:]]
    assert {r["run_type"] for r in on_time} == {"S"} and 11 <= len(on_time) <= 13   # the last minute, each once
    assert fired == len(on_time) + (policy == "run_once")
    assert as_utc(schedule(catalog, "missed")["next_run_time"]) > datetime.now(timezone.utc) - timedelta(seconds=1)


def test_a_run_that_cannot_start_is_recorded_and_the_schedule_goes_on(catalog):
    deploy_sample(catalog)
    worker = register(catalog)
    catalog.create_schedule(FOLDER, "gone", PROJECT, "package2", "*/5 * * * * *")
    without = {**MANIFEST, "version": "2.0.0", "packages": [p for p in MANIFEST["packages"] if p["name"] != "package2"]}
    deploy_sample(catalog, without)
    set_next_run(catalog, "gone", aligned(5, 0))
    assert catalog.fire_schedules(worker)[0] == 1
    [run] = runs(catalog, "gone")
    assert run["execution_id"] is None and run["error_number"] == 27146 and "package2" in run["error_message"]
    next_run = as_utc(schedule(catalog, "gone")["next_run_time"])
    assert next_run == as_utc(run["due_time"]) + timedelta(seconds=5)
    refused(catalog, 27146, catalog.run_schedule_now, FOLDER, "gone")
    deploy_sample(catalog)                                  # the package is back
    time.sleep(max(0.0, (next_run - datetime.now(timezone.utc)).total_seconds()) + 0.1)
    assert catalog.fire_schedules(worker)[0] == 1
    assert runs(catalog, "gone")[-1]["execution_id"] is not None


# -- refusals: each has its number and changes nothing ----------------------------------------------------

GOOD = dict(folder_name=FOLDER, schedule_name="s", project_name=PROJECT, package_name=PACKAGE,
            cron_expression="0 * * * *", parameters={"ApiKey": "k"})
REFUSALS = [
    ({"folder_name": None}, 27100), ({"schedule_name": None}, 27100), ({"cron_expression": None}, 27100),
    ({"time_zone": None}, 27100), ({"retry_count": None}, 27100), ({"missed_run_policy": None}, 27100),
    ({"schedule_name": "a\x01b"}, 27101), ({"schedule_name": "x" * 129}, 27101), ({"schedule_name": " s"}, 27101),
    ({"cron_expression": "bad"}, 27101), ({"cron_expression": "* * * *"}, 27101), ({"cron_expression": "61 * * * *"}, 27101),
    ({"cron_expression": "5-1 * * * *"}, 27101), ({"cron_expression": "*/0 * * * *"}, 27101),
    ({"cron_expression": "* * * * * * *"}, 27101), ({"cron_expression": "0\t0 * * *"}, 27101),
    ({"cron_expression": "0 0 30 2 *"}, 27101), ({"cron_expression": "* " * 100}, 27101),
    ({"cron_expression": "0\x00 * * * *"}, 27101), ({"cron_expression": "٣ * * * *"}, 27101),
    ({"time_zone": "Mars/Olympus_Mons"}, 27101), ({"time_zone": "'; DROP TABLE x; --"}, 27101),
    ({"time_zone": "UTC\x00"}, 27101), ({"time_zone": "x" * 5000}, 27101),
    ({"retry_count": 101}, 27101), ({"retry_count": -1}, 27101), ({"missed_run_policy": "always"}, 27101),
    ({"parameters": "not json"}, 27101), ({"parameters": "[1]"}, 27101),
    ({"parameters": '[{"object_type": 30, "parameter_name": "ApiKey"}]'}, 27101),
    ({"parameters": '[{"object_type": 40, "parameter_name": "ApiKey", "parameter_value": "k"}]'}, 27101),
    ({"parameters": [{"object_type": 30, "parameter_name": "ApiKey", "parameter_value": "k"}] * 2}, 27101),
    ({"parameters": {"ApiKey": "k", "x" * 129: 1}}, 27101),
    ({"folder_name": "nofolder"}, 27104), ({"project_name": "noproject"}, 27109), ({"package_name": "nopackage"}, 27146),
    ({"reference_id": 99999}, 27208), ({"parameters": {"ApiKey": "k", "Nope": 1}}, 27176),
    ({"parameters": {"ApiKey": "k", "RowCount": "many"}}, 27147), ({"parameters": None}, 27184),
    ({"workeragent_id": WORKER_ALL}, 27101), ({"workeragent_id": uuid.UUID(int=7)}, 27243),
]


@pytest.mark.parametrize("change, number", REFUSALS, ids=[f"{number}-{i}" for i, (_, number) in enumerate(REFUSALS)])
def test_create_schedule_refusals(catalog, change, number):
    deploy_sample(catalog)
    catalog.create_schedule(FOLDER, "taken", PROJECT, PACKAGE, "0 * * * *", parameters={"ApiKey": "k"})
    arguments = {**GOOD, **change}
    refused(catalog, number, catalog.create_schedule, *[arguments.pop(k) for k in (
        "folder_name", "schedule_name", "project_name", "package_name", "cron_expression")], **arguments)


def test_schedule_names_and_owners(catalog):
    deploy_sample(catalog)
    refused(catalog, 27400, catalog.enable_schedule, FOLDER, "none")
    catalog.create_schedule(FOLDER, "taken", PROJECT, PACKAGE, "0 * * * *", parameters={"ApiKey": "k"})
    refused(catalog, 27401, catalog.create_schedule, FOLDER, "taken", PROJECT, "package2", "@hourly")
    for call in (catalog.enable_schedule, catalog.disable_schedule, catalog.delete_schedule, catalog.run_schedule_now):
        refused(catalog, 27400, call, FOLDER, "none")
        refused(catalog, 27100, call, FOLDER, None)
        refused(catalog, 27100, call, None, "taken")
    # a name with quotes and markup is a name like any other
    odd = "nightly 'run' <b>&amp;</b>"
    catalog.create_schedule(FOLDER, odd, PROJECT, "package2", "@daily", time_zone=LONDON[catalog.dialect])
    assert schedule(catalog, odd)["time_zone"] == LONDON[catalog.dialect]
    catalog.delete_schedule(FOLDER, odd)


def test_who_may_schedule_see_and_change(catalog, server):
    deploy_sample(catalog)
    database = catalog.engine.url.database
    urls = [server.create_login(database, "ssis_cluster_executor") for _ in range(2)]
    reader_url = server.create_login(database, "ssis_logreader")
    alice, bob, reader = Catalog(urls[0]), Catalog(urls[1]), Catalog(reader_url)
    try:
        refused(catalog, 27109, alice.create_schedule, FOLDER, "a", PROJECT, "package2", "@hourly")
        project_id = catalog.projects()[0].project_id
        alice_id = catalog.principal_id(alice.engine.url.username)
        catalog.grant_permission(2, project_id, alice_id, 1)
        refused(catalog, 27178, alice.create_schedule, FOLDER, "a", PROJECT, "package2", "@hourly")
        catalog.grant_permission(2, project_id, alice_id, 3)
        alice.create_schedule(FOLDER, "a", PROJECT, "package2", "*/5 * * * * *")
        assert [s["name"] for s in alice.schedules()] == ["a"]
        assert bob.schedules() == []                        # bob may not read the project
        assert [s["name"] for s in reader.schedules()] == ["a"]
        refused(catalog, 27400, bob.disable_schedule, FOLDER, "a")
        before = snapshot(catalog)
        with pytest.raises(Exception) as info:
            reader.create_schedule(FOLDER, "r", PROJECT, "package2", "@hourly")
        assert permission_denied(info.value) and snapshot(catalog) == before
        execution_id = alice.run_schedule_now(FOLDER, "a")
        assert [e.execution_id for e in alice.executions()] == [execution_id]   # its creator is the owner
        assert catalog.execution(execution_id).caller_name == alice.engine.url.username
        catalog.disable_schedule(FOLDER, "a")               # ssis_admin changes anyone's
        alice.delete_schedule(FOLDER, "a")
    finally:
        for login in (alice, bob, reader):
            login.dispose()
        for url in (*urls, reader_url):
            server.drop_login(database, url)


# -- Must show: three workers, a 2-second schedule, one worker killed ----------------------------------------

def test_three_workers_fire_each_due_time_once_while_one_is_killed(catalog, workers):
    """Three workers, a schedule due every 2 seconds and one whose package fails, 30 seconds, one worker
    killed after 10: every due time fires once; the failing schedule keeps firing; disabling a schedule
    stops it within one period."""
    from workers import deploy_test_project, wait_terminal, FOLDER as TEST_FOLDER, PROJECT as TEST_PROJECT
    deploy_test_project(catalog)
    started = [workers.start_enabled(f"w{i}", "--max-tasks", "4") for i in range(3)]
    ids = {str(w.worker_agent_id) for w in started}
    catalog.create_schedule(TEST_FOLDER, "noop2s", TEST_PROJECT, "noop", "*/2 * * * * *")
    catalog.create_schedule(TEST_FOLDER, "fail2s", TEST_PROJECT, "fail", "*/2 * * * * *")
    began = datetime.now(timezone.utc)
    time.sleep(10)
    started[0].proc.send_signal(signal.SIGKILL)
    started[0].proc.wait(10)
    time.sleep(14)
    catalog.disable_schedule(TEST_FOLDER, "noop2s")
    disabled_at = datetime.now(timezone.utc)
    time.sleep(6)
    ended = datetime.now(timezone.utc)

    for name in ("noop2s", "fail2s"):
        done = runs(catalog, name, TEST_FOLDER)
        due = [as_utc(r["due_time"]) for r in done]
        assert {r["run_type"] for r in done} == {"S"} and all(r["execution_id"] for r in done)
        assert max(Counter(due).values()) == 1, "a due time fired twice"
        assert all(b - a == timedelta(seconds=2) for a, b in zip(due, due[1:])), f"a due time was not fired: {due}"
        assert due[0] <= began + timedelta(seconds=6)       # the first within the workers' first look
        assert {r["fired_by"] for r in done} <= ids
        print(f"{catalog.dialect} {name}: {len(due)} due times fired once each, {due[0]:%H:%M:%S} to "
              f"{due[-1]:%H:%M:%S}, by {sorted(Counter(r['fired_by'][:8] for r in done).values(), reverse=True)} "
              f"(workers), worker {str(started[0].worker_agent_id)[:8]} killed at +10 s")
        if name == "noop2s":
            assert due[-1] <= disabled_at and due[-1] > disabled_at - timedelta(seconds=4)
            assert all(as_utc(r["fired_time"]) <= disabled_at + timedelta(seconds=2) for r in done)
        else:
            assert due[-1] > ended - timedelta(seconds=4) and len(due) >= 13   # failures did not stop it
    catalog.disable_schedule(TEST_FOLDER, "fail2s")
    failing = [r["execution_id"] for r in runs(catalog, "fail2s", TEST_FOLDER)]
    statuses = wait_terminal(catalog, failing, 120)
    assert {statuses[i].status for i in failing} <= {4, 6} and 4 in {statuses[i].status for i in failing}
