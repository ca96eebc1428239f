"""How many invoices are in each state, for the Prometheus gauges of /metrics.

The runtime keeps no counts, so the host reads them: every `sweep_interval` it lists
the instances and reads each parent's status (and, for running ones, its progress).
That costs one read per retained invoice; purge finished ones to keep it small.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

from dapr.ext.workflow import WorkflowState
from dapr.ext.workflow.aio import DaprWorkflowClient

from invoice_shared.metrics import AWAITING_APPROVAL, INSTANCES, OLDEST_AWAITING_APPROVAL
from workflow_app.planning import CHILD_SEPARATOR
from workflow_app.state_reads import read_state
from workflow_app.views import progress_of

# Statuses always exported, at 0 when none, so a panel shows a line rather than a gap.
STATUSES = ("RUNNING", "COMPLETED", "FAILED", "TERMINATED", "SUSPENDED", "PENDING")
_READS_AT_ONCE = 16


@dataclass
class Census:
    by_status: Counter[str] = field(default_factory=Counter)
    awaiting_approval: int = 0
    oldest_wait_seconds: float = 0.0

    def add(self, state: WorkflowState, now: datetime) -> None:
        """Count one parent (pure; `now` naive UTC, as the SDK's times are)."""
        status = state.runtime_status.name
        self.by_status[status] += 1
        progress = progress_of(state.serialized_custom_status) if status == "RUNNING" else None
        if progress is None or progress.stage != "awaiting_approval":
            return
        self.awaiting_approval += 1
        since = progress.updated_at or state.last_updated_at
        if since.tzinfo is not None:
            since = since.astimezone(UTC).replace(tzinfo=None)
        self.oldest_wait_seconds = max(self.oldest_wait_seconds, (now - since).total_seconds())

    def publish(self) -> None:
        for status in {*STATUSES, *self.by_status}:
            INSTANCES.labels(status=status).set(self.by_status[status])
        AWAITING_APPROVAL.set(self.awaiting_approval)
        OLDEST_AWAITING_APPROVAL.set(self.oldest_wait_seconds)


async def read_parents(
    client: DaprWorkflowClient, instance_ids: list[str]
) -> dict[str, WorkflowState]:
    """The state of every parent among `instance_ids` (those purged since the listing
    left out), read once per sweep for the census and the fan-out repair alike."""
    gate = asyncio.Semaphore(_READS_AT_ONCE)

    async def read(instance_id: str) -> WorkflowState | None:
        async with gate:
            state = await read_state(client, instance_id, fetch_payloads=False)
            # Progress (the stage) is a payload: read it for running invoices only, the
            # few among many finished ones whose results would be read for nothing.
            if state is not None and state.runtime_status.name == "RUNNING":
                state = await read_state(client, instance_id, fetch_payloads=True)
            return state

    parents = [i for i in instance_ids if CHILD_SEPARATOR not in i]
    states = await asyncio.gather(*(read(i) for i in parents))
    return {i: state for i, state in zip(parents, states, strict=True) if state is not None}


def take_census(parents: dict[str, WorkflowState]) -> Census:
    """Count the parents read this sweep."""
    census = Census()
    now = datetime.now(UTC).replace(tzinfo=None)
    for state in parents.values():
        census.add(state, now)
    return census
