"""Permissions on folders, projects, environments and executions (catalog.grant_permission,
deny_permission, revoke_permission), with real logins, on every backend: a login runs and sees only
what it was granted, DENY beats GRANT, and every refusal has SSIS's number and changes nothing."""
from __future__ import annotations

import uuid

import pytest

from helpers import ARCHIVE, EXECUTION_VIEWS, MANIFEST, furnish_folder, register, snapshot
from scaleout_catalog import Catalog, errors

FOLDER_A, FOLDER_B = "team_a", "team_b"
READ, MODIFY, EXECUTE, MANAGE = 1, 2, 3, 4
READ_OBJECTS, EXECUTE_OBJECTS, MANAGE_OBJECT_PERMISSIONS = 101, 103, 104
FOLDER, PROJECT, ENVIRONMENT, OPERATION = 1, 2, 3, 4


@pytest.fixture
def estate(catalog, server):
    """Two folders, a project in each (both 'project1'), an environment in A, and two executor logins."""
    for folder in (FOLDER_A, FOLDER_B):
        catalog.create_folder(folder)
        catalog.deploy_project(folder, "project1", ARCHIVE, MANIFEST)
    catalog.create_environment(FOLDER_A, "prod")
    database = catalog.engine.url.database
    urls = [server.create_login(database, "ssis_cluster_executor") for _ in range(2)]
    logins = [Catalog(url) for url in urls]
    role = f"so_team_{uuid.uuid4().hex[:6]}"
    _create_role(catalog, server, role, member=logins[0].engine.url.username)
    projects = {f["name"]: p.project_id for f in catalog.query("SELECT id, name FROM catalog.folders")
                for p in catalog.projects() if p.folder_id == f["id"]}
    yield {
        "alice": logins[0], "bob": logins[1], "role": role,
        "alice_id": catalog.principal_id(logins[0].engine.url.username),
        "bob_id": catalog.principal_id(logins[1].engine.url.username),
        "role_id": catalog.principal_id(role),
        "project_a": projects[FOLDER_A], "project_b": projects[FOLDER_B],
        "folder_a": next(f.id for f in catalog.folders() if f.name == FOLDER_A),
        "environment": catalog.environments(FOLDER_A)[0]["environment_id"],
    }
    for login in logins:
        login.dispose()
    for url in urls:
        server.drop_login(database, url)
    _drop_role(catalog, server, role)


def _create_role(catalog, server, role: str, member: str) -> None:
    if catalog.dialect == "postgresql":
        with server.admin() as conn:
            conn.execute(f'CREATE ROLE "{role}"')
            conn.execute(f'GRANT "{role}" TO "{member}"')
    else:
        database = catalog.engine.url.database
        server.execute(f"USE [{database}]; CREATE ROLE [{role}]; ALTER ROLE [{role}] ADD MEMBER [{member}];")


def _drop_role(catalog, server, role: str) -> None:
    if catalog.dialect == "postgresql":
        with server.admin() as conn:
            conn.execute(f'DROP ROLE IF EXISTS "{role}"')
    else:
        server.execute(f"USE [{catalog.engine.url.database}]; IF DATABASE_PRINCIPAL_ID(N'{role}') IS NOT NULL "
                       f"DROP ROLE [{role}];")


def refused(catalog, number: int, call, *args, **kwargs):
    """The call fails with SSIS's error `number` and leaves every table as it was."""
    before = snapshot(catalog)
    with pytest.raises(errors.CatalogError) as info:
        call(*args, **kwargs)
    assert info.value.number == number, str(info.value)
    assert snapshot(catalog) == before
    return info.value


def names(rows, key="name"):
    return sorted(r[key] if isinstance(r, dict) else getattr(r, key) for r in rows)


