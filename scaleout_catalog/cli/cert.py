"""`scaleout cert`: the scale-out's certificate authority, server and worker certificates."""
from __future__ import annotations

import json
from pathlib import Path

import click

from .. import certificates
from ..worker.state import default_state_dir
from .app import UserError, catalog_for, console, err_console, url_option

dir_option = click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
                          show_default=True, help="Where the certificates and keys are.")
days_option = click.option("--days", type=click.IntRange(1, 3650), default=825, show_default=True,
                           help="Validity of the new certificate.")


@click.group()
def cert() -> None:
    """Certificates: the master (CA and database server), workers (client certificates)."""


@cert.command("create-master")
@click.option("--host", "hosts", multiple=True, required=True, metavar="NAME_OR_IP",
              help="A host name or IP address workers use for the database server; repeat for more.")
@dir_option
@days_option
@click.option("--owner", metavar="USER", help="Make USER (the database server's account, e.g. postgres) own "
              "server.crt and server.key, so that the server can read its key.")
@click.option("--force", is_flag=True, help="Replace existing files.")
def create_master(hosts: tuple[str, ...], directory: Path, days: int, owner: str | None, force: bool) -> None:
    """Create the certificate authority and the database server's TLS certificate.

    Writes ca.crt, ca.key, server.crt and server.key (keys 0600). Give the server
    server.crt/server.key and ca.crt (to check worker certificates); give workers ca.crt.

    \b
    Example:
      scaleout cert create-master --host db1.example.com --host 10.0.0.5 --dir /etc/scaleout
    """
    _run(lambda: certificates.create_master(directory, hosts, days=days, force=force, owner=owner))
    console.print(f"wrote {directory / 'ca.crt'}, ca.key, server.crt, server.key", highlight=False, markup=False)


@cert.command("create-worker")
@click.argument("name")
@dir_option
@days_option
@click.option("--force", is_flag=True, help="Replace existing files.")
def create_worker(name: str, directory: Path, days: int, force: bool) -> None:
    """Create a worker's key and client certificate; NAME is its database login (the CN).

    \b
    Example:
      scaleout cert create-worker worker1 --dir /etc/scaleout
    """
    crt, key = _run(lambda: certificates.create_worker(directory, name, days=days, force=force))
    console.print(f"wrote {crt} and {key}; the worker connects with "
                  f"?sslmode=verify-full&sslrootcert=ca.crt&sslcert={crt.name}&sslkey={key.name}",
                  highlight=False, markup=False)


@cert.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def show(file: Path) -> None:
    """Show a certificate: subject, SANs, validity, SHA-256 and SHA-1 thumbprints.

    \b
    Example:
      scaleout cert show /etc/scaleout/server.crt
    """
    info = _run(lambda: certificates.describe(file))
    for label, value in (("subject", info.subject), ("issuer", info.issuer),
                         ("SANs", ", ".join(info.sans) or "(none)"),
                         ("valid from", info.not_before.isoformat()), ("valid until", info.not_after.isoformat()),
                         ("SHA-256", info.sha256), ("SHA-1", info.sha1),
                         ("authority", "yes" if info.is_ca else "no")):
        console.print(f"{label:<12} {value}", highlight=False, markup=False)


@cert.command()
@click.argument("which", type=click.Choice(["master", "worker"]))
@click.argument("name", required=False)
@dir_option
@days_option
@url_option
@click.option("--state-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="worker: the worker's state directory (its WorkerAgentId). [default: per-user state dir]")
@click.option("--owner", metavar="USER", help="Make USER (the database server's account, e.g. postgres) own "
              "server.crt and server.key, so that the server can read its key.")
def rotate(which: str, name: str | None, directory: Path, days: int, url: str | None, state_dir: Path | None,
           owner: str | None) -> None:
    """Re-issue the server certificate (master) or a worker's (worker NAME) from the same authority.

    Everything that trusts the authority trusts the new certificate: restart the database
    server (master) or the worker, and nothing else changes. For a worker, give the URL it
    connects with: the new thumbprint is announced to the catalog over the current
    certificate, so the worker stays enabled when it comes back with the new one.

    \b
    Example:
      scaleout cert rotate master --dir /etc/scaleout
      scaleout cert rotate worker worker1 --dir /etc/scaleout --url "$WORKER_URL"
    """
    if which == "master":
        path = _run(lambda: certificates.rotate_master(directory, days=days, owner=owner))
    else:
        if not name:
            raise UserError("name the worker: scaleout cert rotate worker NAME")
        announce = None
        if url is not None:
            worker_agent_id = _worker_agent_id(state_dir or default_state_dir())
            catalog = catalog_for(url)
            announce = lambda thumbprint: catalog.announce_worker_certificate(worker_agent_id, thumbprint)  # noqa: E731
        path, _ = _run(lambda: certificates.rotate_worker(directory, name, days=days, announce=announce))
        if announce is None:
            err_console.print("no --url: the catalog was not told; an enabled worker that registers with the new "
                              "certificate is disabled until an admin enables it again", highlight=False)
    console.print(f"rotated {path}; new SHA-256 {certificates.thumbprint(path)}", highlight=False, markup=False)


def _worker_agent_id(state_dir: Path) -> str:
    path = state_dir / "worker.json"
    if not path.exists():
        raise UserError(f"{path} not found: give the worker's --state-dir")
    return json.loads(path.read_text(encoding="utf-8"))["worker_agent_id"]


def _run(action):
    try:
        return action()
    except certificates.CertificateError as exc:
        raise UserError(str(exc)) from None
