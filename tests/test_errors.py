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


def test_a_conversion_error_maps_to_27101_by_its_native_number_whatever_the_sqlstate():
    # FreeTDS reports SQL Server's conversion errors with SQLSTATE 42000: only the number says what it is.
    exc = OdbcError("42000", "[42000] [FreeTDS][SQL Server]Conversion failed when converting from a character "
                             "string to uniqueidentifier. (8169) (SQLExecDirectW)")
    error = errors.from_driver_error(exc)
    assert isinstance(error, errors.InvalidArgumentValue)
    assert error.message == "27101: Conversion failed when converting from a character string to uniqueidentifier."


def test_other_native_numbers_are_not_catalog_errors():
    exc = OdbcError("42000", "[42000] [FreeTDS][SQL Server]Could not find stored procedure 'x'. (2812) "
                             "(SQLExecDirectW)")
    assert errors.from_driver_error(exc) is None
    assert errors.native_error(exc) == (2812, "Could not find stored procedure 'x'.")


def test_babelfish_reports_postgresqls_invalid_values_under_its_generic_number():
    exc = OdbcError("42000", '[42000] [FreeTDS][SQL Server]invalid input syntax for type uuid: "x" (33557097) '
                             "(SQLExecDirectW)")
    assert isinstance(errors.from_driver_error(exc), errors.InvalidArgumentValue)
    nul = OdbcError("42000", "[42000] [FreeTDS][SQL Server]invalid UTF16 byte sequence - code point 0 not supported "
                             "(33557097) (SQLExecDirectW)")
    assert isinstance(errors.from_driver_error(nul), errors.InvalidArgumentValue)
    other = OdbcError("42000", '[42000] [FreeTDS][SQL Server]relation "t" does not exist (33557097) (SQLExecDirectW)')
    assert errors.from_driver_error(other) is None
