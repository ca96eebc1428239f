"""What the pages show, computed from the host's JSON (pure: no I/O, no clock)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from invoice_shared.dapr_names import TERMINAL_STATUSES

Json = dict[str, Any]

# What an operator filters by: the runtime statuses, and the stage that needs a person.
FILTERS = ("RUNNING", "AWAITING_APPROVAL", "SUSPENDED", "COMPLETED", "FAILED", "TERMINATED")


def parse_time(value: str | None) -> datetime | None:
    """An ISO time; one without an offset (the host's list answers so) is UTC."""
    if not value:
        return None
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def age(since: datetime | None, now: datetime) -> str:
    """`42 s`, `5 min`, `3 h`, `2 d`: how long ago."""
    if since is None:
        return "-"
    seconds = max(0, int((now - since).total_seconds()))
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds // size} {unit}"
    return f"{seconds} s"


def display_status(view: Json) -> str:
    """The runtime status, with a running invoice that waits for a person called so."""
    if view.get("status") == "RUNNING" and view.get("stage") == "awaiting_approval":
        return "AWAITING_APPROVAL"
    return str(view.get("status", "UNKNOWN"))


def finished(view: Json) -> bool:
    """An instance that has ended: its page stops refreshing (a long invoice's answer is
    megabytes, read from the state store on every request)."""
    return view.get("status") in TERMINAL_STATUSES


def counts(statuses: list[str]) -> dict[str, int]:
    found = Counter(statuses)
    return {name: found.get(name, 0) for name in FILTERS}


# The time filter's choices: started within the last ...
PERIODS = {"1h": timedelta(hours=1), "24h": timedelta(days=1), "7d": timedelta(days=7)}


def since_cutoff(period: str | None, now: datetime) -> datetime | None:
    """The earliest start a row may have under `period` (None: any; unknown: any)."""
    span = PERIODS.get(period or "")
    return now - span if span else None


def matches(
    view: Json, status: str | None, query: str | None, after: datetime | None = None
) -> bool:
    if status and display_status(view) != status:
        return False
    if after is not None and (view.get("created_at") is None or view["created_at"] < after):
        return False
    return not query or query.lower() in str(view.get("instance_id", "")).lower()


@dataclass(frozen=True)
class Page:
    number: int
    count: int

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.count else None


def paginate(items: list[Any], number: int, size: int) -> tuple[list[Any], Page]:
    count = max(1, -(-len(items) // size))
    number = min(max(1, number), count)
    return items[(number - 1) * size : number * size], Page(number, count)


def page_grid(done: int, total: int | None) -> list[bool]:
    """One cell per page, filled as pages finish (the host counts pages, in any order)."""
    return [i < done for i in range(total or 0)]


def allowed_actions(status: str) -> list[str]:
    """The actions the instance's state allows, in the order the page offers them."""
    actions = []
    if status == "RUNNING":
        actions.append("pause")
    if status == "SUSPENDED":
        actions.append("resume")
    if status in ("RUNNING", "SUSPENDED", "PENDING"):
        actions.append("terminate")
    if status in TERMINAL_STATUSES:
        actions += ["rerun", "purge"]
    return actions


@dataclass(frozen=True)
class Bar:
    """One activity or child workflow on the timeline."""

    event_id: int  # its taskScheduled / childWorkflowInstanceCreated event
    kind: str  # "activity" or "child"
    name: str
    child_id: str | None
    input: Any
    start_s: float
    duration_s: float | None  # None: still running
    outcome: str  # "completed", "failed", "running"
    error: str | None
    attempt: int


@dataclass(frozen=True)
class Mark:
    """A timer or an external event on the timeline."""

    kind: str
    label: str
    at_s: float


@dataclass(frozen=True)
class Timeline:
    bars: list[Bar]
    marks: list[Mark]
    span_s: float

    def left(self, seconds: float) -> float:
        """Percent from the left for a point `seconds` after the start."""
        return 100.0 * seconds / self.span_s if self.span_s else 0.0


_STARTED = {"taskScheduled": "activity", "childWorkflowInstanceCreated": "child"}
_ENDED = {
    "taskCompleted": "completed",
    "taskFailed": "failed",
    "childWorkflowInstanceCompleted": "completed",
    "childWorkflowInstanceFailed": "failed",
}


def timeline(history: list[Json]) -> Timeline:
    """Bars from each scheduled step to its outcome, marks for timers and events."""
    times = [parse_time(e["timestamp"]) for e in history]
    start = min((t for t in times if t), default=None)

    def offset(index: int) -> float:
        moment = times[index]
        return (moment - start).total_seconds() if moment and start else 0.0

    ended: dict[int, tuple[str, float, str | None]] = {}
    for index, event in enumerate(history):
        outcome = _ENDED.get(event["kind"])
        if outcome:
            details = event["details"]
            failure = details.get("failureDetails") or {}
            ended[int(details.get("taskScheduledId", -1))] = (
                outcome,
                offset(index),
                failure.get("errorMessage"),
            )
    attempts: Counter[tuple[str, str]] = Counter()
    bars: list[Bar] = []
    marks: list[Mark] = []
    for index, event in enumerate(history):
        kind, details = event["kind"], event["details"]
        if kind in _STARTED:
            name = str(details.get("name", "?"))
            attempts[(name, str(details.get("input")))] += 1
            outcome, end, error = ended.get(event["event_id"], ("running", None, None))
            begin = offset(index)
            bars.append(
                Bar(
                    event_id=event["event_id"],
                    kind=_STARTED[kind],
                    name=name,
                    child_id=details.get("instanceId"),
                    input=details.get("input"),
                    start_s=begin,
                    duration_s=None if end is None else max(0.0, end - begin),
                    outcome=outcome,
                    error=error,
                    attempt=attempts[(name, str(details.get("input")))],
                )
            )
        elif kind in ("timerCreated", "timerFired"):
            marks.append(Mark(kind, "timer set" if kind == "timerCreated" else "timer fired",
                              offset(index)))  # fmt: skip
        elif kind == "eventRaised":
            marks.append(Mark(kind, f"event {details.get('name', '')}", offset(index)))
    ends = [b.start_s + (b.duration_s or 0.0) for b in bars] + [m.at_s for m in marks]
    return Timeline(bars, marks, max([*ends, 0.0]))


def failing_step(line: Timeline) -> Bar | None:
    """The last step that failed: what `Rerun from here` starts again."""
    failed = [bar for bar in line.bars if bar.outcome == "failed"]
    if not failed:
        return None
    last = failed[-1]
    # From its first attempt, so the rerun gets the step's whole retry budget again.
    first = next(b for b in line.bars if b.name == last.name and b.input == last.input)
    return Bar(**{**last.__dict__, "event_id": first.event_id})
