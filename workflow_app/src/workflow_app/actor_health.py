"""Is the sidecar really able to run our workflows? (pure: the caller brings metadata and time)

An open work-item stream is not enough. The sidecar registers the workflow actor types
when a worker connects; Dapr 1.18.2 can miss that after the worker's previous stream
died (a host SIGKILLed with work in flight: the unregistering of the old stream waits on
actors that wait on the dead stream, holding the lock the new stream's registration
needs; dapr/dapr#10059, #10408). Such a sidecar answers health checks, keeps the stream
open, and fails every reminder with "actor type ... not registered", for ever. Its
metadata shows it: the workflow actor types are missing from `actorRuntime.activeActors`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


def workflow_actor_types(app_id: str, namespace: str) -> tuple[str, str]:
    """The actor types the sidecar must host to run this app's workflows and activities."""
    prefix = f"dapr.internal.{namespace}.{app_id}"
    return f"{prefix}.workflow", f"{prefix}.activity"


def missing_actor_types(metadata: dict[str, Any], wanted: tuple[str, ...]) -> list[str]:
    """Which of `wanted` the sidecar's /v1.0/metadata does not list as registered.

    A registered type is listed even with no active actor (count 0)."""
    runtime = metadata.get("actorRuntime") or {}
    listed = {entry.get("type") for entry in runtime.get("activeActors") or []}
    return [actor_type for actor_type in wanted if actor_type not in listed]


@dataclass
class WedgeClock:
    """Tells a sidecar still registering (normal for a second or so after the worker
    connects) from one that will never register (past `bound_seconds`).

    Fed one observation at a time with a monotonic clock; holds no I/O."""

    bound_seconds: float
    _missing_since: float | None = None
    _announced: bool = False

    def observe(self, missing: bool, now: float) -> float:
        """Record whether types are missing now; returns for how long they have been."""
        if not missing:
            self._missing_since = None
            self._announced = False
            return 0.0
        if self._missing_since is None:
            self._missing_since = now
        return now - self._missing_since

    def wedged(self, now: float) -> bool:
        return self._missing_since is not None and now - self._missing_since > self.bound_seconds

    def announce(self, now: float) -> bool:
        """True the first time an episode is found wedged: act once per episode."""
        if not self.wedged(now) or self._announced:
            return False
        self._announced = True
        return True
