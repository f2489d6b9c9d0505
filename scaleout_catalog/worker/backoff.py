"""Capped exponential backoff with full jitter, for reconnecting to the catalog."""
from __future__ import annotations

import random


class Backoff:
    def __init__(self, first: float = 0.2, cap: float = 5.0) -> None:
        self.first, self.cap, self.failures = first, cap, 0

    def next_delay(self) -> float:
        """The wait before the next try; grows with each failure up to the cap."""
        self.failures += 1
        ceiling = min(self.cap, self.first * 2 ** (self.failures - 1))
        return random.uniform(ceiling / 2, ceiling)

    def reset(self) -> None:
        self.failures = 0
