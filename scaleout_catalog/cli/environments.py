"""`scaleout environments` and `scaleout parameters`: environments, their variables, the projects'
references to them, and values set on deployed parameters (one catalog procedure per command)."""
from __future__ import annotations

from typing import Any

import click

from ..values import DATA_TYPES
from .app import UserError, catalog_for, console, url_option
from .output import Column, print_table, when


def _done(text: str) -> None:
    console.print(text, highlight=False, markup=False)


@click.group()
def environments() -> None:
    """Environments and their variables (catalog.environments, catalog.environment_variables), and the
    projects' references to them (catalog.environment_references)."""


@environments.command("list")
@click.option("--folder", "folder_name", help="Only this folder's environments.")
@url_option
def environments_list(folder_name: str | None, url: str | None) -> None:
    """List environments.

    \b
    Example:
      scaleout environments list --folder finance
    """
    rows = catalog_for(url).environments(folder_name)
    print_table("catalog.environments", (Column("environment_id", no_wrap=True), "folder", "name",
                                         Column("description", drop=1), Column("created_time", drop=2, no_wrap=True)),
                ((r["environment_id"], r["folder_name"], r["name"], r["description"], when(r["created_time"]))
                 for r in rows))


@environments.command("create")
@click.argument("folder_name")
@click.argument("environment_name")
@click.option("--description", help="What the environment is for.")
@url_option
def environments_create(folder_name: str, environment_name: str, description: str | None, url: str | None) -> None:
    """Create an environment in a folder (catalog.create_environment).

    \b
    Example:
      scaleout environments create finance prod --description "production settings"
    """
    catalog_for(url).create_environment(folder_name, environment_name, description)
    _done(f"created environment {environment_name} in folder {folder_name}")


@environments.command("delete")
@click.argument("folder_name")
@click.argument("environment_name")
@url_option
def environments_delete(folder_name: str, environment_name: str, url: str | None) -> None:
    """Delete an environment and its variables (catalog.delete_environment).

    \b
    Example:
      scaleout environments delete finance test
    """
    catalog_for(url).delete_environment(folder_name, environment_name)
    _done(f"deleted environment {environment_name} from folder {folder_name}")


@environments.command("rename")
@click.argument("folder_name")
@click.argument("environment_name")
@click.argument("new_environment_name")
@url_option
def environments_rename(folder_name: str, environment_name: str, new_environment_name: str, url: str | None) -> None:
    """Rename an environment (catalog.rename_environment). References name it: change them too.

    \b
    Example:
      scaleout environments rename finance prod production
    """
    catalog_for(url).rename_environment(folder_name, environment_name, new_environment_name)
    _done(f"renamed environment {environment_name} to {new_environment_name} in folder {folder_name}")


@environments.command("move")
@click.argument("source_folder")
@click.argument("environment_name")
@click.argument("destination_folder")
@url_option
def environments_move(source_folder: str, environment_name: str, destination_folder: str, url: str | None) -> None:
    """Move an environment to another folder (catalog.move_environment).

    \b
    Example:
      scaleout environments move finance prod shared
    """
    catalog_for(url).move_environment(source_folder, environment_name, destination_folder)
    _done(f"moved environment {environment_name} from folder {source_folder} to {destination_folder}")


@environments.command("describe")
@click.argument("folder_name")
@click.argument("environment_name")
@click.argument("description")
@url_option
def environments_describe(folder_name: str, environment_name: str, description: str, url: str | None) -> None:
    """Set an environment's description (catalog.set_environment_property).

    \b
    Example:
      scaleout environments describe finance prod "production, EMEA"
    """
    catalog_for(url).set_environment_property(folder_name, environment_name, "Description", description)
    _done(f"described environment {environment_name}")


@environments.command("variables")
@click.argument("folder_name")
@click.argument("environment_name")
@url_option
def environments_variables(folder_name: str, environment_name: str, url: str | None) -> None:
    """List an environment's variables; a sensitive one's value is never shown.

    \b
    Example:
      scaleout environments variables finance prod
    """
    rows = catalog_for(url).environment_variables(folder_name, environment_name)
    print_table("catalog.environment_variables",
                ("name", "type", "value", Column("sensitive", drop=2), Column("description", drop=1)),
                ((r["name"], r["type"], "(sensitive)" if r["sensitive"] else r["value"], "yes" if r["sensitive"] else "no",
                  r["description"]) for r in rows))


