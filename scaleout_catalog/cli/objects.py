"""`scaleout folders|projects|packages`: what is deployed in the catalog."""
from __future__ import annotations

from pathlib import Path

import click

from .app import UserError, catalog_for, console, url_option
from .output import Column, print_table, when


@click.group()
def folders() -> None:
    """Catalog folders (catalog.folders)."""


@folders.command("list")
@url_option
def folders_list(url: str | None) -> None:
    """List folders.

    \b
    Example:
      scaleout folders list
    """
    rows = catalog_for(url).folders()
    print_table("catalog.folders", (Column("folder_id", no_wrap=True), "name", Column("created_by", drop=1),
                                    Column("created_time", drop=2, no_wrap=True)),
                ((f.id, f.name, f.created_by_name, when(f.created_time)) for f in rows))


@folders.command("create")
@click.argument("folder_name")
@url_option
def folders_create(folder_name: str, url: str | None) -> None:
    """Create a folder (catalog.create_folder).

    \b
    Example:
      scaleout folders create finance
    """
    folder_id = catalog_for(url).create_folder(folder_name)
    console.print(f"created folder {folder_name} (folder_id {folder_id})", highlight=False, markup=False)


@folders.command("delete")
@click.argument("folder_name")
@url_option
def folders_delete(folder_name: str, url: str | None) -> None:
    """Delete an empty folder (catalog.delete_folder).

    \b
    Example:
      scaleout folders delete old-team
    """
    catalog_for(url).delete_folder(folder_name)
    console.print(f"deleted folder {folder_name}", highlight=False, markup=False)


@folders.command("rename")
@click.argument("old_name")
@click.argument("new_name")
@url_option
def folders_rename(old_name: str, new_name: str, url: str | None) -> None:
    """Rename a folder (catalog.rename_folder).

    \b
    Example:
      scaleout folders rename finance finance-emea
    """
    catalog_for(url).rename_folder(old_name, new_name)
    console.print(f"renamed folder {old_name} to {new_name}", highlight=False, markup=False)


@folders.command("describe")
@click.argument("folder_name")
@click.argument("description")
@url_option
def folders_describe(folder_name: str, description: str, url: str | None) -> None:
    """Set a folder's description (catalog.set_folder_description).

    \b
    Example:
      scaleout folders describe finance "month-end loads"
    """
    catalog_for(url).set_folder_description(folder_name, description)
    console.print(f"described folder {folder_name}", highlight=False, markup=False)


@click.group()
def projects() -> None:
    """Deployed projects (catalog.projects)."""


@projects.command("list")
@click.option("--folder", "folder_name", help="Only this folder's projects.")
@url_option
def projects_list(folder_name: str | None, url: str | None) -> None:
    """List projects with their folder and current version.

    \b
    Example:
      scaleout projects list --folder finance
    """
    catalog = catalog_for(url)
    folder_names = {f.id: f.name for f in catalog.folders()}
    rows = [p for p in catalog.projects() if folder_name is None or folder_names.get(p.folder_id) == folder_name]
    print_table("catalog.projects",
                (Column("project_id", no_wrap=True), "folder", "name", "version", Column("lsn", drop=3, no_wrap=True),
                 Column("deployed_by", drop=2), Column("last_deployed_time", drop=1, no_wrap=True)),
                ((p.project_id, folder_names.get(p.folder_id), p.name, p.version, p.object_version_lsn,
                  p.deployed_by_name, when(p.last_deployed_time)) for p in rows))


@projects.command("versions")
@click.argument("folder_name")
@click.argument("project_name")
@url_option
def projects_versions(folder_name: str, project_name: str, url: str | None) -> None:
    """List the versions kept of a project (catalog.object_versions), newest first.

    \b
    Example:
      scaleout projects versions finance sales
    """
    rows = catalog_for(url).object_versions(folder_name, project_name)
    print_table("catalog.object_versions",
                (Column("object_version_lsn", no_wrap=True), "version", "current", Column("created_by", drop=2),
                 Column("created_time", drop=1, no_wrap=True), Column("last_restored_time", drop=3, no_wrap=True)),
                ((v["object_version_lsn"], v["version"], "yes" if v["is_current"] else "", v["created_by"],
                  when(v["created_time"]), when(v["last_restored_time"])) for v in rows))