def test_execute_on_one_project_runs_it_and_nothing_else(catalog, estate):
    """Must show 3: a login with READ and EXECUTE on one project runs it, cannot run the other, and sees
    only its own folder's objects and its own executions."""
    alice, a, b = estate["alice"], estate["project_a"], estate["project_b"]
    theirs = catalog.create_execution(FOLDER_B, "project1", "package2")       # an admin's, in the other folder
    mine_by_admin = catalog.create_execution(FOLDER_A, "project1", "package2")

    refused(catalog, 27109, alice.create_execution, FOLDER_A, "project1", "package2")   # nothing granted yet
    catalog.grant_permission(PROJECT, a, estate["alice_id"], READ)
    refused(catalog, 27178, alice.create_execution, FOLDER_A, "project1", "package2")   # READ is not EXECUTE
    catalog.grant_permission(PROJECT, a, estate["alice_id"], EXECUTE)

    execution_id = alice.create_execution(FOLDER_A, "project1", "package2")
    alice.set_execution_parameter_value(execution_id, 50, "LOGGING_LEVEL", 1)
    alice.start_execution(execution_id)
    assert catalog.execution(execution_id).status == 5

    refused(catalog, 27109, alice.create_execution, FOLDER_B, "project1", "package2")
    refused(catalog, 27109, alice.create_and_start_executions,
            [{"folder_name": FOLDER_B, "project_name": "project1", "package_name": "package2"}])
    refused(catalog, 27109, alice.get_project, FOLDER_B, "project1")
    assert alice.get_project(FOLDER_A, "project1")

    # The views: her folder and project only, and her own execution only.
    assert names(alice.folders()) == [FOLDER_A]
    assert [p.project_id for p in alice.projects()] == [a]
    assert {k.project_id for k in alice.packages()} == {a}
    assert alice.environments() == []                       # no READ on the environment
    assert [e.execution_id for e in alice.executions()] == [execution_id]
    assert {r["operation_id"] for r in alice.query("SELECT operation_id FROM catalog.operations")} == {execution_id}
    assert {r["execution_id"] for r in alice.query("SELECT execution_id FROM catalog.execution_parameter_values")} \
        == {execution_id}
    assert alice.query("SELECT * FROM catalog.operation_messages WHERE operation_id = :i", {"i": theirs}) == []
    # ... and cannot act on executions that are not hers.
    for other in (theirs, mine_by_admin):
        refused(catalog, 27103, alice.start_execution, other)
        refused(catalog, 27103, alice.set_execution_parameter_value, other, 50, "LOGGING_LEVEL", 1)
    refused(catalog, 27124, alice.stop_operation, theirs)
    alice.stop_operation(execution_id)

    # Bob, granted nothing, sees nothing; an admin sees everything.
    bob = estate["bob"]
    assert bob.folders() == [] and bob.projects() == [] and bob.executions() == []
    assert {e.execution_id for e in catalog.executions()} >= {theirs, mine_by_admin, execution_id}


def test_folder_permissions_reach_its_projects_and_environments(catalog, estate):
    bob, folder_a = estate["bob"], estate["folder_a"]
    catalog.grant_permission(FOLDER, folder_a, estate["bob_id"], READ_OBJECTS)
    catalog.grant_permission(FOLDER, folder_a, estate["bob_id"], EXECUTE_OBJECTS)
    assert [p.project_id for p in bob.projects()] == [estate["project_a"]]
    assert names(bob.environments()) == ["prod"]
    assert names(bob.folders()) == [FOLDER_A]
    execution_id = bob.create_execution(FOLDER_A, "project1", "package2")
    assert {(r["object_type"], r["object_id"], r["permission_type"]) for r in bob.effective_object_permissions()} >= {
        (PROJECT, estate["project_a"], READ), (PROJECT, estate["project_a"], EXECUTE),
        (ENVIRONMENT, estate["environment"], READ), (OPERATION, execution_id, READ), (OPERATION, execution_id, MODIFY)}
    # EXECUTE_OBJECTS reaches projects only: no EXECUTE on an environment.
    assert (ENVIRONMENT, estate["environment"], EXECUTE) not in {
        (r["object_type"], r["object_id"], r["permission_type"]) for r in bob.effective_object_permissions()}
    # Running with the environment needs READ on it: a reference to it works through READ_OBJECTS.
    reference_id = catalog.create_environment_reference(FOLDER_A, "project1", "prod", "R")
    bob.create_execution(FOLDER_A, "project1", "package2", reference_id=reference_id)
    catalog.deny_permission(ENVIRONMENT, estate["environment"], estate["bob_id"], READ)
    refused(catalog, 27182, bob.create_execution, FOLDER_A, "project1", "package2", reference_id=reference_id)


