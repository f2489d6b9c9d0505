"""Sign-in: a person's own database login, checked by the database itself."""
from __future__ import annotations

import re

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from ..catalog import Catalog
from ..errors import CatalogConnectionError, CatalogNotInstalled, RoleRequired, printable
from .problems import understood
from .sessions import Session

MAX_LOGIN = 128          # sysname, as SQL Server's logins; PostgreSQL's role names are shorter still
MAX_PASSWORD = 1024
READER_ROLES = ("ssis_admin", "ssis_cluster_executor", "ssis_logreader")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# The database refused the credentials (as opposed to: it could not be reached).
_REFUSED = re.compile(r"authentication failed|password|login failed|role .* does not exist|18456", re.IGNORECASE)


class SignInError(Exception):
    """Why a sign-in was refused, in one line for the person signing in."""


def check_credentials(login: str, password: str) -> None:
    if not login.strip():
        raise SignInError("Enter your database login.")
    if len(login) > MAX_LOGIN or _CONTROL.search(login):
        raise SignInError(f"A database login is at most {MAX_LOGIN} characters, without control characters.")
    if len(password) > MAX_PASSWORD or "\x00" in password:
        raise SignInError(f"A password is at most {MAX_PASSWORD} characters, without NUL.")


def sign_in(base_url: str, login: str, password: str) -> Session:
    """A session under the login, once the database has accepted it and named its catalog roles."""
    check_credentials(login, password)
    url = make_url(base_url).set(username=login, password=password or None)
    catalog = Catalog(url.render_as_string(hide_password=False), pool_size=2, max_overflow=2)
    try:
        roles = catalog.caller_roles()
        if not roles:
            raise RoleRequired("no catalog role", "catalog.caller_roles", READER_ROLES)
    except BaseException as exc:
        catalog.dispose()
        why = refusal(understood(exc), login)
        if why is None:
            raise
        raise why from None
    return Session(login=login, catalog=catalog, roles=roles)


def refusal(exc: BaseException, login: str) -> SignInError | None:
    """Why the database would not let the login in, or None for any other error."""
    if isinstance(exc, RoleRequired):
        return SignInError(f"The login {login} holds none of the roles {', '.join(READER_ROLES)} in this catalog: "
                           "ask an admin to add it to one.")
    if isinstance(exc, CatalogNotInstalled):
        return SignInError("This database has no catalog at the revision this manager needs: run scaleout db upgrade.")
    # Refused at connect (a SQL Server login comes through as a DBAPIError), or unreachable.
    text = str(exc.orig if isinstance(exc, sa.exc.DBAPIError) else exc)
    if isinstance(exc, (CatalogConnectionError, sa.exc.DBAPIError)):
        if _REFUSED.search(text):
            return SignInError("The database refused this login and password.")
        return SignInError(f"The catalog database cannot be reached or refused the connection: "
                           f"{printable(text.splitlines()[0] if text else type(exc).__name__)}")
    return None
