"""`scaleout folders|projects|packages`: what is deployed in the catalog."""
from __future__ import annotations

import click

from .app import catalog_for, console, url_option
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