def test_deny_beats_grant_at_every_level(catalog, estate):
    alice, a = estate["alice"], estate["project_a"]
    # Granted to her role, denied to her: denied.
    catalog.grant_permission(PROJECT, a, estate["role_id"], READ)
    catalog.grant_permission(PROJECT, a, estate["role_id"], EXECUTE)
    alice.create_execution(FOLDER_A, "project1", "package2")         # through the role
    catalog.deny_permission(PROJECT, a, estate["alice_id"], EXECUTE)
    refused(catalog, 27178, alice.create_execution, FOLDER_A, "project1", "package2")
    # A deny replaces the grant in place, and a later grant replaces the deny: one row each way.
    rows = [r for r in catalog.explicit_object_permissions() if r["object_id"] == a and r["permission_type"] == EXECUTE]
    assert sorted((r["principal_id"], r["is_deny"]) for r in rows) == sorted(
        [(estate["role_id"], False), (estate["alice_id"], True)])
    catalog.revoke_permission(PROJECT, a, estate["alice_id"], EXECUTE)
    alice.create_execution(FOLDER_A, "project1", "package2")
    # Granted on the project, denied on its folder (EXECUTE_OBJECTS): denied.
    catalog.deny_permission(FOLDER, estate["folder_a"], estate["role_id"], EXECUTE_OBJECTS)
    refused(catalog, 27178, alice.create_execution, FOLDER_A, "project1", "package2")
    # READ denied on the folder's objects: the project is gone from her views and her calls.
    catalog.deny_permission(FOLDER, estate["folder_a"], estate["alice_id"], READ_OBJECTS)
    assert alice.projects() == [] and alice.folders() == []
    refused(catalog, 27109, alice.create_execution, FOLDER_A, "project1", "package2")
    # Revoking what was never there is not an error (SSISDB returns success).
    catalog.revoke_permission(PROJECT, estate["project_b"], estate["alice_id"], READ)


