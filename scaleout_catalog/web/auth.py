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
        try:
            roles = catalog.caller_roles()
        except Exception as exc:  # noqa: BLE001  (the database's own refusals, as the catalog's exceptions)
            raise understood(exc) from None
    except CatalogConnectionError as exc:
        catalog.dispose()
        if _REFUSED.search(str(exc)):
            raise SignInError("The database refused this login and password.") from None
        raise SignInError(f"The catalog database cannot be reached: {exc}") from None
    except CatalogNotInstalled:
        catalog.dispose()
        raise SignInError("This database has no catalog at the revision this manager needs: "
                          "run scaleout db upgrade.") from None
    except RoleRequired:
        catalog.dispose()
        raise SignInError(f"The login {login} holds none of the roles {', '.join(READER_ROLES)} in this catalog: "
                          "ask an admin to add it to one.") from None
    except sa.exc.DBAPIError as exc:     # refused before any view was read: the login itself (SQL Server: 18456)
        catalog.dispose()
        if _REFUSED.search(str(exc.orig)):
            raise SignInError("The database refused this login and password.") from None
        raise SignInError(f"The catalog database refused the connection: {printable(str(exc.orig).splitlines()[0])}") \
            from None
    except BaseException:
        catalog.dispose()
        raise
    if not roles:
        catalog.dispose()
        raise SignInError(f"The login {login} holds none of the roles {', '.join(READER_ROLES)} in this catalog.")
    return Session(login=login, catalog=catalog, roles=roles)
