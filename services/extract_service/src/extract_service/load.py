"""How many extractions run at once: a gauge for operators and for the test that
checks the system-wide cap (the scheduler's activityConcurrencyLimits) holds."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class InFlight:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.current = 0
        self.peak = 0

    @contextmanager
    def track(self) -> Iterator[None]:
        with self._lock:
            self.current += 1
            self.peak = max(self.peak, self.current)
        try:
            yield
        finally:
            with self._lock:
                self.current -= 1

    def reset_peak(self) -> None:
        with self._lock:
            self.peak = self.current


IN_FLIGHT = InFlight()
