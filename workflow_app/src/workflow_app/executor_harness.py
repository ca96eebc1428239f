"""The SDK's own executor, fed a history kept the way the runtime keeps it.

Every run replays the workflow from its start over the history so far plus the new
events, and every action it returns is recorded as the sidecar would record it
(scheduled, created). Used to measure replay cost (`replay_cost`) and, in the unit
tests, to reproduce orderings the runtime produces, with no sidecar involved.
"""

from __future__ import annotations

import functools
import json
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from dapr.ext.workflow import WorkflowRuntime
from dapr.ext.workflow._durabletask import worker
from dapr.ext.workflow._durabletask.internal import helpers
from dapr.ext.workflow._durabletask.internal.timer import new_timer_created_event

_START = datetime(2026, 1, 1, tzinfo=UTC)


@functools.cache
def registry_for(workflow: Callable[..., Any], name: str, version: str) -> Any:
    """The SDK's registry holding `workflow` (the SDK lets a function register once)."""
    runtime = WorkflowRuntime(host="127.0.0.1", port="1")
    runtime.register_versioned_workflow(workflow, name=name, version_name=version, is_latest=True)
    return runtime._WorkflowRuntime__worker._registry  # type: ignore[attr-defined]


class RecordedInstance:
    """One instance's history, grown run by run."""

    def __init__(self, registry: Any, instance_id: str) -> None:
        self.registry = registry
        self.instance_id = instance_id
        self.history: list[Any] = []
        self.children: list[tuple[int, dict[str, Any]]] = []  # (task id, input)
        self.runs = 0
        self.cpu_seconds = 0.0  # spent in the executor

    def run(self, *inbox: Any) -> Any:
        """Replay with `inbox` as the new events; returns the executor's result."""
        self.runs += 1
        started = helpers.new_workflow_started_event(_START + timedelta(seconds=self.runs))
        executor = worker._OrchestrationExecutor(self.registry, logging.getLogger(__name__))
        began = time.process_time()
        result = executor.execute(self.instance_id, list(self.history), [started, *inbox])
        self.cpu_seconds += time.process_time() - began
        if result.version_name:
            started.workflowStarted.version.name = result.version_name
        self.history += [started, *inbox]
        for action in result.actions:
            kind = action.WhichOneof("workflowActionType")
            if kind == "scheduleTask":
                task = action.scheduleTask
                event = helpers.new_task_scheduled_event(action.id, task.name, task.input.value)
            elif kind == "createTimer":
                event = new_timer_created_event(action.id, action.createTimer.fireAt)
            elif kind == "createChildWorkflow":
                child = action.createChildWorkflow
                event = helpers.new_child_workflow_created_event(
                    action.id, child.name, child.instanceId, child.input.value
                )
                self.children.append((action.id, json.loads(child.input.value)))
            else:
                continue
            self.history.append(event)
        return result
