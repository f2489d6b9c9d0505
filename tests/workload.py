"""Queues many executions through the catalog's own procedures, in one round trip."""
from __future__ import annotations

from pathlib import Path

from scaleout_catalog import Catalog

SQL_DIR = Path(__file__).resolve().parent / "sql"


def queue_executions(catalog: Catalog, count: int, folder: str, project: str, package: str,
                     retry_count: int = 0) -> None:
    template = (SQL_DIR / f"queue_executions.{catalog.dialect}.sql").read_text()
    sql = template.format(count=count, folder=folder, project=project, package=package, retry_count=retry_count)
    with catalog.engine.begin() as conn:
        conn.connection.dbapi_connection.cursor().execute(sql)
