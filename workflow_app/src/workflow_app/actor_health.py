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


def workflow_actor_types(app_id: str) -> tuple[str, str]:
    """How the actor types that run this app's workflows and activities end.

    They are `dapr.internal.<namespace>.<app id>.workflow` (and `.activity`): the
    namespace is the sidecar's own (in Kubernetes it is set on the daprd container only),
    so we match whatever it is."""
    return f".{app_id}.workflow", f".{app_id}.activity"


def missing_actor_types(metadata: dict[str, Any], wanted: tuple[str, ...]) -> list[str]:
    """Which of `wanted` (type-name endings) the sidecar's /v1.0/metadata does not list
    as registered. A registered type is listed even with no active actor (count 0)."""
    runtime = metadata.get("actorRuntime") or {}
    listed = [str(entry.get("type")) for entry in runtime.get("activeActors") or []]
    return [
        ending
        for ending in wanted
        if not any(t.startswith("dapr.internal.") and t.endswith(ending) for t in listed)
    ]


@dataclass
class WedgeClock:
    """Tells a sidecar still registering (normal for a moment after the worker connects)
    from one that will not (past `bound_seconds`), and paces the heals.

    After each heal the clock starts again, so the next sidecar gets a full bound even if
    nobody saw the old one go; a sidecar healed `max_heals` times in a row without ever
    showing the types is not a wedge a restart cures, and is left to a person.
    Fed one observation at a time with a monotonic clock; holds no I/O."""

    bound_seconds: float
    max_heals: int = 3
    _missing_since: float | None = None
    _heals_in_a_row: int = 0

    def observe(self, missing: bool, now: float) -> float:
        """Record whether types are missing now; returns for how long they have been."""
        if not missing:
            self._missing_since = None
            self._heals_in_a_row = 0
            return 0.0
        if self._missing_since is None:
            self._missing_since = now
        return now - self._missing_since

    def forget(self) -> None:
        """The sidecar went away: whatever answers next starts from zero."""
        self._missing_since = None

    def wedged(self, now: float) -> bool:
        return self._missing_since is not None and now - self._missing_since > self.bound_seconds

    def gave_up(self) -> bool:
        return self._heals_in_a_row >= self.max_heals

    def heal_now(self, now: float) -> bool:
        """True when a heal is due: wedged past the bound, and heals not given up. Counts
        the heal and starts the clock again."""
        if not self.wedged(now) or self.gave_up():
            return False
        self._heals_in_a_row += 1
        self._missing_since = now
        return True
