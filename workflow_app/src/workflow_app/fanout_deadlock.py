"""Recognising a parent caught in Dapr 1.18.2's parent/child lock cycle (pure).

How it happens: a parent's run creates its page-batch children, and then fails before
saving its own history (the host restarted mid-dispatch, so some creations found no
workflow actor type). The children it did create run and finish. The parent's next run
creates them again while they are reporting back: the parent holds its own actor lock
while it waits for a child's, and the child holds its lock while it waits for the
parent's. Nothing in the runtime times out, so the parent stays RUNNING, forever
re-running the same step and never saving it (seen in tests/e2e/test_host_restarts.py:
one parent's history stopped at its split, while its children completed 13 times).

The sign: children exist that the parent's saved history never recorded creating, and
the parent has not saved anything for a long while. A parent that merely waits on slow
children has recorded them all. One reading is not enough: a parent that was quiet for
a while (a host restart's backoff) and runs its step just then has created its children
and not yet saved the history that records them, for a few milliseconds. Purging those
children failed an invoice in the host-restart test. So the sign must hold at two
sweeps, with the same last save, before anything is purged (see `Sighting`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from workflow_app.planning import CHILD_SEPARATOR


def children_by_parent(instance_ids: Iterable[str]) -> dict[str, list[str]]:
    """Child instance ids grouped under their parent's id ("<parent>:batch-NNNN")."""
    grouped: dict[str, list[str]] = {}
    for instance_id in instance_ids:
        parent, separator, _ = instance_id.partition(CHILD_SEPARATOR)
        if separator:
            grouped.setdefault(parent, []).append(instance_id)
    return grouped


def recorded_children(history: Iterable[dict[str, Any]]) -> set[str]:
    """Ids of the children a parent's saved history says it created."""
    return {
        str(event["details"].get("instanceId", ""))
        for event in history
        if event["kind"] == "childWorkflowInstanceCreated"
    }


def unrecorded_children(existing: Iterable[str], history: Iterable[dict[str, Any]]) -> list[str]:
    """Children that exist although the parent's saved history never created them."""
    recorded = recorded_children(history)
    return sorted(child for child in existing if child not in recorded)


@dataclass(frozen=True)
class Sighting:
    """What one sweep saw of a quiet parent: its last save and its unrecorded children."""

    last_saved: datetime
    children: frozenset[str]

    def confirmed_by(self, later: Sighting) -> list[str]:
        """The children unrecorded at both sweeps, if the parent saved nothing in between
        and created no other child meanwhile: one that saved its step, or is still
        creating its children (a long fan-out on a busy host), is not stuck."""
        if later.last_saved != self.last_saved or not later.children <= self.children:
            return []
        return sorted(later.children)


def lost_its_history(error_details: str) -> bool:
    """Whether a read failed because the instance's metadata declares history events the
    store does not have. A sidecar that still held a child's actor saved it over its
    forced purge (see fanout_repair): the runtime then neither loads nor recreates it.
    (Inbox keys go missing between two reads of a running instance, history keys never.)"""
    return "history key" in error_details and "declared in metadata" in error_details


def quiet_for_long(last_saved: datetime, now: datetime, threshold_seconds: float) -> bool:
    """Has the parent saved nothing for `threshold_seconds`? (Both times in UTC.)"""
    return now - last_saved > timedelta(seconds=threshold_seconds)