def test_every_execution_view_shows_a_login_exactly_the_executions_it_may_read(catalog, estate):
    """SSISDB's rule for READ on an operation, in each view that shows executions or their history: its
    creator and whoever is granted READ (directly, through a role, or as PUBLIC) read it; a DENY to the login
    or a role it is in beats both; MODIFY alone is not READ. Each case has an execution that ran (its
    attempts, statistics, messages and past tasks) and one still queued (its task and its wait)."""
    alice, bob, a = estate["alice"], estate["bob"], estate["project_a"]
    alice_id, bob_id, role_id = estate["alice_id"], estate["bob_id"], estate["role_id"]
    catalog.grant_permission(PROJECT, a, alice_id, READ)
    catalog.grant_permission(PROJECT, a, alice_id, EXECUTE)
    cases = {   # name: (creator, [(grant or deny, principal, permission)])
        "own": (alice, []),
        "own, denied to her": (alice, [("deny", alice_id, READ)]),
        "own, denied to her role": (alice, [("deny", role_id, READ)]),
        "granted to her": (catalog, [("grant", alice_id, READ)]),
        "granted to her role": (catalog, [("grant", role_id, READ)]),
        "granted to PUBLIC": (catalog, [("grant", 0, READ)]),
        "granted to her, denied to her role": (catalog, [("grant", alice_id, READ), ("deny", role_id, READ)]),
        "MODIFY only": (catalog, [("grant", alice_id, MODIFY)]),
        "granted to Bob": (catalog, [("grant", bob_id, READ)]),
        "an admin's": (catalog, []),
    }
    worker = register(catalog, max_tasks=len(cases))
    ids: dict[str, list[int]] = {name: [] for name in cases}
    for phase in ("ran", "queued"):
        for name, (creator, rules) in cases.items():
            execution_id = creator.create_execution(FOLDER_A, "project1", "package2")
            creator.start_execution(execution_id)
            for verb, principal, permission in rules:
                getattr(catalog, f"{verb}_permission")(OPERATION, execution_id, principal, permission)
            ids[name].append(execution_id)
        if phase == "ran":
            tasks = catalog.pull_task(worker, max_tasks=len(cases))
            assert len(tasks) == len(cases)
            catalog.append_operation_messages(worker, [
                {"lease_token": str(t.lease_token), "event_message_guid": str(uuid.uuid4()), "message_time": None,
                 "message_type": 70, "message_source_type": 20, "message": "ran"} for t in tasks])
            for t in tasks:
                assert catalog.update_task_status(worker, t.task_id, t.lease_token, 5) == 5
    every = {i for pair in ids.values() for i in pair}
    readable = {
        alice: {i for name in ("own", "granted to her", "granted to her role", "granted to PUBLIC") for i in ids[name]},
        bob: {i for name in ("granted to PUBLIC", "granted to Bob") for i in ids[name]},
    }
    for view, column in EXECUTION_VIEWS:
        sql = f"SELECT {column} AS id FROM catalog.{view}"
        shown = {r["id"] for r in catalog.query(sql)} & every
        assert all(shown & set(pair) for pair in ids.values()), view     # the admin sees rows of every case
        for login, expected in readable.items():
            assert {r["id"] for r in login.query(sql)} == expected & shown, view
    # The grants and denies on those executions: a login sees those on the executions it reads.
    rules = {(r["object_id"], r["principal_id"], r["permission_type"]) for r in catalog.explicit_object_permissions()
             if r["object_type"] == OPERATION}
    for login, expected in readable.items():
        assert {(r["object_id"], r["principal_id"], r["permission_type"]) for r in login.explicit_object_permissions()
                if r["object_type"] == OPERATION} == {rule for rule in rules if rule[0] in expected}


OBJECT_VIEWS = (("folders", "id", "folder"), ("projects", "project_id", "project"),
                ("packages", "project_id", "project"), ("object_parameters", "project_id", "project"),
                ("object_versions", "object_id", "project"), ("environment_references", "project_id", "project"),
                ("schedules", "schedule_id", "schedule"), ("environments", "environment_id", "environment"),
                ("environment_variables", "environment_id", "environment"))


