"""The bench's account of where Dapr's time goes: the runtime's metrics read before and
after a run, differenced and summed per activity, target and operation."""

from __future__ import annotations

from pathlib import Path

from invoice_shared.dapr_names import WORKFLOW_APP_ID
from invoice_stack.bench.runtime_profile import breakdown, difference, metric_ports, parse, render
from invoice_stack.tokens import StackTokens
from invoice_stack.topology import APP_IDS, StackLayout, build_processes
from invoice_stack.topology.ports import DEFAULT_PORTS, with_replicas

LAYOUT = StackLayout(
    repo=Path("/repo"), bin_dir=Path("/bin"), run_dir=Path("/run"), source_dir=Path("/src")
)
TOKENS = StackTokens.generate(APP_IDS, api_key="public-api-key-0123456789")

BEFORE = """\
# HELP dapr_runtime_workflow_activity_execution_latency The total time taken.
# TYPE dapr_runtime_workflow_activity_execution_latency histogram
dapr_runtime_workflow_activity_execution_latency_bucket{activity_name="extract",le="5"} 1
dapr_runtime_workflow_activity_execution_latency_sum{activity_name="extract",status="ok"} 100
dapr_runtime_workflow_activity_execution_latency_count{activity_name="extract",status="ok"} 2
dapr_runtime_actor_reminders_fired_total{actor_type="dapr.internal.default.app.activity"} 5
dapr_grpc_io_server_server_latency_sum{grpc_server_method="/T/WaitForInstanceCompletion"} 9
dapr_grpc_io_server_server_latency_count{grpc_server_method="/T/WaitForInstanceCompletion"} 1
go_memstats_sys_bytes 1e+07
"""
AFTER = """\
dapr_runtime_workflow_activity_execution_latency_sum{activity_name="extract",status="ok"} 400
dapr_runtime_workflow_activity_execution_latency_count{activity_name="extract",status="ok"} 6
dapr_runtime_workflow_activity_execution_latency_sum{activity_name="extract",status="err"} 50
dapr_runtime_workflow_activity_execution_latency_count{activity_name="extract",status="err"} 1
dapr_runtime_workflow_activity_execution_latency_sum{activity_name="split",status="ok"} 7
dapr_runtime_workflow_activity_execution_latency_count{activity_name="split",status="ok"} 0
dapr_runtime_actor_reminders_fired_total{actor_type="dapr.internal.default.app.activity"} 12
dapr_grpc_io_server_server_latency_sum{grpc_server_method="/T/WaitForInstanceCompletion"} 99
dapr_grpc_io_server_server_latency_count{grpc_server_method="/T/WaitForInstanceCompletion"} 3
go_memstats_sys_bytes 2e+07
"""


def test_only_the_runtimes_sums_counts_and_totals_are_read():
    series = parse(BEFORE)
    assert {name for name, _ in series} == {
        "dapr_runtime_workflow_activity_execution_latency_sum",
        "dapr_runtime_workflow_activity_execution_latency_count",
        "dapr_runtime_actor_reminders_fired_total",
        "dapr_grpc_io_server_server_latency_sum",
        "dapr_grpc_io_server_server_latency_count",
    }
    key = (
        "dapr_runtime_workflow_activity_execution_latency_sum",
        frozenset({("activity_name", "extract"), ("status", "ok")}),
    )
    assert series[key] == 100.0


def test_the_run_is_what_each_series_gained_and_its_label_sets_are_summed():
    lines = breakdown({"host-dapr": difference(parse(BEFORE), parse(AFTER))})
    by_what = {line.what: line for line in lines}
    extract = by_what["activity, scheduled to completed extract"]
    # ok: 4 more taking 300 ms; err: 1 new taking 50 ms
    assert (extract.count, extract.mean_ms) == (5.0, 70.0)
    assert by_what["reminders fired: activity"].count == 7.0
    assert by_what["reminders fired: activity"].mean_ms is None


def test_series_that_did_not_move_and_calls_that_wait_on_purpose_are_left_out():
    whats = {
        line.what for line in breakdown({"host-dapr": difference(parse(BEFORE), parse(AFTER))})
    }
    assert not any("split" in what for what in whats)
    assert not any("WaitForInstance" in what for what in whats)


def test_the_table_gives_counts_per_page():
    lines = breakdown({"host-dapr": difference(parse(BEFORE), parse(AFTER))})
    table = render(lines, invoices=1, pages=5)
    assert "| host-dapr | activity, scheduled to completed extract | 5 | 1.00 | 70.0 |" in table
    assert "| host-dapr | reminders fired: activity | 7 | 1.40 | |" in table


def test_cpu_per_process_comes_first_largest_first_with_the_total():
    table = render([], invoices=1, pages=10, cpu_s={"redis": 0.5, "workflow-app": 2.0, "idle": 0.0})
    assert table.index("| workflow-app | 2.0 | 200.0 |") < table.index("| redis | 0.5 | 50.0 |")
    assert "idle" not in table
    assert "| all | 2.5 | 250.0 |" in table


def test_every_sidecar_is_read_under_its_process_name_replicas_too():
    ports = with_replicas(DEFAULT_PORTS, {WORKFLOW_APP_ID: 2})
    read = metric_ports(ports)
    specs = {spec.name for spec in build_processes(LAYOUT, ports, TOKENS)}
    assert set(read) - {"scheduler"} == {name for name in specs if name.endswith("-dapr")}
    assert read["scheduler"] == ports.scheduler_metrics
