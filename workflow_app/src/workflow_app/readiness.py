"""Can this host start and advance workflows now? And healing a sidecar that never will."""

from __future__ import annotations

import logging
import threading
import time

import httpx

from invoice_shared.telemetry import untraced
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
        self._reported = False  # this episode was logged (healing off)
        self._lock = threading.Lock()  # /readyz and the host's watch both observe

    def check(self) -> tuple[bool, str]:
        """(ready, reason). Ready once the worker's stream is open, the actor runtime is
        placed and the sidecar has registered the workflow actor types."""
        with untraced():  # asked every second: not worth a trace each time
            return self._check()

    def _check(self) -> tuple[bool, str]:
        if self.start_error:
            return False, self.start_error
        if not self.connected.is_set():
            return False, "workflow runtime is still connecting to the sidecar"
        try:
            metadata = self.sidecar.metadata()
        except httpx.HTTPError as exc:
            # Down or restarting: whatever answers next is a new sidecar with a new clock.
            with self._lock:
                self._wedge.forget()
            return False, f"sidecar metadata unavailable: {exc}"
        actors = metadata.get("actorRuntime") or {}
        if actors.get("runtimeStatus") != "RUNNING":
            return False, f"actor runtime is {actors.get('runtimeStatus', 'unknown')}"
        placement = str(actors.get("placement", ""))
        if "connected" not in placement or "disconnected" in placement:
            return False, f"placement: {placement or 'unknown'}"
        missing = missing_actor_types(metadata, self.actor_types)
        with self._lock:
            now = time.monotonic()
            waited = self._wedge.observe(bool(missing), now)
            wedged = self._wedge.wedged(now)
            heal_due = self.heal and self._wedge.heal_now(now)
            gave_up = self._wedge.gave_up()
            first_report = wedged and not self._reported
            self._reported = wedged or (self._reported and bool(missing))
        if not missing:
            return True, "ready"
        reason = (
            f"the sidecar has not registered the workflow actor types ending "
            f"{', '.join(missing)} for {waited:.0f} s with our worker connected"
        )
        if heal_due:
            self._ask_to_restart(reason)
            return False, reason + "; it was asked to restart"
        if not self.heal and wedged:
            if first_report:
                log.error("sidecar wedged: %s; restart it (healing is off)", reason)
            return False, reason + "; restart the sidecar"
        if gave_up:
            return False, reason + "; restarting it did not help, see its log"
        return False, reason

    def _ask_to_restart(self, reason: str) -> None:
        """A sidecar in this state never recovers by itself: ask it to exit, so that its
        supervisor starts a fresh one, which our worker reconnects to. Work in flight is
        durable in the state store and the scheduler; nothing is lost."""
        log.error("sidecar wedged: %s; asking it to shut down so it is restarted", reason)
        try:
            self.sidecar.request_shutdown()
        except httpx.HTTPError as exc:
            log.error("the wedged sidecar refused to shut down: %s", exc)