def test_every_object_view_shows_a_login_exactly_the_objects_it_may_read(catalog, estate):
    """SSISDB's rule for READ on a project or environment, in each view of them, their packages, parameters,
    versions, references, variables, schedules and explicit permissions: READ on the object or READ_OBJECTS
    on its folder, granted to the login, a role it is in or PUBLIC, and denied at neither level; MODIFY is
    not READ. A folder is listed with READ on it, or with a project or environment in it that the login
    reads. Each case is a folder of its own with a project (a reference to the environment, an admin's
    schedule) and an environment (a variable)."""
    alice, bob = estate["alice"], estate["bob"]
    alice_id, bob_id, role_id = estate["alice_id"], estate["bob_id"], estate["role_id"]
    cases = {   # name: ([(grant or deny, object, principal, permission)], what Alice reads, what Bob reads)
        "project granted to her": ([("grant", PROJECT, alice_id, READ)], {"project", "folder"}, set()),
        "project granted to her role": ([("grant", PROJECT, role_id, READ)], {"project", "folder"}, set()),
        "project granted to PUBLIC": ([("grant", PROJECT, 0, READ)], {"project", "folder"}, {"project", "folder"}),
        "READ_OBJECTS on the folder": ([("grant", FOLDER, alice_id, READ_OBJECTS)],
                                       {"project", "environment", "folder"}, set()),
        "READ_OBJECTS, project denied to her role": ([("grant", FOLDER, alice_id, READ_OBJECTS),
                                                      ("deny", PROJECT, role_id, READ)],
                                                     {"environment", "folder"}, set()),
        "project granted, READ_OBJECTS denied to her role": ([("grant", PROJECT, alice_id, READ),
                                                              ("deny", FOLDER, role_id, READ_OBJECTS)], set(), set()),
        "READ on the folder only": ([("grant", FOLDER, alice_id, READ)], {"folder"}, set()),
        "folder denied, project granted": ([("deny", FOLDER, alice_id, READ), ("grant", PROJECT, alice_id, READ)],
                                           {"project", "folder"}, set()),
        "MODIFY only": ([("grant", PROJECT, alice_id, MODIFY), ("grant", ENVIRONMENT, alice_id, MODIFY)], set(), set()),
        "environment granted to her": ([("grant", ENVIRONMENT, alice_id, READ)], {"environment", "folder"}, set()),
        "environment granted, denied to her role": ([("grant", ENVIRONMENT, alice_id, READ),
                                                     ("deny", ENVIRONMENT, role_id, READ)], set(), set()),
        "granted to Bob": ([("grant", PROJECT, bob_id, READ), ("grant", ENVIRONMENT, bob_id, READ)],
                           set(), {"project", "environment", "folder"}),
    }
    kinds = {FOLDER: "folder", PROJECT: "project", ENVIRONMENT: "environment"}
    ids: dict[str, dict[str, int]] = {}
    for number, (name, (rules, _, _)) in enumerate(cases.items()):
        folder = f"case_{number}"
        catalog.create_folder(folder)
        catalog.deploy_project(folder, "project1", ARCHIVE, MANIFEST)
        ids[name] = furnish_folder(catalog, folder, "project1")
        for verb, object_type, principal, permission in rules:
            getattr(catalog, f"{verb}_permission")(object_type, ids[name][kinds[object_type]], principal, permission)
    readable = {login: {kind: {ids[name][kind] for name, case in cases.items()
                               if (kind if kind != "schedule" else "project") in case[index]}
                        for kind in ("folder", "project", "environment", "schedule")}
                for login, index in ((alice, 1), (bob, 2))}
    for view, column, kind in OBJECT_VIEWS:
        every = {case[kind] for case in ids.values()}
        sql = f"SELECT {column} AS id FROM catalog.{view}"
        assert {r["id"] for r in catalog.query(sql)} >= every, view        # the admin sees every case
        for login, expected in readable.items():
            assert {r["id"] for r in login.query(sql)} & every == expected[kind], (view, login.engine.url.username)
    # The grants and denies on those objects: a login sees those on what it reads.
    rules = [(r["object_type"], r["object_id"]) for r in catalog.explicit_object_permissions()]
    assert len(rules) == sum(len(case[0]) for case in cases.values())     # the admin sees every one
    for login, expected in readable.items():
        shown = [(r["object_type"], r["object_id"]) for r in login.explicit_object_permissions()]
        assert sorted(shown) == sorted((t, i) for t, i in rules if i in expected[kinds[t]]), login.engine.url.username


def test_managing_permissions_needs_manage_permissions(catalog, estate):
    alice, bob, a = estate["alice"], estate["bob"], estate["project_a"]
    catalog.grant_permission(PROJECT, a, estate["alice_id"], READ)
    refused(catalog, 27192, alice.grant_permission, PROJECT, a, estate["bob_id"], READ)
    catalog.grant_permission(PROJECT, a, estate["alice_id"], MANAGE)
    alice.grant_permission(PROJECT, a, estate["bob_id"], READ)          # now she may
    assert [p.project_id for p in bob.projects()] == [a]
    grantor = [r for r in catalog.explicit_object_permissions()
               if r["principal_id"] == estate["bob_id"] and r["object_id"] == a][0]["grantor_id"]
    assert grantor == estate["alice_id"]
    # She sees the grants on what she may read, and nothing of the other folder.
    assert {r["object_id"] for r in alice.explicit_object_permissions()} == {a}
    # MANAGE_OBJECT_PERMISSIONS on the folder lets Bob manage its projects and environments.
    catalog.grant_permission(FOLDER, estate["folder_a"], estate["bob_id"], MANAGE_OBJECT_PERMISSIONS)
    catalog.grant_permission(FOLDER, estate["folder_a"], estate["bob_id"], READ_OBJECTS)
    bob.grant_permission(ENVIRONMENT, estate["environment"], estate["alice_id"], READ)
    assert names(alice.environments()) == ["prod"]
    # The creator of an execution may grant READ on it to another login; others may not.
    catalog.grant_permission(PROJECT, a, estate["alice_id"], EXECUTE)
    execution_id = alice.create_execution(FOLDER_A, "project1", "package2")
    refused(catalog, 27105, bob.grant_permission, OPERATION, execution_id, estate["bob_id"], READ)
    alice.grant_permission(OPERATION, execution_id, estate["bob_id"], READ)
    assert [e.execution_id for e in bob.executions()] == [execution_id]
    refused(catalog, 27103, bob.start_execution, execution_id)          # READ is not MODIFY
    alice.start_execution(execution_id)
    refused(catalog, 27143, bob.stop_operation, execution_id)


