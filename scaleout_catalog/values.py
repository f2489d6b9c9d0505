"""SSIS's parameter data types and their text form, as the catalog stores values.

Its own module, with nothing but the standard library's basics: the package process (runtime/child.py)
types its parameters with it, and what a module imports, the fork server and every package process
forked from it carry (a pre-imported threading or zipfile adds about half a millisecond of CPU to each
fork and exit on a small virtual machine).
"""
from __future__ import annotations

import math
from datetime import datetime
from typing import Any

DATA_TYPES = ("String", "Int32", "Int64", "Double", "Boolean", "DateTime")


def parse_value(data_type: str, value: Any) -> Any:
    """A parameter value of `data_type`, from TOML or from text; raises ValueError if it is not one."""
    if data_type == "String":
        if not isinstance(value, str):
            raise ValueError(f"expected a string, got {value!r}")
        return value
    if data_type in ("Int32", "Int64"):
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise ValueError(f"expected a whole number, got {value!r}")
        try:
            number = int(value)
        except ValueError:
            raise ValueError(f"expected a whole number, got {value!r}") from None
        bits = 31 if data_type == "Int32" else 63
        if not -(2 ** bits) <= number < 2 ** bits:
            raise ValueError(f"{number} is out of range for {data_type}")
        return number
    if data_type == "Double":
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise ValueError(f"expected a number, got {value!r}")
        try:
            number = float(value)
        except ValueError:
            raise ValueError(f"expected a number, got {value!r}") from None
        if not math.isfinite(number):
            raise ValueError(f"{value!r} is not a finite number")
        return number
    if data_type == "Boolean":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false", "1", "0"):
            return value.lower() in ("true", "1")
        raise ValueError(f"expected true or false, got {value!r}")
    if data_type == "DateTime":
        if isinstance(value, datetime):
            return value
        if isinstance(value, str):
            try:
                return datetime.fromisoformat(value)
            except ValueError:
                pass
        raise ValueError(f"expected a date and time (ISO 8601), got {value!r}")
    raise ValueError(f"unknown data type {data_type!r}")


def text_value(value: Any) -> str:
    """The catalog's text form of a typed value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)
