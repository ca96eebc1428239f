"""A pause that lands with an activity's result must not break the instance's replay.

Driven through the SDK's own executor with a history kept the way the runtime keeps it
(each action the executor returns is recorded as scheduled), so the test sees what the
sidecar would: the unfixed SDK schedules the next activity again while suspended and
fails at the resume; the fixed one schedules nothing until the resume and goes on.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from dapr.ext.workflow._durabletask import worker
from dapr.ext.workflow._durabletask.internal import helpers

from invoice_shared.dapr_names import INVOICE_WORKFLOW
from workflow_app import suspension_fix
from workflow_app.executor_harness import RecordedInstance, registry_for
from workflow_app.workflows import invoice_workflow_v1

INSTANCE = "PAUSED-1"
PAYLOAD = json.dumps({"invoice_id": INSTANCE, "pdf_path": "e2e-tests/x.pdf", "stall_seconds": 45})


class Instance:
    """A recorded instance whose runs report the actions they took, as strings."""

    def __init__(self) -> None:
        registry = registry_for(invoice_workflow_v1, INVOICE_WORKFLOW, "v1")
        self.recorded = RecordedInstance(registry, INSTANCE)

    def run(self, *inbox: Any) -> list[str]:
        done = []
        for action in self.recorded.run(*inbox).actions:
            kind = action.WhichOneof("workflowActionType")
            if kind == "scheduleTask":
                done.append(f"activity {action.id}")
            elif kind == "createTimer":
                done.append(f"timer {action.id}")
            elif kind == "createChildWorkflow":
                done.append(f"child {action.id}")
            else:
                failure = action.completeWorkflow.failureDetails.errorMessage
                done.append(f"ended: {failure}" if failure else "ended")
        return done


def _result(task_id: int, value: Any) -> Any:
    return helpers.new_task_completed_event(task_id, json.dumps(value))


SPLIT = {"pages": [{"page_number": n, "invoice_id": INSTANCE} for n in range(1, 16)]}


def _paused_with_the_upload_result() -> list[list[str]]:
    instance = Instance()
    return [
        instance.run(helpers.new_execution_started_event(INVOICE_WORKFLOW, INSTANCE, PAYLOAD)),
        # The upload's result and the pause in one batch: the split is scheduled (3).
        instance.run(_result(1, {"blob": "x"}), helpers.new_suspend_event()),
        instance.run(_result(3, SPLIT)),  # the split's result, while suspended
        instance.run(helpers.new_resume_event()),
    ]


@pytest.fixture
def unfixed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(worker, "_is_suspendable", suspension_fix._held_by_the_sdk)


@pytest.fixture
def fixed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(worker, "_is_suspendable", worker._is_suspendable)
    suspension_fix.apply()


def test_the_sdk_alone_schedules_again_while_suspended_and_fails_at_the_resume(unfixed):
    runs = _paused_with_the_upload_result()
    assert runs[1] == ["activity 3"]
    assert runs[2] == ["activity 3"]  # scheduled again: the runtime would run it twice
    assert "previous execution called call_activity with ID=3" in runs[3][0]


def test_with_the_fix_a_paused_instance_waits_and_goes_on_at_the_resume(fixed):
    runs = _paused_with_the_upload_result()
    assert runs[1] == ["activity 3"]
    assert runs[2] == []  # nothing while suspended
    assert runs[3] == [f"child {n}" for n in range(4, 12)]  # 15 pages: 8 children


def test_with_the_fix_a_pause_with_the_start_holds_the_instance_too(fixed):
    instance = Instance()
    started = helpers.new_execution_started_event(INVOICE_WORKFLOW, INSTANCE, PAYLOAD)
    assert instance.run(started, helpers.new_suspend_event()) == ["activity 1", "timer 2"]
    assert instance.run(_result(1, {"blob": "x"})) == []
    assert instance.run(helpers.new_resume_event()) == ["activity 3"]
