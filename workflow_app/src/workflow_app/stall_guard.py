"""A durable watchdog for waits whose completion event the runtime may drop.

The fault test caught it: after Redis restarted mid-write, a retried activity was
recorded as scheduled but its outcome never reached the workflow ("Ignoring unexpected
taskFailed event"), so the workflow waited forever. Every wait in the workflows
therefore races one durable timer. When the timer fires and nothing finished since it
was armed, the pending tasks are issued again (activities are idempotent: same input,
same state keys); after `MAX_STALLS` such rounds in a row the workflow fails with a
reason rather than hang.

Workflow code: deterministic, no I/O. One timer is armed at a time per workflow and
reused across waits, so a workflow that finishes within the bound creates exactly one.

The bound travels in the workflow input, and an input without one turns the guard off:
that is how instances started before the guard replay unchanged. (Not
`ctx.is_patched`: with Dapr 1.18.2 a recorded patch drops the workflow's version name
from its history, so a v1 instance would replay as v2; the versioning test caught it.)
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from datetime import timedelta
from typing import Any

from dapr.ext.workflow import DaprWorkflowContext, when_all, when_any

MAX_STALLS = 3
# Tasks are waited on in at most this many groups. The runtime replays a workflow from
# its start on every event, and a wait over n pending tasks costs O(n) to set up; one
# wait per finished task made each replay O(n²) (250 page batches: 4 s of replay over a
# 500-page invoice). Groups make it O(n); progress then moves a group at a time.
GROUPS = 16

# Tasks of the SDK's durabletask core, which it does not export under a public name.
Task = Any
Reissue = Callable[[], Task] | None


class StalledError(RuntimeError):
    """Nothing finished for MAX_STALLS bounds in a row, even after issuing tasks again."""


class Watchdog:
    """Arms a durable timer of `seconds` and tells a stall from a slow wait.

    A stall is a firing with no task finished since the timer was armed, so one is
    detected between one and two bounds after the last progress.
    """

    def __init__(self, ctx: DaprWorkflowContext, seconds: int | None) -> None:
        self._ctx = ctx
        self._seconds = seconds
        self._timer: Task | None = None
        self._progress = 0
        self._progress_when_armed = 0
        self._stalls = 0

    def timer(self, unclaimed: Callable[[], int] = lambda: 0) -> Task | None:
        """The armed timer (armed now if none is), or None when the guard is off.

        `unclaimed()` counts tasks finished but not yet reported through `progressed`.
        """
        if self._seconds is None:
            return None
        if self._timer is None:
            self._timer = self._ctx.create_timer(timedelta(seconds=self._seconds))
            self._progress_when_armed = self._progress + unclaimed()
        return self._timer

    def progressed(self, tasks: int = 1) -> None:
        self._progress += tasks
        self._stalls = 0

    def fired(self, unclaimed: Callable[[], int] = lambda: 0) -> bool:
        """Record that the timer won a wait; True if that was a stall."""
        self._timer = None
        if self._progress + unclaimed() != self._progress_when_armed:
            self._stalls = 0
            return False
        self._stalls += 1
        if self._stalls > MAX_STALLS:
            raise StalledError(
                f"no step finished for {MAX_STALLS} periods of {self._seconds} s "
                "even after issuing the pending ones again"
            )
        return True


def gather(
    watchdog: Watchdog,
    tasks: list[Task],
    reissue: list[Reissue],
    on_done: Callable[[range], None] = lambda _: None,
) -> Generator[Any, Any, list[Any]]:
    """Results of `tasks` in their order, collected a group at a time (see GROUPS).

    On a stall, each unfinished task `i` is replaced by `reissue[i]()` (None: keep
    waiting on it, for work that guards itself, like a child workflow). A failed task
    raises its error as soon as it fails. `on_done(indices)` runs as each group
    finishes (progress reports).
    """
    if len({again is None for again in reissue}) > 1:
        # A group is issued again as a whole: one waiting on a task that cannot be
        # reissued could not take new tasks beside it (the SDK lets a pending task
        # belong to one pending wait only).
        raise ValueError("reissue must be all callables or all None")
    tasks = list(tasks)
    size = max(1, -(-len(tasks) // GROUPS))
    members = {
        start: range(start, min(start + size, len(tasks))) for start in range(0, len(tasks), size)
    }
    pending = {start: when_all([tasks[i] for i in group]) for start, group in members.items()}
    results: list[Any] = [None] * len(tasks)

    def unclaimed() -> int:
        return sum(group.get_completed_tasks() for group in pending.values())

    while pending:
        timer = watchdog.timer(unclaimed)
        waits = list(pending.values()) + ([timer] if timer is not None else [])
        finished = yield when_any(waits)
        if timer is not None and finished is timer:
            if watchdog.fired(unclaimed):
                for start in pending:
                    pending[start] = _issued_again(members[start], tasks, reissue, pending[start])
            continue
        start = next(s for s, group in pending.items() if group is finished)
        values = finished.get_result()  # raises if one of the group's tasks failed
        del pending[start]
        watchdog.progressed(len(values))
        for index, value in zip(members[start], values, strict=True):
            results[index] = value
        on_done(members[start])
    return results


def _issued_again(group: range, tasks: list[Task], reissue: list[Reissue], waiting: Task) -> Task:
    """The group's unfinished tasks issued again, in order, and a wait over the group
    as it now stands; the same wait for work that guards itself (reissue None)."""
    unfinished = [index for index in group if not tasks[index].is_complete]
    if any(reissue[index] is None for index in unfinished):
        return waiting
    for index in unfinished:
        again = reissue[index]
        assert again is not None
        tasks[index] = again()
    return when_all([tasks[index] for index in group])


def one(watchdog: Watchdog, issue: Callable[[], Task]) -> Generator[Any, Any, Any]:
    """The result of a single task, issued again on a stall."""
    results = yield from gather(watchdog, [issue()], [issue])
    return results[0]