@projects.command("restore")
@click.argument("folder_name")
@click.argument("project_name")
@click.argument("object_version_lsn", type=click.IntRange(1, 2**63 - 1))
@url_option
def projects_restore(folder_name: str, project_name: str, object_version_lsn: int, url: str | None) -> None:
    """Make a kept version the current one again (catalog.restore_project).

    \b
    Example:
      scaleout projects restore finance sales 12
    """
    catalog_for(url).restore_project(folder_name, project_name, object_version_lsn)
    console.print(f"project {project_name} is at version {object_version_lsn} again", highlight=False, markup=False)


@projects.command("export")
@click.argument("folder_name")
@click.argument("project_name")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True, path_type=Path), required=True,
              help="Where to write the archive (refuses to overwrite a file).")
@url_option
def projects_export(folder_name: str, project_name: str, output: Path, url: str | None) -> None:
    """Write the current version's archive to a file (catalog.get_project); `scaleout deploy` takes it back.

    \b
    Example:
      scaleout projects export finance sales -o sales.zip
    """
    archive = catalog_for(url).get_project(folder_name, project_name)
    try:
        with output.open("xb") as f:
            f.write(archive)
    except FileExistsError:
        raise UserError(f"{output} already exists; pick another --output") from None
    except OSError as exc:
        raise UserError(f"cannot write {output}: {exc.strerror or exc}") from None
    console.print(f"wrote {len(archive)} bytes to {output}", highlight=False, markup=False)


@projects.command("delete")
@click.argument("folder_name")
@click.argument("project_name")
@url_option
def projects_delete(folder_name: str, project_name: str, url: str | None) -> None:
    """Delete a project with its versions and references (catalog.delete_project); its executions stay.

    \b
    Example:
      scaleout projects delete finance sales
    """
    catalog_for(url).delete_project(folder_name, project_name)
    console.print(f"deleted project {project_name} from folder {folder_name}", highlight=False, markup=False)


@projects.command("move")
@click.argument("source_folder")
@click.argument("project_name")
@click.argument("destination_folder")
@url_option
def projects_move(source_folder: str, project_name: str, destination_folder: str, url: str | None) -> None:
    """Move a project to another folder (catalog.move_project).

    \b
    Example:
      scaleout projects move finance sales archive
    """
    catalog_for(url).move_project(source_folder, project_name, destination_folder)
    console.print(f"moved project {project_name} from folder {source_folder} to {destination_folder}",
                  highlight=False, markup=False)


@click.group()
def packages() -> None:
    """Packages of deployed projects (catalog.packages)."""


@packages.command("list")
@click.option("--folder", "folder_name", help="Only this folder's packages.")
@click.option("--project", "project_name", help="Only this project's packages.")
@url_option
def packages_list(folder_name: str | None, project_name: str | None, url: str | None) -> None:
    """List packages with their project and entry point.

    \b
    Example:
      scaleout packages list --project sales
    """
    catalog = catalog_for(url)
    folder_names = {f.id: f.name for f in catalog.folders()}
    projects_by_id = {p.project_id: p for p in catalog.projects()}
    rows = []
    for k in catalog.packages():
        project = projects_by_id.get(k.project_id)
        if project is None:
            continue
        folder = folder_names.get(project.folder_id)
        if (folder_name is None or folder == folder_name) and (project_name is None or project.name == project_name):
            rows.append((k.package_id, folder, project.name, k.name, k.entry_point_name, k.description))
    print_table("catalog.packages", (Column("package_id", no_wrap=True), Column("folder", drop=2), "project", "name",
                                     Column("entry_point", drop=1), Column("description", drop=3)), rows)
