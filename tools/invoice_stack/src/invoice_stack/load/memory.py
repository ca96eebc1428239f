"""Resident memory of the stack's processes, read from /proc and averaged over time."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path


def group_rss_kib(pgid: int) -> int:
    """Resident memory of a whole process group (an app with its worker processes)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) != pgid:  # field 5, pgrp
                continue
            status = (stat.parent / "status").read_text()
        except (OSError, IndexError, ValueError):
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total


def window_mean(samples: list[tuple[float, dict[str, int]]], since: float) -> dict[str, int]:
    """Each process's mean over the samples taken at or after `since` (pure)."""
    recent = [reading for at, reading in samples if at >= since] or [samples[-1][1]]
    return {name: sum(r[name] for r in recent) // len(recent) for name in recent[0]}


class MemoryWatch:
    """Reads every process group's RSS every few seconds while a load runs."""

    def __init__(self, groups: dict[str, int]) -> None:
        self.groups = groups
        self.samples: list[tuple[float, dict[str, int]]] = []

    def read(self) -> None:
        reading = {name: group_rss_kib(pgid) for name, pgid in self.groups.items()}
        self.samples.append((time.monotonic(), reading))

    async def run(self, every: float) -> None:
        while True:
            await asyncio.to_thread(self.read)
            await asyncio.sleep(every)

    def level(self, window: float) -> dict[str, int]:
        """Each process's mean RSS (KiB) over the last `window` seconds."""
        if not self.samples:
            self.read()
        return window_mean(self.samples, time.monotonic() - window)
