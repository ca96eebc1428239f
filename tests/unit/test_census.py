"""Counting invoices for the /metrics gauges (the pure half of the census)."""

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from dapr.ext.workflow import WorkflowStatus

from workflow_app.census import Census

NOW = datetime(2026, 11, 29, 12, 0, 0)


@dataclass
class _State:
    runtime_status: WorkflowStatus
    last_updated_at: datetime
    serialized_custom_status: str | None = None


def _waiting_since(minutes: int) -> _State:
    since = NOW - timedelta(minutes=minutes)
    progress = {"stage": "awaiting_approval", "pages_done": 2, "updated_at": since.isoformat()}
    return _State(WorkflowStatus.RUNNING, since, json.dumps(progress))


def test_invoices_are_counted_by_status_and_the_longest_wait_is_kept():
    census = Census()
    for state in (
        _waiting_since(5),
        _waiting_since(50),
        _State(WorkflowStatus.RUNNING, NOW, json.dumps({"stage": "extracting"})),
        _State(WorkflowStatus.COMPLETED, NOW),
        _State(WorkflowStatus.FAILED, NOW),
    ):
        census.add(state, NOW)  # type: ignore[arg-type]
    assert census.by_status == {"RUNNING": 3, "COMPLETED": 1, "FAILED": 1}
    assert census.awaiting_approval == 2
    assert census.oldest_wait_seconds == 50 * 60


def test_a_finished_invoice_never_counts_as_waiting_whatever_its_last_stage():
    census = Census()
    progress = json.dumps({"stage": "awaiting_approval"})
    census.add(_State(WorkflowStatus.COMPLETED, NOW, progress), NOW)  # type: ignore[arg-type]
    assert census.awaiting_approval == 0 and census.oldest_wait_seconds == 0
