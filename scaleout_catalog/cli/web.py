"""`scaleout web`: the web Scale Out Manager."""
from __future__ import annotations

import ipaddress
from pathlib import Path

import click

from .app import UserError, console, remember_url, url_option

DEFAULT_PORT = 8391      # SSIS Scale Out Master's port


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@click.command()
@url_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=DEFAULT_PORT, show_default=True)
@click.option("--certfile", type=click.Path(dir_okay=False, path_type=Path),
              help="TLS certificate (PEM), e.g. from scaleout cert; with --keyfile, serves HTTPS.")
@click.option("--keyfile", type=click.Path(dir_okay=False, path_type=Path), help="The certificate's private key (PEM).")
@click.option("--unsafe-plain-http", is_flag=True,
              help="Serve plain HTTP on an address other computers reach: passwords cross the network in clear.")
def web(url: str | None, host: str, port: int, certfile: Path | None, keyfile: Path | None,
        unsafe_plain_http: bool) -> None:
    """Serve the web Scale Out Manager: Worker Manager, and /healthz and /readyz.

    Each person signs in with their own database login; what they see and may do is what its catalog
    roles allow. A bind other than this computer needs TLS (--certfile and --keyfile) or
    --unsafe-plain-http.

    \b
    Example:
      scaleout web --url postgresql://db1/ssisdb
      scaleout web --host 0.0.0.0 --certfile manager.pem --keyfile manager.key
    """
    remember_url(url)
    if (certfile is None) != (keyfile is None):
        raise UserError("TLS needs both --certfile and --keyfile")
    for path in (certfile, keyfile):
        if path is not None and not path.is_file():
            raise UserError(f"{path} is not a readable file")
    tls = certfile is not None
    if not tls and not is_loopback(host) and not unsafe_plain_http:
        raise UserError(f"--host {host} lets other computers connect, and sign-in sends passwords: serve TLS with "
                        "--certfile and --keyfile (scaleout cert can issue them), or pass --unsafe-plain-http")
    import uvicorn
    from ..web import create_app
    app = create_app(url, secure_cookies=tls)
    shown = f"[{host}]" if ":" in host else host
    console.print(f"Scale Out Manager: {'https' if tls else 'http'}://{shown}:{port}/  (Ctrl-C stops it)",
                  highlight=False, markup=False)
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning", ssl_certfile=str(certfile) if tls else None,
                    ssl_keyfile=str(keyfile) if tls else None, proxy_headers=False, server_header=False)
    except OSError as exc:
        raise UserError(f"cannot serve on {host}:{port}: {exc.strerror or exc}") from None