@pytest.mark.parametrize("args, number", [
    ((None, 1, 0, 1), 27100),
    ((1, None, 0, 1), 27100),
    ((1, 1, None, 1), 27100),
    ((1, 1, 0, None), 27100),
    ((5, 1, 0, 1), 27101),          # no such object type
    ((0, 1, 0, 1), 27101),
    ((2, "project", 0, 99), 27101),  # no such permission
    ((1, "folder", 0, EXECUTE), 27191),        # EXECUTE is for projects
    ((2, "project", 0, READ_OBJECTS), 27191),  # *_OBJECTS are for folders
    ((3, "environment", 0, 100), 27191),
    ((4, "execution", 0, 104), 27191),
    ((1, -1, 0, READ), 27104),
    ((2, 10 ** 15, 0, READ), 27109),
    ((3, -5, 0, READ), 27182),
    ((4, 10 ** 15, 0, READ), 27105),
    ((2, "project", -77, READ), 27101),        # no such principal
    ((2, "project", 2 ** 31 - 1, READ), 27101),
])
def test_bad_arguments_are_refused_and_change_nothing(catalog, estate, args, number):
    object_type, object_id, principal_id, permission_type = args
    object_id = {"folder": estate["folder_a"], "project": estate["project_a"], "environment": estate["environment"],
                 "execution": None}.get(object_id, object_id) if isinstance(object_id, str) else object_id
    if args[1] == "execution":
        object_id = catalog.create_execution(FOLDER_A, "project1", "package2")
    for verb in (catalog.grant_permission, catalog.deny_permission, catalog.revoke_permission):
        error = refused(catalog, number, verb, object_type, object_id, principal_id, permission_type)
        assert "\n" not in str(error)


def test_a_login_may_not_look_past_what_it_can_read(catalog, estate):
    """Bob, granted nothing: the objects exist, but to him they do not (SSIS's not-found numbers, not 27192)."""
    bob = estate["bob"]
    refused(catalog, 27104, bob.grant_permission, FOLDER, estate["folder_a"], estate["bob_id"], READ)
    refused(catalog, 27109, bob.grant_permission, PROJECT, estate["project_a"], estate["bob_id"], READ)
    refused(catalog, 27182, bob.deny_permission, ENVIRONMENT, estate["environment"], estate["bob_id"], READ)
    execution_id = catalog.create_execution(FOLDER_A, "project1", "package2")
    refused(catalog, 27105, bob.revoke_permission, OPERATION, execution_id, estate["bob_id"], READ)
    assert bob.explicit_object_permissions() == [] and bob.effective_object_permissions() == []


def test_permissions_go_with_their_object(catalog, estate):
    catalog.grant_permission(ENVIRONMENT, estate["environment"], estate["bob_id"], READ)
    catalog.grant_permission(PROJECT, estate["project_b"], estate["bob_id"], READ)
    catalog.delete_environment(FOLDER_A, "prod")
    catalog.delete_project(FOLDER_B, "project1")
    assert catalog.explicit_object_permissions() == []
