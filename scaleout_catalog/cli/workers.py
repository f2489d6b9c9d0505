"""`scaleout workers`: list, enable, disable, delete and set properties of worker agents."""
from __future__ import annotations

import uuid

import click

from .app import UserError, catalog_for, console, url_option
from .output import print_workers


def _worker_id(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise UserError(f"{value!r} is not a WorkerAgentId (a GUID, as in catalog.worker_agents)") from None


worker_id_argument = click.argument("worker_agent_id", metavar="WORKER_AGENT_ID")


@click.group()
def workers() -> None:
    """Worker agents in the catalog (catalog.worker_agents)."""


@workers.command("list")
@url_option
def list_(url: str | None) -> None:
    """List worker agents: online or offline, enabled, tags, running tasks, certificate thumbprint.

    \b
    Example:
      scaleout workers list --url postgresql://admin@db1/ssisdb
    """
    print_workers(catalog_for(url).worker_agents())


_EXAMPLE_ID = "6583054A-E915-4C2A-80E4-C765E79EF61D"


def _state_command(name: str, done: str, summary: str) -> None:
    """enable, disable and delete: one procedure call on one worker agent each."""
    @workers.command(name, help=f"{summary}\n\n\b\nExample:\n  scaleout workers {name} {_EXAMPLE_ID}")
    @worker_id_argument
    @url_option
    def command(worker_agent_id: str, url: str | None) -> None:
        getattr(catalog_for(url), f"{name}_worker_agent")(_worker_id(worker_agent_id))
        console.print(f"worker agent {worker_agent_id} {done}", highlight=False, markup=False)


for _name, _done, _summary in (
        ("enable", "enabled", "Enable a worker agent, so that it runs executions (catalog.enable_worker_agent)."),
        ("disable", "disabled", "Disable a worker agent: it finishes what it runs and takes nothing new."),
        ("delete", "deleted", "Remove a worker agent from the catalog (catalog.delete_worker_agent).")):
    _state_command(_name, _done, _summary)


@workers.command("set")
@worker_id_argument
@click.argument("property_name", type=click.Choice(["DisplayName", "Description", "Tags"]))
@click.argument("property_value")
@url_option
def set_(worker_agent_id: str, property_name: str, property_value: str, url: str | None) -> None:
    """Set DisplayName, Description or Tags of a worker agent (catalog.set_worker_agent_property).

    \b
    Example:
      scaleout workers set 6583054A-E915-4C2A-80E4-C765E79EF61D Tags etl,large
    """
    catalog_for(url).set_worker_agent_property(_worker_id(worker_agent_id), property_name, property_value)
    console.print(f"worker agent {worker_agent_id}: {property_name} = {property_value}", highlight=False,
                  markup=False)
