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

from dapr.ext.workflow import DaprWorkflowContext, when_any

MAX_STALLS = 3

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

    def timer(self) -> Task | None:
        """The armed timer (armed now if none is), or None when the guard is off."""
        if self._seconds is None:
            return None
        if self._timer is None:
            self._timer = self._ctx.create_timer(timedelta(seconds=self._seconds))
            self._progress_when_armed = self._progress
        return self._timer

    def progressed(self) -> None:
        self._progress += 1
        self._stalls = 0

    def fired(self) -> bool:
        """Record that the timer won a wait; True if that was a stall."""
        self._timer = None
        if self._progress != self._progress_when_armed:
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
    on_done: Callable[[int], None] = lambda _: None,
) -> Generator[Any, Any, list[Any]]:
    """Results of `tasks` in their order, collected as each finishes.

    On a stall, task `i` is replaced by `reissue[i]()` (None: keep waiting on it, for
    work that guards itself, like a child workflow). A failed task raises its error.
    `on_done(i)` runs after each one finishes (progress reports).
    """
    results: list[Any] = [None] * len(tasks)
    pending = dict(enumerate(tasks))
    while pending:
        timer = watchdog.timer()
        waits = list(pending.values()) + ([timer] if timer is not None else [])
        finished = yield when_any(waits)
        if timer is not None and finished is timer:
            if watchdog.fired():
                for index in pending:
                    again = reissue[index]
                    if again is not None:
                        pending[index] = again()
            continue
        index = next(i for i, task in pending.items() if task is finished)
        results[index] = finished.get_result()  # raises if the task failed
        del pending[index]
        watchdog.progressed()
        on_done(index)
    return results


def one(watchdog: Watchdog, issue: Callable[[], Task]) -> Generator[Any, Any, Any]:
    """The result of a single task, issued again on a stall."""
    results = yield from gather(watchdog, [issue()], [issue])
    return results[0]
