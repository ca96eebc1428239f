"""The host tells waiting requests when a workflow function ends here (local_ends.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Generator
from typing import Any

import pytest

from workflow_app.local_ends import LocalEnds, observed


class Context:
    def __init__(self, instance_id: str, replaying: bool) -> None:
        self.instance_id, self.is_replaying = instance_id, replaying


class Recorder(LocalEnds):
    def __init__(self) -> None:
        super().__init__()
        self.told: list[str] = []

    def ended(self, instance_id: str) -> None:
        self.told.append(instance_id)
        super().ended(instance_id)


def two_steps(ctx: Any, payload: Any) -> Generator[Any, Any, Any]:
    first = yield "step-1"
    second = yield "step-2"
    if payload == "fail":
        raise RuntimeError("the aggregate failed")
    return [first, second]


def _drive(workflow: Any, ctx: Context, payload: Any) -> Any:
    """What the SDK's executor does: send each task's result until the function returns."""
    run = workflow(ctx, payload)
    assert next(run) == "step-1"
    assert run.send("a") == "step-2"
    try:
        run.send("b")
    except StopIteration as stop:
        return stop.value
    raise AssertionError("the workflow did not return")


def test_a_run_that_ends_the_instance_tells_and_keeps_the_result():
    ends = Recorder()
    assert _drive(observed(two_steps, ends), Context("INV-1", replaying=False), None) == ["a", "b"]
    assert ends.told == ["INV-1"]


def test_a_replay_tells_nothing():
    ends = Recorder()
    _drive(observed(two_steps, ends), Context("INV-1", replaying=True), None)
    assert ends.told == []


def test_a_failure_tells_and_is_raised_unchanged():
    ends = Recorder()
    with pytest.raises(RuntimeError, match="the aggregate failed"):
        _drive(observed(two_steps, ends), Context("INV-1", replaying=False), "fail")
    assert ends.told == ["INV-1"]


def test_a_run_that_stops_at_a_wait_tells_nothing():
    ends = Recorder()
    run = observed(two_steps, ends)(Context("INV-1", replaying=False), None)
    next(run)
    run.close()  # the executor drops a generator still waiting: no end
    assert ends.told == []


def test_the_wrapper_keeps_what_the_sdk_reads_and_not_its_registration_marks():
    two_steps.__dict__["_dapr_alternate_name"] = "two_steps"
    try:
        wrapped = observed(two_steps)
        assert wrapped.__name__ == "two_steps"
        assert wrapped.__annotations__ == two_steps.__annotations__
        assert "_dapr_alternate_name" not in wrapped.__dict__
    finally:
        del two_steps.__dict__["_dapr_alternate_name"]


def test_every_waiter_on_the_instance_is_woken_and_then_forgotten():
    async def scenario() -> tuple[bool, bool, bool]:
        ends = LocalEnds()
        with (
            ends.watch("INV-1") as first,
            ends.watch("INV-1") as second,
            ends.watch("INV-2") as other,
        ):
            await asyncio.to_thread(ends.ended, "INV-1")  # from the SDK's worker thread
            await asyncio.sleep(0)
            woken = (first.is_set(), second.is_set(), other.is_set())
        assert ends._waiters == {}
        return woken

    assert asyncio.run(scenario()) == (True, True, False)


class Broken(LocalEnds):
    def ended(self, instance_id: str) -> None:
        raise RuntimeError("Event loop is closed")


def test_a_notice_that_fails_never_reaches_the_workflow():
    assert _drive(observed(two_steps, Broken()), Context("INV-1", replaying=False), None) == [
        "a",
        "b",
    ]
    with pytest.raises(RuntimeError, match="the aggregate failed"):
        _drive(observed(two_steps, Broken()), Context("INV-1", replaying=False), "fail")


def test_a_waiter_whose_loop_has_closed_is_passed_over():
    ends = LocalEnds()
    loop = asyncio.new_event_loop()
    event = asyncio.Event()
    ends._waiters["INV-1"] = {(loop, event)}
    loop.close()
    ends.ended("INV-1")  # no error
    assert not event.is_set()
