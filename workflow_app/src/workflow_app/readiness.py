"""Can this host start and advance workflows now? And healing a sidecar that never will."""

from __future__ import annotations

import logging
import threading
import time

import httpx

from workflow_app.actor_health import WedgeClock, missing_actor_types
from workflow_app.sidecar import Sidecar

log = logging.getLogger(__name__)


class SidecarReadiness:
    """Judges the sidecar once our worker's stream is open (`connected`), and asks a
    wedged one to restart (see actor_health) when `heal` is on."""

    def __init__(
        self,
        sidecar: Sidecar,
        actor_types: tuple[str, ...],
        wedge_seconds: float,
        heal: bool,
    ) -> None:
        self.sidecar = sidecar
        self.actor_types = actor_types
        self.heal = heal
        self.connected = threading.Event()
        self.start_error: str | None = None
        self._wedge = WedgeClock(wedge_seconds)
        self._lock = threading.Lock()  # /readyz and the host's watch both observe

    def check(self) -> tuple[bool, str]:
        """(ready, reason). Ready once the worker's stream is open, the actor runtime is
        placed and the sidecar has registered the workflow actor types."""
        if self.start_error:
            return False, self.start_error
        if not self.connected.is_set():
            return False, "workflow runtime is still connecting to the sidecar"
        try:
            metadata = self.sidecar.metadata()
        except httpx.HTTPError as exc:
            # Down or restarting: whatever answers next is a new sidecar with a new clock.
            self._observe(missing=False)
            return False, f"sidecar metadata unavailable: {exc}"
        actors = metadata.get("actorRuntime") or {}
        if actors.get("runtimeStatus") != "RUNNING":
            return False, f"actor runtime is {actors.get('runtimeStatus', 'unknown')}"
        placement = str(actors.get("placement", ""))
        if "connected" not in placement or "disconnected" in placement:
            return False, f"placement: {placement or 'unknown'}"
        missing = missing_actor_types(metadata, self.actor_types)
        waited, wedged, newly_wedged = self._observe(missing=bool(missing))
        if not missing:
            return True, "ready"
        reason = (
            f"the sidecar has not registered the workflow actor types {', '.join(missing)} "
            f"for {waited:.0f} s with our worker connected"
        )
        if not wedged:
            return False, reason
        if not self.heal:
            if newly_wedged:
                log.error("sidecar wedged: %s; restart it (healing is off)", reason)
            return False, reason + "; restart the sidecar"
        if newly_wedged:
            self._ask_to_restart(reason)
        return False, reason + "; it was asked to restart"

    def _observe(self, missing: bool) -> tuple[float, bool, bool]:
        """(seconds missing, wedged now, wedged now but not at the last observation)."""
        with self._lock:
            now = time.monotonic()
            waited = self._wedge.observe(missing, now)
            return waited, self._wedge.wedged(now), self._wedge.announce(now)

    def _ask_to_restart(self, reason: str) -> None:
        """A sidecar in this state never recovers by itself: ask it to exit, so that its
        supervisor starts a fresh one, which our worker reconnects to. Work in flight is
        durable in the state store and the scheduler; nothing is lost."""
        log.error("sidecar wedged: %s; asking it to shut down so it is restarted", reason)
        try:
            self.sidecar.request_shutdown()
        except httpx.HTTPError as exc:
            log.error("the wedged sidecar refused to shut down: %s", exc)
