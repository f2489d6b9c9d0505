"""What went wrong, as an HTTP status and one line for the page: the catalog's own words where it spoke."""
from __future__ import annotations

import sqlalchemy as sa

from ..errors import (CatalogConnectionError, CatalogError, CatalogNotInstalled, RoleRequired, catalog_not_installed,
                      printable, role_required)

# SSIS's "does not exist or you do not have sufficient permissions" numbers: not found, to whoever asks.
NOT_FOUND = frozenset({27103, 27104, 27109, 27146, 27243, 27246})
FORBIDDEN = frozenset({27178})


def understood(exc: BaseException) -> BaseException:
    """The catalog's exception for a driver error the library passes through (a refusal by the database's
    own privileges, or a missing catalog); anything else as it is."""
    if isinstance(exc, sa.exc.DBAPIError):
        return catalog_not_installed(exc.orig) or role_required(exc.orig, exc.statement) or exc
    return exc


def describe(exc: BaseException) -> tuple[int, str] | None:
    """(status, message) for an error a person can act on; None for anything else (a defect: logged)."""
    exc = understood(exc)
    if isinstance(exc, CatalogError):
        status = 403 if exc.number in FORBIDDEN else 404 if exc.number in NOT_FOUND else 400
        return status, exc.message
    if isinstance(exc, RoleRequired):
        return 403, str(exc)
    if isinstance(exc, CatalogNotInstalled):
        return 503, f"{exc}: run scaleout db upgrade"
    if isinstance(exc, CatalogConnectionError):
        return 503, printable(str(exc))
    return None
