"""`scaleout permissions`: grant, deny and revoke permissions on folders, projects, environments and
executions (catalog.grant_permission, deny_permission, revoke_permission), and list them
(catalog.explicit_object_permissions). Names are looked up in the catalog's views, as this login sees them."""
from __future__ import annotations

from typing import Any

import click

from .app import UserError, catalog_for, console, url_option
from .output import Column, print_table

# SSISDB's permission types, by name (any case) or number.
PERMISSIONS = {"READ": 1, "MODIFY": 2, "EXECUTE": 3, "MANAGE_PERMISSIONS": 4, "CREATE_OBJECTS": 100,
               "READ_OBJECTS": 101, "MODIFY_OBJECTS": 102, "EXECUTE_OBJECTS": 103, "MANAGE_OBJECT_PERMISSIONS": 104}
PERMISSION_NAMES = {number: name for name, number in PERMISSIONS.items()}
OBJECT_TYPES = {1: "folder", 2: "project", 3: "environment", 4: "execution"}


def _permission(text: str) -> int:
    if text.upper() in PERMISSIONS:
        return PERMISSIONS[text.upper()]
    if text.isdigit() and int(text) in PERMISSION_NAMES:
        return int(text)
    raise UserError(f"unknown permission {text!r}: pass one of {', '.join(PERMISSIONS)} (or its number)")


def _principal(catalog, name: str) -> int:
    principal_id = catalog.principal_id(name)
    if principal_id is None:
        raise UserError(f"no database principal named {name!r}: see catalog.database_principals")
    return principal_id


def _target(catalog, folder: str | None, project: str | None, environment: str | None,
            execution: int | None) -> tuple[int, int]:
    """(object_type, object_id) named by the options, as this login can see it."""
    if execution is not None:
        if folder or project or environment:
            raise UserError("--execution names an execution on its own: leave out --folder, --project and --environment")
        return 4, execution
    if folder is None:
        raise UserError("name the object: --folder F [--project P | --environment E], or --execution ID")
    if project and environment:
        raise UserError("--project and --environment name different objects: pass one of them")
    folder_id = next((f.id for f in catalog.folders() if f.name == folder), None)
    if folder_id is None:
        raise UserError(f"no folder {folder!r} that this login can see (catalog.folders)")
    if project is not None:
        project_id = next((p.project_id for p in catalog.projects() if p.folder_id == folder_id and p.name == project), None)
        if project_id is None:
            raise UserError(f"no project {project!r} in folder {folder!r} that this login can see (catalog.projects)")
        return 2, project_id
    if environment is not None:
        environment_id = next((e["environment_id"] for e in catalog.environments(folder) if e["name"] == environment), None)
        if environment_id is None:
            raise UserError(f"no environment {environment!r} in folder {folder!r} that this login can see "
                            "(catalog.environments)")
        return 3, environment_id
    return 1, folder_id


def _object_options(fn):
    for option in reversed((
            click.option("--folder", help="The folder, or the folder of --project or --environment."),
            click.option("--project", help="A project in --folder."),
            click.option("--environment", help="An environment in --folder."),
            click.option("--execution", type=click.IntRange(1, 2 ** 63 - 1), help="An execution, by its id."))):
        fn = option(fn)
    return fn


@click.group()
def permissions() -> None:
    """Permissions on folders, projects, environments and executions, as SSISDB has them (READ, MODIFY,
    EXECUTE, MANAGE_PERMISSIONS; on folders CREATE_OBJECTS, READ_OBJECTS, MODIFY_OBJECTS, EXECUTE_OBJECTS,
    MANAGE_OBJECT_PERMISSIONS). A deny beats a grant."""


def _change(verb: str, past: str):
    help_text = (f"{verb.capitalize()} a permission (catalog.{verb}_permission).\n\n\b\nExample:\n"
                 f"  scaleout permissions {verb} analyst EXECUTE --folder finance --project sales\n"
                 f"  scaleout permissions {verb} etl_team READ_OBJECTS --folder finance\n")

    @permissions.command(verb, help=help_text)
    @click.argument("principal")
    @click.argument("permission")
    @_object_options
    @url_option
    def command(principal: str, permission: str, folder: str | None, project: str | None, environment: str | None,
                execution: int | None, url: str | None) -> None:
        catalog = catalog_for(url)
        number = _permission(permission)
        object_type, object_id = _target(catalog, folder, project, environment, execution)
        getattr(catalog, f"{verb}_permission")(object_type, object_id, _principal(catalog, principal), number)
        console.print(f"{past} {PERMISSION_NAMES[number]} on {OBJECT_TYPES[object_type]} {object_id} "
                      f"{'from' if verb == 'revoke' else 'to'} {principal}", highlight=False, markup=False)

    return command


_change("grant", "granted")
_change("deny", "denied")
_change("revoke", "revoked")


@permissions.command("list")
@url_option
def permissions_list(url: str | None) -> None:
    """List the grants and denies on what this login may read (catalog.explicit_object_permissions).

    \b
    Example:
      scaleout permissions list
    """
    catalog = catalog_for(url)
    rows = catalog.explicit_object_permissions()
    principals = {int(r["principal_id"]): r["name"] for r in catalog.query(
        "SELECT principal_id, name FROM catalog.database_principals")}
    folders = {f.id: f.name for f in catalog.folders()}
    names: dict[tuple[int, int], str] = {(1, i): n for i, n in folders.items()}
    names.update({(2, p.project_id): f"{folders.get(p.folder_id, '?')}/{p.name}" for p in catalog.projects()})
    names.update({(3, e["environment_id"]): f"{e['folder_name']}/{e['name']}" for e in catalog.environments()})

    def line(r: dict[str, Any]) -> tuple:
        key = (int(r["object_type"]), int(r["object_id"]))
        return (OBJECT_TYPES[key[0]], names.get(key, str(key[1])), principals.get(int(r["principal_id"]), r["principal_id"]),
                PERMISSION_NAMES.get(int(r["permission_type"]), r["permission_type"]),
                "DENY" if r["is_deny"] else "GRANT", principals.get(int(r["grantor_id"]), r["grantor_id"]))
    print_table("catalog.explicit_object_permissions",
                ("object", "name", "principal", "permission", Column("state", no_wrap=True), Column("grantor", drop=1)),
                (line(r) for r in rows))
