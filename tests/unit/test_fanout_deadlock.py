"""Recognising a parent stuck in the runtime's parent/child lock cycle (pure half)."""

from datetime import datetime, timedelta

from workflow_app.fanout_deadlock import (
    Sighting,
    children_by_parent,
    quiet_for_long,
    recorded_children,
    unrecorded_children,
)
from workflow_app.planning import child_instance_id


def _created(child: str) -> dict:
    return {"kind": "childWorkflowInstanceCreated", "details": {"instanceId": child}}


def test_children_are_grouped_under_the_parent_their_id_names():
    ids = [
        "INV-1",
        child_instance_id("INV-1", 1),
        child_instance_id("INV-1", 2),
        "INV-2",
        child_instance_id("INV:3", 1),  # a colon in an invoice id is not a child
        "INV:3",
    ]
    assert children_by_parent(ids) == {
        "INV-1": ["INV-1:batch-0001", "INV-1:batch-0002"],
        "INV:3": ["INV:3:batch-0001"],
    }


def test_only_creations_recorded_in_the_history_count():
    history = [
        {"kind": "executionStarted", "details": {"name": "invoice_workflow"}},
        {"kind": "taskScheduled", "details": {"name": "split_pdf_activity"}},
        _created("P:batch-0001"),
        {"kind": "childWorkflowInstanceCompleted", "details": {"taskScheduledId": 3}},
    ]
    assert recorded_children(history) == {"P:batch-0001"}


def test_children_the_parent_never_recorded_are_the_stray_ones():
    existing = ["P:batch-0003", "P:batch-0001", "P:batch-0002"]
    assert unrecorded_children(existing, [_created("P:batch-0002")]) == [
        "P:batch-0001",
        "P:batch-0003",
    ]
    everything_recorded = [_created(child) for child in existing]
    assert unrecorded_children(existing, everything_recorded) == []


def test_a_parent_is_quiet_only_past_the_threshold():
    saved = datetime(2026, 11, 29, 11, 10, 55)
    assert not quiet_for_long(saved, saved + timedelta(seconds=90), 90)
    assert quiet_for_long(saved, saved + timedelta(seconds=91), 90)


def test_a_sighting_is_confirmed_only_by_the_same_save_and_no_new_child():
    saved = datetime(2026, 1, 1, 12, 0, 0)
    first = Sighting(saved, frozenset({"P:batch-0001", "P:batch-0002"}))
    assert first.confirmed_by(Sighting(saved, frozenset({"P:batch-0002"}))) == ["P:batch-0002"]
    later_save = Sighting(datetime(2026, 1, 1, 12, 5, 0), first.children)
    assert first.confirmed_by(later_save) == []
    new_child = Sighting(saved, first.children | {"P:batch-0003"})
    assert first.confirmed_by(new_child) == []
