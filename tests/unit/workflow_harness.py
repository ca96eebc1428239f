"""A small stand-in for DaprWorkflowContext that drives our workflow generators.

Activities and children complete immediately with what the test's handlers return;
the composite tasks (when_all, when_any) are the SDK's own, so the fan-out and
progress logic runs exactly as it does under the real engine.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from dapr.ext.workflow._durabletask import task as dt
from dapr.ext.workflow._durabletask.internal import helpers

from workflow_app.models import Progress

Handler = Callable[[Any], Any]


@dataclass
class Call:
    kind: str  # "activity" or "child"
    name: str
    input: Any
    retry_policy: Any
    instance_id: str | None = None


@dataclass
class FakeContext:
    instance_id: str
    activities: dict[str, Handler]
    workflows: dict[str, Callable[..., Any]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    statuses: list[Progress] = field(default_factory=list)
    is_replaying: bool = False
    current_utc_datetime: datetime = field(
        default_factory=lambda: datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    )

    def call_activity(self, name: str, *, input: Any = None, retry_policy: Any = None) -> dt.Task:
        self.calls.append(Call("activity", name, input, retry_policy))
        return _completed(lambda: self.activities[name](input))

    def call_child_workflow(
        self, name: str, *, input: Any = None, instance_id: str | None = None,
        retry_policy: Any = None,
    ) -> dt.Task:  # fmt: skip
        self.calls.append(Call("child", name, input, retry_policy, instance_id))
        child = FakeContext(
            instance_id or "child",
            self.activities,
            self.workflows,
            timers_fire=self.timers_fire,
        )

        def run_child() -> Any:
            result = run_workflow(self.workflows[name], child, input)
            self.calls.extend(child.calls)
            return result

        return _completed(run_child)

    # External events waiting to be received, in order; whether durable timers fire.
    events: list[Any] = field(default_factory=list)
    timers_fire: bool = False

    def wait_for_external_event(self, name: str) -> dt.Task:
        self.calls.append(Call("event", name, None, None))
        task: dt.CompletableTask[Any] = dt.CompletableTask()
        if self.events:
            task.complete(self.events.pop(0))
        return task

    def create_timer(self, fire_at: datetime | timedelta) -> dt.Task:
        if isinstance(fire_at, timedelta):  # the SDK adds its clock to a delay
            fire_at = self.current_utc_datetime + fire_at
        self.calls.append(Call("timer", fire_at.isoformat(), None, None))
        task: dt.CompletableTask[Any] = dt.CompletableTask()
        if self.timers_fire:
            task.complete(None)
        return task

    def set_custom_status(self, status: str) -> None:
        self.statuses.append(Progress.model_validate(json.loads(status)))


# A handler returns NEVER for a call whose outcome the runtime drops: its task never
# completes (what the stall guard is for).
NEVER = object()


def _completed(produce: Callable[[], Any]) -> dt.Task:
    task: dt.CompletableTask[Any] = dt.CompletableTask()
    try:
        result = produce()
        if result is NEVER:
            return task
        task.complete(result)
    except Exception as exc:  # the engine records a failed task, not a crash
        task.fail(str(exc), helpers.new_failure_details(exc))
    return task


def run_workflow(workflow: Callable[..., Any], ctx: FakeContext, payload: Any) -> Any:
    """Drive `workflow` to its end; failed tasks raise into it as the engine does."""
    gen = workflow(ctx, payload)
    try:
        pending = next(gen)
        while True:
            if not pending.is_complete:
                raise Stalled(pending)
            if pending.is_failed:
                pending = gen.throw(pending.get_exception())
            else:
                pending = gen.send(pending.get_result())
    except StopIteration as stop:
        return stop.value


class Stalled(Exception):
    """The workflow waits on something the test did not provide (an event, a timer)."""
