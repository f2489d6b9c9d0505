"""Option types and checks the benchmarks share: a bad value is one line from argparse, before anything runs."""
from __future__ import annotations

import argparse
from typing import Any, Callable


def whole_number(least: int, most: int) -> Callable[[str], int]:
    """An argparse type: a whole number from `least` to `most`."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if not least <= value <= most:
            raise argparse.ArgumentTypeError(f"must be from {least:,} to {most:,}: {text!r}")
        return value
    return parse


def postgresql_server(parser: argparse.ArgumentParser, url: str | None) -> tuple[Any, str]:
    """--url checked before anything is created: the PostgreSQL server it names (the embedded one without
    it) and its version, or one line from argparse."""
    # Imported here: a benchmark without a database (fork_server.py) does not load them.
    import psycopg
    import sqlalchemy as sa
    from helpers import benchmark_server       # tests/, which every benchmark puts on sys.path

    from scaleout_catalog import errors
    if url is not None and not url.startswith("postgresql"):
        parser.error("--url: this benchmark runs on PostgreSQL: pass a postgresql:// URL")
    try:
        server = benchmark_server(url)
        return server, server.version()
    except (sa.exc.ArgumentError, psycopg.Error, errors.CatalogConnectionError) as exc:
        parser.error(f"cannot use --url: {str(exc).splitlines()[0]}")