@environments.command("add-variable")
@click.argument("folder_name")
@click.argument("environment_name")
@click.argument("variable_name")
@click.argument("value")
@click.option("--type", "data_type", type=click.Choice(DATA_TYPES), default="String", show_default=True,
              help="The variable's data type: a parameter bound to it must have the same.")
@click.option("--sensitive", is_flag=True, help="Store the value encrypted; no view shows it.")
@click.option("--description", help="What the variable is.")
@url_option
def environments_add_variable(folder_name: str, environment_name: str, variable_name: str, value: str, data_type: str,
                              sensitive: bool, description: str | None, url: str | None) -> None:
    """Add a variable to an environment (catalog.create_environment_variable).

    \b
    Example:
      scaleout environments add-variable finance prod Region EMEA
      scaleout environments add-variable finance prod ApiKey s3cret --sensitive
    """
    catalog_for(url).create_environment_variable(folder_name, environment_name, variable_name, data_type, sensitive,
                                                 value, description)
    _done(f"added variable {variable_name} ({data_type}{', sensitive' if sensitive else ''}) to environment "
          f"{environment_name}")


@environments.command("set-variable")
@click.argument("folder_name")
@click.argument("environment_name")
@click.argument("variable_name")
@click.argument("value")
@url_option
def environments_set_variable(folder_name: str, environment_name: str, variable_name: str, value: str,
                              url: str | None) -> None:
    """Change a variable's value (catalog.set_environment_variable_value).

    \b
    Example:
      scaleout environments set-variable finance prod Region APAC
    """
    catalog_for(url).set_environment_variable_value(folder_name, environment_name, variable_name, value)
    _done(f"set variable {variable_name} of environment {environment_name}")


@environments.command("delete-variable")
@click.argument("folder_name")
@click.argument("environment_name")
@click.argument("variable_name")
@url_option
def environments_delete_variable(folder_name: str, environment_name: str, variable_name: str, url: str | None) -> None:
    """Delete a variable (catalog.delete_environment_variable).

    \b
    Example:
      scaleout environments delete-variable finance prod Region
    """
    catalog_for(url).delete_environment_variable(folder_name, environment_name, variable_name)
    _done(f"deleted variable {variable_name} from environment {environment_name}")


@environments.command("reference")
@click.argument("folder_name")
@click.argument("project_name")
@click.argument("environment_name")
@click.option("--environment-folder", help="The environment's folder, when not the project's own (an absolute reference).")
@url_option
def environments_reference(folder_name: str, project_name: str, environment_name: str,
                           environment_folder: str | None, url: str | None) -> None:
    """Let a project take values from an environment (catalog.create_environment_reference).

    \b
    Example:
      scaleout environments reference finance sales prod
      scaleout environments reference finance sales common --environment-folder shared
    """
    reference_id = catalog_for(url).create_environment_reference(
        folder_name, project_name, environment_name, "A" if environment_folder else "R", environment_folder)
    _done(f"project {project_name} references environment {environment_name} (reference_id {reference_id})")


@environments.command("references")
@click.argument("folder_name")
@click.argument("project_name")
@url_option
def environments_references(folder_name: str, project_name: str, url: str | None) -> None:
    """List a project's environment references.

    \b
    Example:
      scaleout environments references finance sales
    """
    rows = catalog_for(url).environment_references(folder_name, project_name)
    print_table("catalog.environment_references",
                (Column("reference_id", no_wrap=True), "type", "environment_folder", "environment"),
                ((r["reference_id"], "relative" if r["reference_type"] == "R" else "absolute",
                  r["environment_folder_name"] or folder_name, r["environment_name"]) for r in rows))


@environments.command("unreference")
@click.argument("reference_id", type=click.IntRange(1, 2**63 - 1))
@url_option
def environments_unreference(reference_id: int, url: str | None) -> None:
    """Delete an environment reference (catalog.delete_environment_reference).

    \b
    Example:
      scaleout environments unreference 3
    """
    catalog_for(url).delete_environment_reference(reference_id)
    _done(f"deleted environment reference {reference_id}")


