"""Tells the requests waiting on an instance that its workflow function just returned here.

The sidecar's watch on an instance breaks whenever the runtime deactivates the instance's
actor mid-run, and it is attached again only a second later (state_reads.py says when and
why), so a short invoice often ends unwatched: a 10-page invoice's answer came 0.1-0.15 s
after its last event, at the next status read. This host runs the workflow functions, so
it knows first: when one returns or fails outside a replay, the GETs waiting here on that
instance read its state at once. With several hosts, a GET served by another host than the
one that ran the last step falls back to the watch and the status reads.

An observer only: nothing here feeds back into the workflow, so replays stay deterministic.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import threading
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from typing import Any

from dapr.ext.workflow import DaprWorkflowContext

Workflow = Callable[[DaprWorkflowContext, Any], Generator[Any, Any, Any]]
log = logging.getLogger(__name__)


class LocalEnds:
    """Waiters by instance id; `ended` may be called from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiters: dict[str, set[tuple[asyncio.AbstractEventLoop, asyncio.Event]]] = {}

    @contextmanager
    def watch(self, instance_id: str) -> Iterator[asyncio.Event]:
        """An event set once `instance_id` ends in this process from now on (an end
        before it is for the status reads to find)."""
        waiter = (asyncio.get_running_loop(), asyncio.Event())
        with self._lock:
            self._waiters.setdefault(instance_id, set()).add(waiter)
        try:
            yield waiter[1]
        finally:
            with self._lock:
                waiters = self._waiters.get(instance_id)
                if waiters is not None:
                    waiters.discard(waiter)
                    if not waiters:
                        del self._waiters[instance_id]

    def ended(self, instance_id: str) -> None:
        with self._lock:
            waiters = list(self._waiters.get(instance_id, ()))
        for loop, event in waiters:
            try:
                loop.call_soon_threadsafe(event.set)
            except RuntimeError:  # that waiter's loop closed meanwhile: nobody to tell
                continue


LOCAL_ENDS = LocalEnds()


def observed(workflow: Workflow, ends: LocalEnds = LOCAL_ENDS) -> Workflow:
    """`workflow`, telling `ends` when it returns or fails in a run that is not a replay."""

    # Not the function's __dict__: the SDK marks registered functions there.
    @functools.wraps(workflow, updated=())
    def run(ctx: DaprWorkflowContext, payload: Any) -> Generator[Any, Any, Any]:
        try:
            result = yield from workflow(ctx, payload)
        except Exception:
            _tell(ends, ctx)
            raise
        _tell(ends, ctx)
        return result

    return run


def _tell(ends: LocalEnds, ctx: DaprWorkflowContext) -> None:
    """Whatever happens here must not reach the workflow: its outcome is recorded next."""
    if ctx.is_replaying:
        return
    try:
        ends.ended(ctx.instance_id)
    except Exception:
        log.exception("telling the waiting requests that %s ended failed", ctx.instance_id)
