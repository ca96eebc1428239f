"""When the long-haul run restarts what, and with which signal (pure)."""

from __future__ import annotations

import random
import signal
from dataclasses import dataclass

# Restarts happen in the first quarter of the run only: memory is judged on the last
# half, which must see nothing but the steady load. A restarted sidecar takes 15 to 20
# minutes to reach its level (the first hour-long run: restarted at 21.6 min, it was
# still climbing at the end), so it gets at least a quarter of the run to settle.
RESTARTS_WITHIN = 0.25

# Redis is asked to stop, never killed: with `appendfsync everysec` a SIGKILL may drop
# the last second of acknowledged writes, by design of that setting (see topology).
GRACEFUL_ONLY = {"redis"}


@dataclass(frozen=True)
class Restart:
    at_seconds: float
    process: str
    sig: signal.Signals


def restart_plan(duration_s: float, processes: list[str], count: int, seed: int) -> list[Restart]:
    """`count` restarts evenly spread over the first `RESTARTS_WITHIN` of the run, each of
    a process drawn at random (seeded: a run can be repeated) among `processes`, killed
    or stopped by turns."""
    if count <= 0 or not processes:
        return []
    draw = random.Random(seed)
    window = duration_s * RESTARTS_WITHIN
    plan = []
    for n in range(count):
        process = draw.choice(sorted(processes))
        sig = signal.SIGKILL if n % 2 == 0 else signal.SIGTERM
        if process in GRACEFUL_ONLY:
            sig = signal.SIGTERM
        plan.append(Restart(window * (n + 1) / (count + 1), process, sig))
    return plan
