"""Option types the benchmarks share: a bad value is one line from argparse, before anything runs."""
from __future__ import annotations

import argparse
from typing import Callable


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
