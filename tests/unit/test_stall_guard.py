"""The stall guard: a wait whose outcome the runtime dropped is issued again, a slow one
is not, and a workflow that cannot progress fails with a reason instead of hanging."""

from __future__ import annotations

from collections.abc import Generator
from datetime import timedelta
from typing import Any

import pytest
from dapr.ext.workflow._durabletask import task as dt
from dapr.ext.workflow._durabletask.internal import helpers

from invoice_shared.dapr_names import EXTRACT_ACTIVITY
from workflow_app.stall_guard import GROUPS, MAX_STALLS, StalledError, Watchdog, gather
from workflow_app.workflows import invoice_workflow, page_batch_workflow

from .test_workflows import REQUEST, _context, _page
from .workflow_harness import NEVER, Stalled, run_workflow


class Clockwork:
    """Just enough of a workflow context for the watchdog: timers the test fires."""

    def __init__(self) -> None:
        self.timers: list[dt.CompletableTask[Any]] = []

    def create_timer(self, delay: timedelta) -> dt.CompletableTask[Any]:
        assert delay == timedelta(seconds=60)
        self.timers.append(dt.CompletableTask())
        return self.timers[-1]


class Driver:
    """Runs a `gather` generator one yield at a time, as the engine would."""

    def __init__(self, gen: Generator[Any, Any, list[Any]]) -> None:
        self.gen = gen
        self.waiting: dt.Task = next(gen)
        self.result: list[Any] | None = None

    def settle(self) -> None:
        """Resume the generator while the task it waits on is complete."""
        while self.result is None and self.waiting.is_complete:
            try:
                self.waiting = self.gen.send(self.waiting.get_result())
            except StopIteration as stop:
                self.result = stop.value


def _tasks(n: int) -> list[dt.CompletableTask[Any]]:
    return [dt.CompletableTask() for _ in range(n)]


def test_a_wait_that_progressed_is_not_reissued_and_a_stalled_one_is():
    ctx = Clockwork()
    first, second = _tasks(2)
    reissued: list[dt.CompletableTask[Any]] = []

    def again() -> dt.CompletableTask[Any]:
        reissued.append(dt.CompletableTask())
        return reissued[-1]

    driver = Driver(gather(Watchdog(ctx, 60), [first, second], [again, again]))  # type: ignore[arg-type]
    first.complete("one")
    driver.settle()
    ctx.timers[0].complete(None)  # fires after progress: only re-armed
    driver.settle()
    assert reissued == [] and len(ctx.timers) == 2
    ctx.timers[1].complete(None)  # nothing finished since: the pending task again
    driver.settle()
    assert len(reissued) == 1 and len(ctx.timers) == 3
    reissued[0].complete("two")
    driver.settle()
    assert driver.result == ["one", "two"]


def test_a_late_outcome_of_the_original_task_still_counts():
    ctx = Clockwork()
    (slow,) = _tasks(1)
    driver = Driver(gather(Watchdog(ctx, 60), [slow], [lambda: dt.CompletableTask()]))  # type: ignore[arg-type]
    ctx.timers[0].complete(None)
    driver.settle()
    # Re-issued; the new task never answers, the old one does: the guard waits on the new.
    slow.complete("late")
    driver.settle()
    assert driver.result is None


def test_work_that_guards_itself_is_waited_on_not_reissued():
    ctx = Clockwork()
    (child,) = _tasks(1)
    driver = Driver(gather(Watchdog(ctx, 60), [child], [None]))  # type: ignore[arg-type]
    ctx.timers[0].complete(None)
    driver.settle()
    child.complete(["refs"])
    driver.settle()
    assert driver.result == [["refs"]]


def test_stalls_in_a_row_fail_the_workflow_with_a_reason():
    ctx = Clockwork()
    (stuck,) = _tasks(1)
    driver = Driver(gather(Watchdog(ctx, 60), [stuck], [lambda: dt.CompletableTask()]))  # type: ignore[arg-type]
    for n in range(MAX_STALLS):
        ctx.timers[n].complete(None)
        driver.settle()
    with pytest.raises(StalledError, match="no step finished for 3 periods of 60 s"):
        ctx.timers[MAX_STALLS].complete(None)
        driver.settle()


def test_no_timer_when_the_input_has_no_bound_as_before_the_guard_existed():
    ctx = Clockwork()
    (task,) = _tasks(1)
    driver = Driver(gather(Watchdog(ctx, None), [task], [None]))  # type: ignore[arg-type]
    task.complete("done")
    driver.settle()
    assert driver.result == ["done"] and ctx.timers == []


