"""Freeing parents caught in the runtime's parent/child lock cycle (see fanout_deadlock).

Every `interval` seconds the host looks at the running parents that have children. One
that saved nothing for `threshold` seconds while children exist that its history never
created, seen so at two sweeps in a row with nothing saved in between, is stuck: those
children are purged by force (state and reminders, without
their actors, which are the ones holding the locks), and the sidecar is asked to
restart, which is the only way to drop the locks. The fresh sidecar runs the parent's
pending step again; it creates the children anew, and with no child left to report
back meanwhile, the step completes and is saved. The parent keeps its id and history;
children and activities are idempotent, so its result is the same, and recorded once.

A purge goes around the children's actors, and one the sidecar still holds may save
again before the restart, over its purged state: metadata declaring a history that is
gone. The runtime neither loads nor recreates such a child, so the parent would wait
for it for good. The sweeps after a repair look for its purged children in that state
and purge them again, which the fresh sidecar, holding no actor of theirs, does for
good (a forced purge of a state that does not load needs our runtime patch,
runtime/patches/dapr-force-purge-damaged.patch).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping
from datetime import UTC, datetime

import grpc
from dapr.ext.workflow import WorkflowState, WorkflowStatus

from workflow_app.engine_api import WorkflowEngine
from workflow_app.fanout_deadlock import (
    Sighting,
    children_by_parent,
    lost_its_history,
    quiet_for_long,
    unrecorded_children,
)
from workflow_app.sidecar import Sidecar
from workflow_app.state_reads import read_history

log = logging.getLogger(__name__)

STUCK_STATUSES = (WorkflowStatus.RUNNING, WorkflowStatus.SUSPENDED)
# Between the two reads that find a purged child without its history.
RECHECK_SECONDS = 1.0


class FanoutRepair:
    def __init__(
        self,
        engine: WorkflowEngine,
        sidecar: Sidecar,
        threshold_seconds: float,
        restart_sidecar: bool,
    ) -> None:
        self._engine = engine
        self._sidecar = sidecar
        self._threshold = threshold_seconds
        self._restart_sidecar = restart_sidecar
        # A repaired parent gets time to save its step before it is looked at again.
        self._repaired_at: dict[str, float] = {}
        # Quiet parents with unrecorded children at the last sweep, to confirm at this one.
        self._suspects: dict[str, Sighting] = {}
        # Children purged, and when: watched for a save over the purge (_clear_damaged).
        self._purged: dict[str, float] = {}

    async def sweep(
        self, instance_ids: list[str], parents: Mapping[str, WorkflowState]
    ) -> list[str]:
        """Repair every stuck parent among `instance_ids`, whose states this sweep read
        (`parents`, see census.read_parents); their ids."""
        now_mono = time.monotonic()
        self._repaired_at = {
            parent: at
            for parent, at in self._repaired_at.items()
            if now_mono - at < 3 * self._threshold
        }
        self._purged = {
            child: at for child, at in self._purged.items() if now_mono - at < 3 * self._threshold
        }
        await self._clear_damaged(set(instance_ids))
        repaired: list[str] = []
        grouped = children_by_parent(instance_ids)
        suspects, self._suspects = self._suspects, {}
        try:
            for parent, children in grouped.items():
                if parent in self._repaired_at:
                    continue
                try:
                    await self._repair_if_stuck(
                        parent, parents.get(parent), children, suspects, repaired
                    )
                except Exception:  # one parent's failed read must not stop the others
                    log.exception("could not look at parent %s; the next sweep looks again", parent)
        finally:
            # Purged children of a parent whose locks are not dropped would wait for good.
            if repaired:
                await self._drop_locks(repaired)
        return repaired

    async def _repair_if_stuck(
        self,
        parent: str,
        state: WorkflowState | None,
        children: list[str],
        suspects: dict[str, Sighting],
        repaired: list[str],
    ) -> None:
        """Purge a confirmed stuck parent's stray children; it joins `repaired` before
        the first purge, so that its locks are dropped even if a purge fails."""
        sighting = await self._sighting(parent, state, children)
        if sighting is None:
            return
        self._suspects[parent] = sighting
        earlier = suspects.get(parent)
        stray = earlier.confirmed_by(sighting) if earlier else []
        if not stray:
            return
        # Once more just before purging: the history as it is now, not as the sweep read it.
        now_unrecorded = unrecorded_children(stray, await read_history(self._engine, parent))
        if now_unrecorded != stray:
            return
        del self._suspects[parent]
        self._repaired_at[parent] = time.monotonic()
        repaired.append(parent)
        # All at once: the sooner the sidecar restarts after them, the fewer of these
        # children the actors it holds can save over their purge (see _clear_damaged).
        purges = await asyncio.gather(
            *(self._engine.force_purge(child) for child in stray), return_exceptions=True
        )
        self._purged.update(dict.fromkeys(stray, time.monotonic()))
        failed = [error for error in purges if isinstance(error, BaseException)]
        if failed:
            raise failed[0]
        log.error(
            "parent %s saved nothing for over %.0f s while %d of its children exist "
            "that its history never created (the runtime's parent/child lock cycle); "
            "purged them so that it creates them again: %s",
            parent,
            self._threshold,
            len(stray),
            ", ".join(stray),
        )

    async def _clear_damaged(self, existing: set[str]) -> None:
        """Purge again each purged child that was saved over its purge (see above)."""
        for child in sorted(existing & self._purged.keys()):
            try:
                if not await self._lost_its_history(child):
                    continue
                await self._engine.force_purge(child)
            except Exception:  # the sidecar may be restarting; the next sweep looks again
                log.exception("could not clear child %s; the next sweep looks again", child)
                continue
            del self._purged[child]
            log.error(
                "child %s was saved over its purge by the actor a sidecar still held, "
                "declaring history that is gone; purged it again so that its parent "
                "creates it anew",
                child,
            )

    async def _lost_its_history(self, child: str) -> bool:
        """Whether two reads apart both fail for history the child declares and lacks: a
        child created anew meanwhile reads well."""
        for attempt in range(2):
            if attempt:
                await asyncio.sleep(RECHECK_SECONDS)
            try:
                await self._engine.history(child)
            except grpc.aio.AioRpcError as exc:
                if not lost_its_history(exc.details() or ""):
                    return False
            else:
                return False
        return True

    async def _sighting(
        self, parent: str, state: WorkflowState | None, children: list[str]
    ) -> Sighting | None:
        """The parent's last save and unrecorded children, if it is quiet and has any."""
        # Suspended parents too: one paused mid-dispatch is caught the same way, and
        # then holds its lock against the resume.
        if state is None or state.runtime_status not in STUCK_STATUSES:
            return None
        # The SDK hands out naive datetimes in UTC.
        now = datetime.now(UTC).replace(tzinfo=None)
        if not quiet_for_long(state.last_updated_at, now, self._threshold):
            return None
        stray = unrecorded_children(children, await read_history(self._engine, parent))
        return Sighting(state.last_updated_at, frozenset(stray)) if stray else None

    async def _drop_locks(self, parents: list[str]) -> None:
        if not self._restart_sidecar:
            log.error(
                "restart this host's sidecar so that %s can go on (healing is off)",
                ", ".join(parents),
            )
            return
        log.error("asking the sidecar to restart, to drop the locks held for %s", parents)
        try:
            await asyncio.to_thread(self._sidecar.request_shutdown)
        except Exception:  # it may be going down already; the next sweep looks again
            log.exception("the sidecar did not accept the shutdown request")
