"""Pooled connections: checked only after sitting idle, so a busy caller pays one round trip per call
and a connection the server dropped meanwhile is replaced without the caller seeing an error."""
from __future__ import annotations

import time

from scaleout_catalog import Catalog, connection


def _backend_pid(catalog: Catalog) -> int:
    return catalog.query("SELECT pg_backend_pid() AS pid")[0]["pid"]


def test_a_connection_dropped_while_idle_is_replaced(pg_url):
    catalog = Catalog(pg_url, pool_size=1, max_overflow=0)
    admin = Catalog(pg_url, pool_pre_ping=False)
    try:
        first = _backend_pid(catalog)
        assert admin.query("SELECT pg_terminate_backend(:pid) AS ok", {"pid": first})[0]["ok"]
        time.sleep(connection.IDLE_CHECK_SECONDS + 0.2)
        second = _backend_pid(catalog)      # no error: the idle check found it dead and connected again
        assert second != first
    finally:
        catalog.dispose()
        admin.dispose()


def test_only_an_idle_connection_is_checked(pg_url):
    """Calls in quick succession go straight to work; the first call after an idle pause is checked."""
    catalog = Catalog(pg_url, pool_size=1, max_overflow=0)

    def checks() -> int:
        with catalog.engine.connect() as conn:     # the pool's one connection: its record's count
            return conn.info.get("scaleout_checks", 0)
    try:
        for _ in range(20):
            catalog.query("SELECT 1")
        assert checks() == 0
        time.sleep(connection.IDLE_CHECK_SECONDS + 0.2)
        catalog.query("SELECT 1")
        for _ in range(20):
            catalog.query("SELECT 1")
        assert checks() == 1
    finally:
        catalog.dispose()


def test_a_connection_the_server_ended_is_replaced_at_once(pg_url):
    """Terminated (as a server restart ends every session) and used again within the idle check's
    second: the server's goodbye is waiting on the socket, so the connection is checked and replaced."""
    catalog = Catalog(pg_url, pool_size=1, max_overflow=0)
    admin = Catalog(pg_url, pool_pre_ping=False)
    try:
        first = _backend_pid(catalog)
        assert admin.query("SELECT pg_terminate_backend(:pid, 5000) AS ok", {"pid": first})[0]["ok"]
        second = _backend_pid(catalog)      # no error, and no wait for the idle check
        assert second != first
    finally:
        catalog.dispose()
        admin.dispose()