def reference_for(catalog: Any, folder_name: str, project_name: str, environment_name: str,
                  environment_folder: str | None = None) -> int:
    """The reference_id of the project's reference to that environment (for `execute --environment`)."""
    matches = [r for r in catalog.environment_references(folder_name, project_name)
               if r["environment_name"] == environment_name
               and (environment_folder is None or (r["environment_folder_name"] or folder_name) == environment_folder)]
    if not matches:
        raise UserError(f"project {project_name} in folder {folder_name} has no reference to an environment named "
                        f"{environment_name!r}; add one with: scaleout environments reference {folder_name} "
                        f"{project_name} {environment_name}")
    if len(matches) > 1:
        raise UserError(f"project {project_name} references two environments named {environment_name!r}; "
                        "say which with --environment-folder")
    return int(matches[0]["reference_id"])


@click.group()
def parameters() -> None:
    """Values set on a deployed project's parameters (catalog.object_parameters): literals, or the names
    of environment variables that an execution's environment supplies."""


@parameters.command("list")
@click.argument("folder_name")
@click.argument("project_name")
@url_option
def parameters_list(folder_name: str, project_name: str, url: str | None) -> None:
    """List a project's parameters with their design defaults and the values set on the server.

    \b
    Example:
      scaleout parameters list finance sales
    """
    rows = catalog_for(url).object_parameters(folder_name, project_name)
    rows.sort(key=lambda r: (r["object_type"], r["object_name"], r["parameter_name"]))

    def value(r: dict[str, Any]) -> str | None:
        if r["value_type"] == "R":
            return f"environment variable {r['referenced_variable_name']}"
        if r["value_set"]:
            return "(sensitive)" if r["sensitive"] else r["default_value"]
        return None

    print_table("catalog.object_parameters",
                ("object", "name", "type", Column("design_default", drop=2), "value", Column("required", drop=1)),
                (("project" if r["object_type"] == 20 else r["object_name"], r["parameter_name"], r["data_type"],
                  "(sensitive)" if r["sensitive"] and r["design_default_value"] is None else r["design_default_value"],
                  value(r), "yes" if r["required"] else "no") for r in rows))


@parameters.command("set")
@click.argument("folder_name")
@click.argument("project_name")
@click.argument("parameter_name")
@click.argument("value")
@click.option("--package", "package_name", help="A package's parameter (default: the project's).")
@click.option("--variable", is_flag=True, help="VALUE names an environment variable: executions with an "
                                               "environment reference take the parameter's value from it.")
@url_option
def parameters_set(folder_name: str, project_name: str, parameter_name: str, value: str, package_name: str | None,
                   variable: bool, url: str | None) -> None:
    """Set a deployed parameter's value, or bind it to an environment variable (catalog.set_object_parameter_value).

    \b
    Example:
      scaleout parameters set finance sales Region EMEA
      scaleout parameters set finance sales ApiKey ApiKey --package load --variable
    """
    catalog_for(url).set_object_parameter_value(30 if package_name else 20, folder_name, project_name, parameter_name,
                                                value, package_name, "R" if variable else "V")
    _done(f"parameter {parameter_name} of {'package ' + package_name if package_name else 'project ' + project_name} "
          + (f"now takes environment variable {value}" if variable else "set"))


@parameters.command("clear")
@click.argument("folder_name")
@click.argument("project_name")
@click.argument("parameter_name")
@click.option("--package", "package_name", help="A package's parameter (default: the project's).")
@url_option
def parameters_clear(folder_name: str, project_name: str, parameter_name: str, package_name: str | None,
                     url: str | None) -> None:
    """Clear a value set on the server: the design default applies again (catalog.clear_object_parameter_value).

    \b
    Example:
      scaleout parameters clear finance sales Region
    """
    catalog_for(url).clear_object_parameter_value(folder_name, project_name, 30 if package_name else 20,
                                                  parameter_name, package_name)
    _done(f"cleared parameter {parameter_name}")
