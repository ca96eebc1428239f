"""Where a bench run's time goes, in the Dapr runtime's own account: every sidecar's and
the scheduler's Prometheus counters read just before the run and just after, and the
difference summed into counts and mean latencies (the runtime records them in ms).

The pure part (`parse`, `difference`, `breakdown`, `render`) takes metric texts; `scrape`
reads them from a running stack.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import httpx

from invoice_stack.topology.ports import LOOPBACK, StackPorts
from invoice_stack.topology.processes import app_instances

# "name{labels} value": histograms' _sum and _count and counters' _total only.
_SAMPLE = re.compile(r"^(dapr_[a-z_]+?(?:_sum|_count|_total))(\{[^}]*\})?\s+(\S+)$")
_LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')

Series = dict[tuple[str, frozenset[tuple[str, str]]], float]


def parse(text: str) -> Series:
    series: Series = {}
    for line in text.splitlines():
        if match := _SAMPLE.match(line):
            labels = frozenset(_LABEL.findall(match.group(2) or ""))
            series[(match.group(1), labels)] = float(match.group(3))
    return series


def difference(before: Series, after: Series) -> Series:
    """What each series gained over the run (a series born during it counts from 0)."""
    return {key: value - before.get(key, 0.0) for key, value in after.items()}


@dataclass(frozen=True)
class Line:
    source: str  # the process that measured it
    what: str
    count: float
    mean_ms: float | None  # None for a counter


# (metric, label that splits it, what it is): read on every source that has it.
_HISTOGRAMS = (
    ("dapr_runtime_workflow_activity_execution_latency", "activity_name",
     "activity, scheduled to completed"),
    ("dapr_runtime_workflow_execution_latency", "workflow_name", "workflow, start to end"),
    ("dapr_runtime_workflow_scheduling_latency", "workflow_name",
     "workflow, requested to running"),
    ("dapr_runtime_workflow_operation_latency", "operation", "workflow operation"),
    ("dapr_runtime_workflow_activity_operation_latency", "operation", "activity operation"),
    ("dapr_runtime_service_invocation_res_recv_latency_ms", "src_app_id",
     "service invocation to"),
    ("dapr_http_client_roundtrip_latency", "status", "sidecar to its app, HTTP status"),
    ("dapr_component_state_latencies", "operation", "state store"),
    ("dapr_grpc_io_server_server_latency", "grpc_server_method", "gRPC served"),
    ("dapr_scheduler_trigger_latency", "type", "scheduler trigger, sent to acknowledged"),
)  # fmt: skip
_COUNTERS = (
    ("dapr_runtime_actor_reminders_fired_total", "actor_type", "reminders fired"),
    ("dapr_scheduler_jobs_created_total", "type", "scheduler jobs created"),
    ("dapr_scheduler_jobs_triggered_total", "type", "scheduler jobs triggered"),
)
# Calls that wait on purpose (a client's watch, the work-item stream) are not cost.
_WAITING = ("WaitForInstance", "GetWorkItems", "SubscribeTopicEvents", "WatchJobs", "Hello")


def _grouped(delta: Series, name: str, label: str) -> dict[str, float]:
    groups: dict[str, float] = {}
    for (metric, labels), value in delta.items():
        if metric == name:
            key = dict(labels).get(label, "")
            groups[key] = groups.get(key, 0.0) + value
    return groups


def breakdown(deltas: Mapping[str, Series]) -> list[Line]:
    """Every measured histogram and counter of interest that moved during the run."""
    lines = []
    for source, delta in deltas.items():
        for metric, label, what in _HISTOGRAMS:
            sums = _grouped(delta, f"{metric}_sum", label)
            for key, count in sorted(_grouped(delta, f"{metric}_count", label).items()):
                if count >= 1 and not any(w in key for w in _WAITING):
                    shown = key.rsplit("/", 1)[-1] or "(none)"
                    lines.append(Line(source, f"{what} {shown}", count, sums[key] / count))
        for metric, label, what in _COUNTERS:
            for key, count in sorted(_grouped(delta, metric, label).items()):
                if count >= 1:
                    lines.append(Line(source, f"{what}: {key.rsplit('.', 1)[-1]}", count, None))
    return lines


def render(
    lines: list[Line], invoices: int, pages: int, cpu_s: Mapping[str, float] | None = None
) -> str:
    """Markdown: CPU per process when given (largest first), then the runtime's lines."""
    cpu = ""
    if cpu_s:
        total = sum(cpu_s.values())
        cpu_rows = [
            f"| {name} | {seconds:.1f} | {1000 * seconds / pages:.1f} |"
            for name, seconds in sorted(cpu_s.items(), key=lambda item: -item[1])
            if seconds >= 0.05
        ]
        cpu = (
            "CPU of each process over the run (with its children: the extract service's "
            "pool):\n\n| Process | CPU s | ms per page |\n|---|---:|---:|\n"
            + "\n".join(cpu_rows)
            + f"\n| all | {total:.1f} | {1000 * total / pages:.1f} |\n\n"
        )
    rows = [
        f"| {line.source} | {line.what} | {line.count:,.0f} | {line.count / pages:.2f} | "
        + (f"{line.mean_ms:,.1f} |" if line.mean_ms is not None else "|")
        for line in lines
    ]
    return cpu + (
        f"The runtime's own metrics over the run ({invoices} invoices, {pages} pages): "
        "counts, counts per page, and mean latency.\n\n"
        "| Measured by | What | Count | Per page | Mean ms |\n|---|---|---:|---:|---:|\n"
        + "\n".join(rows)
        + "\n"
    )


def metric_ports(ports: StackPorts) -> dict[str, int]:
    """Every sidecar's metrics port under its process name, and the scheduler's."""
    sidecars = {f"{app.name}-dapr": app.ports.metrics for app in app_instances(ports)}
    return {**sidecars, "scheduler": ports.scheduler_metrics}


def scrape(ports: StackPorts) -> dict[str, Series]:
    """Every sidecar's and the scheduler's counters, now."""
    with httpx.Client(timeout=10.0) as client:
        return {
            name: parse(client.get(f"http://{LOOPBACK}:{port}/metrics").text)
            for name, port in metric_ports(ports).items()
        }
