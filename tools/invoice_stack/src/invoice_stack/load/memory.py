"""Resident memory (and CPU time) of the stack's processes, read from /proc and
averaged over time."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Usage:
    """What one supervised process and all its descendants hold."""

    rss_kib: int = 0
    anon_kib: int = 0  # the private part of the RSS: heaps and stacks, not mapped files
    fds: int = 0
    threads: int = 0
    cpu_s: float = 0.0  # user and system time of the live processes and their reaped children


_TICKS = os.sysconf("SC_CLK_TCK")


def usage_by_session(sessions: Iterable[int], count_fds: bool = False) -> dict[int, Usage]:
    """Each session's usage, from one scan of /proc. By session, not process group: each
    supervised process starts a session of its own, and the extract service's pool
    workers keep it while they move to process groups of their own."""
    usage = {sid: Usage() for sid in sessions}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            into = usage.get(int(fields[3]))  # field 6, session
            if into is None:
                continue
            status = (stat.parent / "status").read_text()
            fds = len(os.listdir(stat.parent / "fd")) if count_fds else 0
        except (OSError, IndexError, ValueError):
            continue  # the process ended between the listing and the read
        into.fds += fds
        # Fields 14-17: utime, stime, and the same of children it waited for (OCR runs).
        into.cpu_s += sum(int(field) for field in fields[11:15]) / _TICKS
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                into.rss_kib += int(line.split()[1])
            elif line.startswith("RssAnon:"):
                into.anon_kib += int(line.split()[1])
            elif line.startswith("Threads:"):
                into.threads += int(line.split()[1])
    return usage


def window_mean(samples: list[tuple[float, dict[str, int]]], since: float) -> dict[str, int]:
    """Each process's mean over the samples taken at or after `since` (pure)."""
    recent = [reading for at, reading in samples if at >= since] or [samples[-1][1]]
    return {name: sum(r[name] for r in recent) // len(recent) for name in recent[0]}


class MemoryWatch:
    """Reads every supervised process's RSS every few seconds while a load runs."""

    def __init__(self, sessions: dict[str, int]) -> None:
        self.sessions = sessions  # name -> session id (the supervised process's pid)
        self.samples: list[tuple[float, dict[str, int]]] = []

    def read(self) -> None:
        usage = usage_by_session(self.sessions.values())
        reading = {name: usage[sid].rss_kib for name, sid in self.sessions.items()}
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
