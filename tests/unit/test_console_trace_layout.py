"""An invoice's trace as a waterfall: the tree from references, the order of rows, where
bars go and how wide they are, and the cap on rows."""

from __future__ import annotations

from typing import Any

import pytest

from console_app.trace_layout import MIN_BAR_PERCENT, instance_id_of, layout

T0 = 1_780_000_000_000_000  # µs since the epoch
SDK_TAG = "dapr.ext.workflow._durabletask.task.instance_id"
RUNTIME_TAG = "durabletask.task.instance_id"


def span(
    span_id: str,
    start_ms: float,
    duration_ms: float,
    parent: str | None = None,
    ref_type: str = "CHILD_OF",
    process: str = "p1",
    operation: str | None = None,
    tags: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "traceID": "abc123",
        "spanID": span_id,
        "operationName": operation or f"op-{span_id}",
        "references": [{"refType": ref_type, "traceID": "abc123", "spanID": parent}]
        if parent
        else [],
        "startTime": T0 + int(start_ms * 1000),
        "duration": int(duration_ms * 1000),
        "tags": [{"key": k, "type": "string", "value": v} for k, v in (tags or {}).items()],
        "processID": process,
    }


def trace(*spans: dict[str, Any]) -> dict[str, Any]:
    return {
        "traceID": "abc123",
        "spans": list(spans),
        "processes": {
            "p1": {"serviceName": "workflow-app", "tags": []},
            "p2": {"serviceName": "extract-service", "tags": []},
        },
    }


def test_depth_comes_from_child_of_references_and_children_follow_their_parent():
    fall = layout(
        trace(
            span("root", 0, 100),
            span("b", 50, 10, parent="root"),
            span("a", 10, 30, parent="root"),
            span("a1", 12, 5, parent="a"),
        )
    )
    assert [(r.span_id, r.depth) for r in fall.rows] == [
        ("root", 0),
        ("a", 1),
        ("a1", 2),
        ("b", 1),
    ]


def test_siblings_and_roots_are_in_the_order_they_started_whatever_order_jaeger_sent():
    fall = layout(
        trace(
            span("late-root", 80, 5),
            span("root", 0, 60),
            span("third", 40, 1, parent="root"),
            span("first", 5, 1, parent="root"),
            span("second", 20, 1, parent="root"),
        )
    )
    assert [r.span_id for r in fall.rows] == ["root", "first", "second", "third", "late-root"]


def test_bars_are_placed_and_sized_in_percent_of_the_whole_trace():
    fall = layout(trace(span("root", 0, 200), span("child", 50, 100, parent="root")))
    child = fall.rows[1]
    assert fall.total_ms == 200.0
    assert (child.start_ms, child.duration_ms) == (50.0, 100.0)
    assert (child.left_percent, child.width_percent) == (25.0, 50.0)
    assert (fall.rows[0].left_percent, fall.rows[0].width_percent) == (0.0, 100.0)
    # The trace's extent counts every span, also one that ends after the first root.
    longer = layout(trace(span("root", 0, 100), span("tail", 150, 50, parent="root")))
    assert longer.total_ms == 200.0 and longer.rows[0].width_percent == 50.0


def test_an_instant_span_at_the_very_end_still_shows_inside_the_track():
    fall = layout(trace(span("root", 0, 100), span("blip", 100, 0, parent="root")))
    blip = fall.rows[1]
    assert blip.width_percent == MIN_BAR_PERCENT
    assert blip.left_percent + blip.width_percent == pytest.approx(100.0)


def test_a_span_whose_parent_has_not_reached_jaeger_is_shown_at_the_top_and_counted():
    # The orchestration span is published only when the workflow ends.
    fall = layout(
        trace(
            span("activity", 10, 5, parent="orchestration-not-yet"),
            span("call", 11, 2, parent="activity"),
        )
    )
    assert [(r.span_id, r.depth) for r in fall.rows] == [("activity", 0), ("call", 1)]
    assert fall.orphans == 1


def test_follows_from_does_not_nest_a_span():
    fall = layout(trace(span("root", 0, 10), span("later", 20, 5, "root", ref_type="FOLLOWS_FROM")))
    assert [r.depth for r in fall.rows] == [0, 0]
    assert fall.orphans == 0


def test_the_rows_stop_at_the_cap_and_the_waterfall_says_how_many_spans_there_were():
    spans = [span("root", 0, 1000)] + [
        span(f"s{n:04d}", 1 + n / 10, 1, parent="root") for n in range(600)
    ]
    fall = layout(trace(*spans), max_rows=500)
    assert len(fall.rows) == 500 and fall.span_count == 601 and fall.truncated
    assert fall.rows[0].span_id == "root" and fall.rows[-1].span_id == "s0498"
    assert not layout(trace(*spans[:10]), max_rows=500).truncated


def test_spans_whose_references_loop_are_still_shown_once():
    fall = layout(trace(span("x", 0, 5, parent="y"), span("y", 1, 5, parent="x")))
    assert sorted(r.span_id for r in fall.rows) == ["x", "y"]
    assert fall.span_count == 2


def test_each_row_has_its_service_its_instance_and_whether_it_failed():
    fall = layout(
        trace(
            span("act", 0, 10, operation="activity: x", tags={SDK_TAG: "INV-1:batch-0001"}),
            span("orch", 1, 5, tags={RUNTIME_TAG: "INV-1", "otel.status_code": "ERROR"}),
            span("svc", 2, 1, process="p2", tags={"error": True}),
        )
    )
    act, orch, svc = fall.rows
    assert (act.service, act.instance_id, act.failed) == (
        "workflow-app",
        "INV-1:batch-0001",
        False,
    )
    assert (orch.instance_id, orch.failed) == ("INV-1", True)
    assert (svc.service, svc.instance_id, svc.failed) == ("extract-service", None, True)
    assert act.operation == "activity: x"


def test_the_instance_id_is_read_from_either_tag_key():
    assert instance_id_of(span("a", 0, 1, tags={RUNTIME_TAG: "X"})) == "X"
    assert instance_id_of(span("a", 0, 1, tags={SDK_TAG: "Y"})) == "Y"
    assert instance_id_of(span("a", 0, 1)) is None


def test_an_empty_trace_has_no_rows():
    fall = layout({"traceID": "abc123", "spans": [], "processes": {}})
    assert fall.rows == [] and fall.span_count == 0 and fall.started_at is None


def test_the_trace_start_is_its_first_span_in_utc():
    fall = layout(trace(span("late", 30, 1), span("early", 10, 1)))
    assert fall.started_at is not None
    assert fall.started_at.timestamp() == pytest.approx((T0 + 10_000) / 1e6)
