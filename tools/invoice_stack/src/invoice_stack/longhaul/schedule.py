"""When the long-haul run restarts what, and with which signal (pure)."""

from __future__ import annotations

import random
import signal
from dataclasses import dataclass

# Restarts end SETTLE_SECONDS before half-way: memory is judged on the last half,
# which must see nothing but the steady load, and a restarted sidecar takes 15 to 20
# minutes to reach its level (the first hour-long run: restarted at 21.6 min, it was
# still climbing at the end). A run too short for that restarts in its first tenth.
SETTLE_SECONDS = 15 * 60
SHORTEST_WINDOW = 0.1


def restart_window(duration_s: float) -> float:
    """Seconds from the start within which the restarts happen."""
    return max(duration_s / 2 - SETTLE_SECONDS, duration_s * SHORTEST_WINDOW)


# Redis is asked to stop, never killed: with `appendfsync everysec` a SIGKILL may drop
# the last second of acknowledged writes, by design of that setting (see topology).
GRACEFUL_ONLY = {"redis"}


@dataclass(frozen=True)
class Restart:
    at_seconds: float
    process: str
    sig: signal.Signals


def restart_plan(duration_s: float, processes: list[str], count: int, seed: int) -> list[Restart]:
    """`count` restarts evenly spread over the `restart_window`, each of
    a process drawn at random (seeded: a run can be repeated) among `processes`, killed
    or stopped by turns."""
    if count <= 0 or not processes:
        return []
    draw = random.Random(seed)
    window = restart_window(duration_s)
    plan = []
    for n in range(count):
        process = draw.choice(sorted(processes))
        sig = signal.SIGKILL if n % 2 == 0 else signal.SIGTERM
        if process in GRACEFUL_ONLY:
            sig = signal.SIGTERM
        plan.append(Restart(window * (n + 1) / (count + 1), process, sig))
    return plan
