"""A Jaeger trace laid out as a waterfall (pure: no I/O, no clock).

Rows follow the span tree: each span comes after its parent, one level deeper, and
siblings (and the roots) in the order they started. Bars are placed in percent of the
whole trace, so the page needs no script to draw them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

Json = dict[str, Any]

# Span tags that carry a workflow instance id: the Python workflow SDK's activity spans,
# and the Dapr runtime's (durabletask-go's) orchestration and activity spans.
INSTANCE_ID_TAGS = (
    "dapr.ext.workflow._durabletask.task.instance_id",
    "durabletask.task.instance_id",
)
MAX_ROWS = 500  # a 100-page invoice is about 2,000 spans: more than a page can show usefully
MIN_BAR_PERCENT = 0.3  # a span of a few microseconds still shows as a sliver


@dataclass(frozen=True)
class Row:
    span_id: str
    depth: int
    service: str
    operation: str
    instance_id: str | None
    start_ms: float  # after the trace's first span started
    duration_ms: float
    left_percent: float
    width_percent: float
    failed: bool


@dataclass(frozen=True)
class Waterfall:
    trace_id: str
    rows: list[Row]
    span_count: int
    total_ms: float
    started_at: datetime | None
    orphans: int  # spans whose parent is not in the trace (yet)

    @property
    def truncated(self) -> bool:
        return len(self.rows) < self.span_count


def _tags(span: Json) -> dict[str, Any]:
    return {tag.get("key"): tag.get("value") for tag in span.get("tags") or []}


def instance_id_of(span: Json) -> str | None:
    tags = _tags(span)
    return next((str(tags[key]) for key in INSTANCE_ID_TAGS if tags.get(key)), None)


def _failed(span: Json) -> bool:
    tags = _tags(span)
    return str(tags.get("error", "")).lower() == "true" or tags.get("otel.status_code") == "ERROR"


def _parent_id(span: Json, known: dict[str, Json]) -> str | None:
    """The span's CHILD_OF parent, when that parent is in the trace."""
    for reference in span.get("references") or []:
        parent = reference.get("spanID")
        if reference.get("refType") == "CHILD_OF" and parent in known and parent != span["spanID"]:
            return str(parent)
    return None


def _tree_order(spans: dict[str, Json]) -> list[tuple[str, int]]:
    """(span id, depth), depth first, siblings by start time."""
    parents = {span_id: _parent_id(span, spans) for span_id, span in spans.items()}
    children: dict[str | None, list[str]] = defaultdict(list)
    for span_id, parent in parents.items():
        children[parent].append(span_id)

    def by_start(ids: list[str]) -> list[str]:
        return sorted(ids, key=lambda i: (spans[i].get("startTime", 0), i))

    order: list[tuple[str, int]] = []
    seen: set[str] = set()

    def walk(roots: list[str]) -> None:
        stack = [(span_id, 0) for span_id in reversed(by_start(roots))]
        while stack:
            span_id, depth = stack.pop()
            if span_id in seen:
                continue
            seen.add(span_id)
            order.append((span_id, depth))
            stack.extend((c, depth + 1) for c in reversed(by_start(children[span_id])))

    walk(children[None])
    # Spans whose references loop never reach a root; show them rather than lose them.
    walk([span_id for span_id in spans if span_id not in seen])
    return order


def layout(trace: Json, max_rows: int = MAX_ROWS) -> Waterfall:
    spans = {str(s["spanID"]): s for s in trace.get("spans") or [] if s.get("spanID")}
    processes = trace.get("processes") or {}
    if not spans:
        return Waterfall(str(trace.get("traceID", "")), [], 0, 0.0, None, 0)
    first = min(int(s.get("startTime", 0)) for s in spans.values())
    last = max(int(s.get("startTime", 0)) + int(s.get("duration", 0)) for s in spans.values())
    total_us = max(last - first, 1)
    rows = []
    for span_id, depth in _tree_order(spans)[:max_rows]:
        span = spans[span_id]
        start_us = int(span.get("startTime", 0)) - first
        duration_us = int(span.get("duration", 0))
        width = min(100.0, max(100.0 * duration_us / total_us, MIN_BAR_PERCENT))
        process = processes.get(span.get("processID"), {})
        rows.append(
            Row(
                span_id=span_id,
                depth=depth,
                service=str(process.get("serviceName", "?")),
                operation=str(span.get("operationName", "?")),
                instance_id=instance_id_of(span),
                start_ms=start_us / 1000,
                duration_ms=duration_us / 1000,
                # Pulled left when a sliver would overflow the track at the trace's end.
                left_percent=min(100.0 * start_us / total_us, 100.0 - width),
                width_percent=width,
                failed=_failed(span),
            )
        )
    orphans = sum(
        1
        for span in spans.values()
        if _parent_id(span, spans) is None
        and any(r.get("refType") == "CHILD_OF" for r in span.get("references") or [])
    )
    return Waterfall(
        trace_id=str(trace.get("traceID") or next(iter(spans.values())).get("traceID", "")),
        rows=rows,
        span_count=len(spans),
        total_ms=total_us / 1000,
        started_at=datetime.fromtimestamp(first / 1_000_000, tz=UTC),
        orphans=orphans,
    )
