"""The error number comes from the SQLSTATE (PostgreSQL) or the fixed message prefix (SQL Server)."""
from __future__ import annotations

import pytest

from scaleout_catalog import errors


class OdbcError(Exception):
    """The shape of a pyodbc.Error: args = (sqlstate, message)."""


def test_sql_server_message_prefix_maps_to_the_class():
    exc = OdbcError("42000", "[42000] [Microsoft][ODBC Driver 18 for SQL Server][SQL Server]27243: Cannot find the "
                             "cluster worker agent 'x' (it may be gone). (50000) (SQLExecDirectW)")
    error = errors.from_driver_error(exc)
    assert isinstance(error, errors.WorkerAgentNotFound) and error.number == 27243
    assert error.message == "27243: Cannot find the cluster worker agent 'x' (it may be gone)."


def test_unknown_number_is_still_a_catalog_error():
    error = errors.catalog_error(27999, "27999: something new")
    assert type(error) is errors.CatalogError and error.number == 27999


def test_other_driver_errors_are_not_catalog_errors():
    assert errors.from_driver_error(OdbcError("08001", "[08001] login timeout expired")) is None


@pytest.mark.parametrize("number", sorted(errors.ERRORS_BY_NUMBER))
def test_every_class_has_its_own_number(number):
    assert errors.ERRORS_BY_NUMBER[number].number == number
