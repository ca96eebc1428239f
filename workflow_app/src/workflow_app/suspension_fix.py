"""A fix for how the workflow SDK treats an instance while it is suspended.

While an instance is suspended, the SDK's executor (dapr-ext-workflow's durabletask
worker, `_is_suspendable`) holds back every new event until the resume, including the
runtime's confirmations of the instance's own actions (`taskScheduled`, `timerCreated`,
`childWorkflowInstanceCreated`). When a pause lands in the same batch as an activity's
result, the run that batch starts schedules the next activity; its confirmation is then
held back, so every later run while suspended (another result, a timer) schedules that
activity again, and the runtime records it again. At the resume, the second record
finds no matching action and the instance fails: "A previous execution called
call_activity with ID=3, but the current execution doesn't have this action". The
versioning test caught it once in a full compose run (pause right after the start);
a user pausing an invoice would too.

Confirmations only match what the instance already did and never advance it, so taking
them at once, suspended or not, is as deterministic as replaying them. Everything else
(results, timers fired, external events) is still held until the resume.
"""

from __future__ import annotations

from typing import Any

from dapr.ext.workflow._durabletask import worker as _worker

CONFIRMATIONS = frozenset({"taskScheduled", "timerCreated", "childWorkflowInstanceCreated"})
_held_by_the_sdk = _worker._is_suspendable


def _is_suspendable(event: Any) -> bool:
    return bool(_held_by_the_sdk(event)) and event.WhichOneof("eventType") not in CONFIRMATIONS


def apply() -> None:
    """Install the fix in the SDK's executor (idempotent); before the runtime starts."""
    _worker._is_suspendable = _is_suspendable