def _dropping_first_extract_of(page_number: int, ctx: Any) -> list[int]:
    """Make the first extraction of `page_number` never answer; returns its call count."""
    extract = ctx.activities[EXTRACT_ACTIVITY]
    calls: list[int] = []

    def dropping(page: dict[str, Any]) -> Any:
        if page["page_number"] == page_number:
            calls.append(page_number)
            if len(calls) == 1:
                return NEVER
        return extract(page)

    ctx.activities[EXTRACT_ACTIVITY] = dropping
    return calls


@pytest.mark.parametrize("pages", [2, 5])  # direct fan-out, and inside a child batch
def test_an_invoice_whose_extraction_outcome_was_dropped_still_completes(pages: int):
    ctx = _context(pages)
    ctx.timers_fire = True
    calls = _dropping_first_extract_of(2, ctx)
    result = run_workflow(invoice_workflow, ctx, {**REQUEST, "stall_seconds": 60})
    assert calls == [2, 2]
    assert [item["description"] for item in result["line_items"]] == [
        f"p{n}" for n in range(1, pages + 1)
    ]


def test_without_a_bound_a_dropped_outcome_waits_as_before():
    ctx = _context(2)
    ctx.timers_fire = True
    _dropping_first_extract_of(2, ctx)
    with pytest.raises(Stalled):
        run_workflow(invoice_workflow, ctx, REQUEST)


def test_a_batch_whose_extraction_outcome_was_dropped_still_returns_every_page():
    ctx = _context(2)
    ctx.timers_fire = True
    calls = _dropping_first_extract_of(1, ctx)
    batch = {"invoice_id": "INV-1", "pages": [_page(1, 2), _page(2, 2)], "stall_seconds": 60}
    refs = run_workflow(page_batch_workflow, ctx, batch)
    assert calls == [1, 1] and [ref["page_number"] for ref in refs] == [1, 2]


def test_many_tasks_are_waited_on_in_groups_each_resumption_cheap():
    # A replay re-runs the whole wait, so it must not resume once per task over a list
    # of every pending one: 40 tasks are collected in at most GROUPS resumptions.
    ctx = Clockwork()
    tasks = _tasks(40)
    reported: list[int] = []
    gen = gather(Watchdog(ctx, 60), tasks, [None] * 40, lambda group: reported.extend(group))  # type: ignore[arg-type]
    driver = Driver(gen)
    resumptions = 0
    for n, task in enumerate(reversed(tasks)):
        task.complete(n)
        before = driver.waiting
        driver.settle()
        resumptions += driver.waiting is not before or driver.result is not None
    assert driver.result == list(range(39, -1, -1))
    assert resumptions <= GROUPS and sorted(reported) == list(range(40))


def test_a_failed_task_ends_the_wait_at_once_not_when_its_group_is_reached():
    ctx = Clockwork()
    tasks = _tasks(40)
    driver = Driver(gather(Watchdog(ctx, 60), tasks, [None] * 40))  # type: ignore[arg-type]
    tasks[-1].fail("boom", helpers.new_failure_details(RuntimeError("boom")))
    with pytest.raises(dt.TaskFailedError, match="boom"):
        driver.settle()  # task 0, in the first group, has not finished


def test_a_stall_counts_tasks_finished_inside_a_group_as_progress():
    ctx = Clockwork()
    tasks = _tasks(40)  # groups of 3: one finished task does not finish its group
    reissued: list[int] = []

    def again(index: int) -> Any:
        return lambda: reissued.append(index) or dt.CompletableTask()

    driver = Driver(gather(Watchdog(ctx, 60), tasks, [again(i) for i in range(40)]))  # type: ignore[arg-type]
    tasks[0].complete("one")
    ctx.timers[0].complete(None)  # a task finished since the timer was armed: no stall
    driver.settle()
    assert reissued == []
    ctx.timers[1].complete(None)  # nothing since: every unfinished task again
    driver.settle()
    assert reissued == list(range(1, 40))


def test_tasks_that_can_be_reissued_and_tasks_that_cannot_are_not_mixed():
    gen = gather(Watchdog(Clockwork(), 60), _tasks(2), [None, lambda: dt.CompletableTask()])  # type: ignore[arg-type, list-item]
    with pytest.raises(ValueError, match="all callables or all None"):
        next(gen)
