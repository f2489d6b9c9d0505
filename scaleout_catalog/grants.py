"""Giving database logins the catalog's roles: `scaleout db grant-worker|grant-admin LOGIN`.

Identifiers are quoted by the database driver (PostgreSQL) or by QUOTENAME (SQL Server),
never pasted into SQL text.
"""
from __future__ import annotations

from sqlalchemy.engine import Engine

ROLES = {"worker": "ssis_cluster_worker", "admin": "ssis_admin", "executor": "ssis_cluster_executor",
         "logreader": "ssis_logreader"}


def grant_role(engine: Engine, login: str, role: str, create_login: bool = False) -> bool:
    """Makes `login` a member of `role` (one of ROLES' values); returns True if the login was created.

    PostgreSQL: with create_login, a missing role is created WITH LOGIN (no password: certificate or
    peer authentication, or ALTER ROLE ... PASSWORD afterwards). SQL Server: the login must exist at
    the server; its database user is created if missing.
    """
    if role not in ROLES.values():
        raise ValueError(f"unknown role {role!r}")
    with engine.begin() as conn:
        raw = conn.connection.dbapi_connection
        if engine.dialect.name == "postgresql":
            from psycopg import sql
            cur = raw.cursor()
            cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (login,))
            created = False
            if cur.fetchone() is None:
                if not create_login:
                    raise LookupError(f"no login {login!r} on this server: pass --create to create it")
                cur.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(login)))
                created = True
            cur.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(role), sql.Identifier(login)))
            return created
        cur = raw.cursor()
        cur.execute("SELECT CASE WHEN SUSER_ID(?) IS NULL THEN 0 ELSE 1 END", login)
        if not cur.fetchone()[0]:
            raise LookupError(f"no login {login!r} on this server: CREATE LOGIN it first (SQL authentication)")
        cur.execute("IF USER_ID(?) IS NULL EXEC (N'CREATE USER ' + QUOTENAME(?) + N' FOR LOGIN ' + QUOTENAME(?))",
                    login, login, login)
        cur.execute("EXEC (N'ALTER ROLE ' + QUOTENAME(?) + N' ADD MEMBER ' + QUOTENAME(?))", role, login)
        return False
