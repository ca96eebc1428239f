"""Samples the running stack every minute while the long-haul load runs: each reading
is the mean of several taken across the minute, so a garbage collection or an etcd
compaction at the instant of one reading does not make a trend."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from invoice_stack.longhaul import readings
from invoice_stack.supervisor.stack import ports_from_state, read_state

# Infrastructure readings that are not a process: Redis's keys and memory, etcd's size.
REDIS_DB = "redis-db"
SCHEDULER_ETCD = "scheduler-etcd"


@dataclass(frozen=True)
class Sample:
    elapsed_s: float
    subject: str  # a process of the stack, REDIS_DB or SCHEDULER_ETCD
    metric: str
    value: float


def _runtime_of(name: str, metrics_port: int) -> dict[str, dict[str, float]]:
    return {name: readings.go_runtime(metrics_port)}


@dataclass
class Sampler:
    run_dir: Path  # the `make up` stack's, whose state names the current processes
    minute_s: float = 60.0
    readings_per_minute: int = 6
    samples: list[Sample] = field(default_factory=list)

    def read_once(self) -> dict[tuple[str, str], float]:
        """One reading of everything, keyed by (subject, metric). A part that cannot be
        read now (a process restarting) is left out of this reading, never fatal."""
        state = read_state(self.run_dir)
        if state is None:
            return {}
        sessions = {name: pid for name, (pid, _) in state["processes"].items()}
        ports = ports_from_state(state)
        parts: dict[str, Callable[[], dict[str, dict[str, float]]]] = {
            "processes": partial(readings.processes, sessions),
            REDIS_DB: lambda: {REDIS_DB: readings.redis(ports.redis)},
            SCHEDULER_ETCD: lambda: {
                SCHEDULER_ETCD: readings.scheduler_etcd(ports.scheduler_etcd_client)
            },
        }
        # The Go processes' runtimes: every sidecar, placement and the scheduler.
        go_ports = {f"{app_id}-dapr": app.metrics for app_id, app in ports.apps.items()}
        go_ports |= {"placement": ports.placement_metrics, "scheduler": ports.scheduler_metrics}
        for name, port in go_ports.items():
            if name in sessions:
                parts[f"{name}'s runtime"] = partial(_runtime_of, name, port)
        values: dict[tuple[str, str], float] = {}
        for part, read in parts.items():
            try:
                for subject, metrics in read().items():
                    values.update({(subject, m): v for m, v in metrics.items()})
            except Exception as exc:  # one bad reading must not end the run
                print(f"[longhaul] could not read {part}: {exc!r}", flush=True)
        return values

    async def run(self, started: float) -> None:
        """Until cancelled: every minute, one Sample per (subject, metric)."""
        every = self.minute_s / self.readings_per_minute
        while True:
            sums: dict[tuple[str, str], list[float]] = defaultdict(list)
            for _ in range(self.readings_per_minute):
                for key, value in (await asyncio.to_thread(self.read_once)).items():
                    sums[key].append(value)
                await asyncio.sleep(every)
            elapsed = time.monotonic() - started
            for (subject, metric), values in sorted(sums.items()):
                self.samples.append(Sample(elapsed, subject, metric, sum(values) / len(values)))
