"""`scaleout deploy`: validate, pack and deploy a project (the .ispac deployment)."""
from __future__ import annotations

from pathlib import Path

import click

from ..project.deploy import deploy as deploy_project
from rich.markup import escape

from .app import catalog_for, console, url_option


@click.command()
@click.argument("path", type=click.Path(exists=False, path_type=Path))
@click.option("--folder", "folder_name", required=True, help="Catalog folder to deploy into.")
@click.option("--create-folder", is_flag=True, help="Create the folder if it does not exist.")
@url_option
def deploy(path: Path, folder_name: str, create_folder: bool, url: str | None) -> None:
    """Deploy the project in PATH (a directory with scaleout.toml, or a packed archive).

    \b
    Example:
      scaleout deploy ./sales --folder finance --create-folder
    """
    manifest, operation_id = deploy_project(catalog_for(url), path, folder_name, create_folder=create_folder)
    packages = ", ".join(p["name"] for p in manifest["packages"])
    console.print(f"deployed project [bold]{escape(manifest['name'])}[/bold] {escape(str(manifest['version']))} to "
                  f"folder [bold]{escape(folder_name)}[/bold] (operation {operation_id}; packages: {escape(packages)})",
                  highlight=False)
