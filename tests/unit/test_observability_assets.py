"""The monitoring assets, checked offline: alert rules and their unit tests through
promtool, the Grafana dashboard's queries as PromQL Prometheus itself would run, every
metric name against what the sidecars and apps export, and the rendered prometheus.yml.

promtool comes with Debian's prometheus package; a machine without it fails here (never
skips), since a skipped check would pass broken rules."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from invoice_stack.observability.prometheus_config import render_prometheus_config
from invoice_stack.topology.telemetry import ALERT_RULES

REPO = Path(__file__).resolve().parents[2]
ALERTS = REPO / "observability" / "prometheus" / "alerts.yml"
ALERT_TESTS = REPO / "observability" / "prometheus" / "alerts.test.yml"
DASHBOARD = REPO / "observability" / "grafana" / "invoice-processing.json"

# What Dapr 1.18's sidecars export (OpenCensus views: no `_total` suffix) and what our
# apps export through prometheus-client. A name outside this list is a typo or a metric
# nobody exports, and its panel or alert would stay empty forever.
KNOWN_METRICS = frozenset(
    {
        "up",
        "dapr_runtime_workflow_execution_count",
        "dapr_runtime_workflow_execution_latency_bucket",
        "dapr_runtime_workflow_activity_execution_count",
        "dapr_runtime_workflow_activity_execution_latency_bucket",
        "dapr_runtime_workflow_scheduling_latency_bucket",
        "dapr_resiliency_cb_state",
        "dapr_http_server_request_count",
        "invoice_http_requests_total",
        "invoice_http_request_duration_seconds_bucket",
        "invoice_workflows_started_total",
        "invoice_instances",
        "invoice_awaiting_approval",
        "invoice_oldest_awaiting_approval_seconds",
        "invoice_approval_decisions_total",
        "invoice_pages_extracted_total",
        "invoice_page_extraction_seconds_bucket",
        "invoice_fields_total",
        "invoice_extractions_in_flight",
        "invoice_extraction_capacity",
    }
)

INSTALL_HINT = "promtool is missing: run `bash scripts/install-prometheus.sh`"


def promtool(*args: str | Path) -> str:
    """Runs promtool and returns its output; a non-zero exit fails the test with it."""
    executable = shutil.which("promtool")
    if executable is None:
        pytest.fail(INSTALL_HINT)
    done = subprocess.run(
        [executable, *map(str, args)], capture_output=True, text=True, timeout=120, check=False
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"promtool {' '.join(map(str, args))} failed:\n{output}"
    return output


def alert_rules() -> list[dict[str, Any]]:
    groups = yaml.safe_load(ALERTS.read_text())["groups"]
    return [rule for group in groups for rule in group["rules"]]


def dashboard() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(DASHBOARD.read_text())
    return loaded


def query_panels() -> list[dict[str, Any]]:
    # Rows only group panels on screen; every other panel must query something.
    return [panel for panel in dashboard()["panels"] if panel["type"] != "row"]


def dashboard_exprs() -> Iterator[tuple[str, str]]:
    """(where, expr) for every query of the dashboard."""
    for panel in query_panels():
        for target in panel.get("targets", []):
            yield f"panel {panel['id']} ({panel['title']}) {target.get('refId')}", target["expr"]


def every_expr() -> list[tuple[str, str]]:
    alerts = [(f"alert {rule['alert']}", rule["expr"]) for rule in alert_rules()]
    return alerts + list(dashboard_exprs())


# Parts of a PromQL expression that hold no metric name: strings (label values), label
# matchers, range and subquery windows, and the label lists of grouping and matching.
_NOT_NAMES = re.compile(
    r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|\{[^}]*\}|\[[^\]]*\]'
    r"|\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)"
)
_IDENTIFIER = re.compile(r"(?<![\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\()?")
_KEYWORDS = frozenset(
    {"and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring", "inf", "nan"}
)


def metric_names(expr: str) -> set[str]:
    """The metric names an expression selects; names followed by `(` are functions."""
    bare = _NOT_NAMES.sub(" ", expr)
    return {
        match.group(1)
        for match in _IDENTIFIER.finditer(bare)
        if match.group(2) is None and match.group(1).lower() not in _KEYWORDS
    }


# --- Alert rules -------------------------------------------------------------------


def test_promtool_check_rules_accepts_the_alert_rules() -> None:
    output = promtool("check", "rules", ALERTS)
    assert f"SUCCESS: {len(alert_rules())} rules found" in output


def test_promtool_runs_the_alert_unit_tests_and_they_all_pass() -> None:
    assert "SUCCESS" in promtool("test", "rules", ALERT_TESTS)


def test_the_alerts_are_the_five_the_system_needs_in_one_group() -> None:
    groups = yaml.safe_load(ALERTS.read_text())["groups"]
    assert [group["name"] for group in groups] == ["invoice-processing"]
    assert {rule["alert"] for rule in alert_rules()} == {
        "InvoiceFailureRateHigh",
        "InvoicesAwaitingApprovalTooLong",
        "CircuitBreakerOpen",
        "NoWorkflowProgress",
        "ScrapeTargetDown",
    }


def test_every_alert_waits_a_while_and_says_how_bad_and_what_happened() -> None:
    for rule in alert_rules():
        assert re.fullmatch(r"\d+[smh]", rule["for"]), rule["alert"]
        assert rule["labels"]["severity"] in {"warning", "critical"}, rule["alert"]
        assert rule["annotations"]["summary"] and rule["annotations"]["description"]


def test_every_alert_has_a_test_where_it_fires_and_one_where_it_stays_silent() -> None:
    cases = [
        case
        for test in yaml.safe_load(ALERT_TESTS.read_text())["tests"]
        for case in test.get("alert_rule_test", [])
    ]
    for rule in alert_rules():
        mine = [case for case in cases if case["alertname"] == rule["alert"]]
        assert any(case["exp_alerts"] for case in mine), f"{rule['alert']} never fires"
        assert any(not case["exp_alerts"] for case in mine), f"{rule['alert']} never silent"
        # Exact expectations: promtool compares annotations only when they are given.
        for case in mine:
            for expected in case["exp_alerts"]:
                assert expected["exp_labels"]["severity"] == rule["labels"]["severity"]
                assert set(expected["exp_annotations"]) == {"summary", "description"}


# --- Dashboard ---------------------------------------------------------------------


def test_every_dashboard_panel_has_a_unique_id_a_position_a_title_and_queries() -> None:
    panels = dashboard()["panels"]
    ids = [panel["id"] for panel in panels]
    assert len(ids) == len(set(ids)), "panel ids repeat"
    for panel in panels:
        assert panel["title"], panel["id"]
        assert {"h", "w", "x", "y"} <= set(panel["gridPos"]), panel["title"]
    for panel in query_panels():
        targets = panel.get("targets", [])
        assert targets, f"panel {panel['title']!r} queries nothing"
        for target in targets:
            assert target["expr"].strip() and target["refId"], panel["title"]
        ref_ids = [target["refId"] for target in targets]
        assert len(ref_ids) == len(set(ref_ids)), panel["title"]


def test_the_dashboard_reads_from_the_ds_prometheus_data_source_variable() -> None:
    board = dashboard()
    assert 36 <= board["schemaVersion"] <= 41
    assert [i["name"] for i in board["__inputs"]] == ["DS_PROMETHEUS"]
    variables = {v["name"]: v for v in board["templating"]["list"]}
    assert variables["DS_PROMETHEUS"]["type"] == "datasource"
    assert variables["DS_PROMETHEUS"]["query"] == "prometheus"
    for panel in query_panels():
        sources = [panel["datasource"], *(t["datasource"] for t in panel["targets"])]
        for source in sources:
            assert source == {"type": "prometheus", "uid": "${DS_PROMETHEUS}"}, panel["title"]


def test_promtool_accepts_every_dashboard_expression(tmp_path: Path) -> None:
    # promtool has no "check this query" command, but it parses every recording rule's
    # expression: one rule per panel query checks them all without a server.
    exprs = list(dashboard_exprs())
    rules = [
        {"record": f"dashboard:query_{number}", "expr": expr}
        for number, (_, expr) in enumerate(exprs)
    ]
    rules_file = tmp_path / "dashboard-queries.yml"
    rules_file.write_text(yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}))
    assert f"SUCCESS: {len(exprs)} rules found" in promtool("check", "rules", rules_file)


def test_no_expression_contains_a_grafana_variable() -> None:
    # `$` is not PromQL: $__rate_interval, $__interval or $job only mean something in
    # Grafana, and a query using one cannot be pasted into Prometheus or an alert.
    for where, expr in every_expr():
        assert "$" not in expr, f"{where} uses a Grafana variable: {expr}"


def test_the_dashboard_charts_every_exported_metric() -> None:
    used = set().union(*(metric_names(expr) for _, expr in dashboard_exprs()))
    assert used == KNOWN_METRICS, f"not on the dashboard: {sorted(KNOWN_METRICS - used)}"


# --- Metric names ------------------------------------------------------------------


def test_the_metric_name_parser_skips_functions_labels_windows_and_keywords() -> None:
    expr = (
        'histogram_quantile(0.95, sum by (le, app) (rate(a_bucket{app="x:y", le!="1e3"}[5m])))'
        " / on (app) group_left (route) b_total unless c offset 1h > 1e3 or d:ratio"
    )
    assert metric_names(expr) == {"a_bucket", "b_total", "c", "d:ratio"}


def test_every_metric_an_alert_or_dashboard_uses_is_one_that_is_exported() -> None:
    for where, expr in every_expr():
        names = metric_names(expr)
        assert names, f"{where}: no metric found in {expr}"
        assert names <= KNOWN_METRICS, f"{where} uses unknown {sorted(names - KNOWN_METRICS)}"


def test_the_alert_tests_feed_only_exported_metrics() -> None:
    for test in yaml.safe_load(ALERT_TESTS.read_text())["tests"]:
        for series in test["input_series"]:
            name = series["series"].split("{", 1)[0].strip()
            assert name in KNOWN_METRICS, f"{test['name']}: unknown {name}"


# --- prometheus.yml ----------------------------------------------------------------

JOBS = {
    "workflow-app": ["127.0.0.1:8080"],
    "extract-service": ["127.0.0.1:8103", "127.0.0.1:8113"],
    "dapr-sidecars": ["127.0.0.1:9090", "127.0.0.1:9091"],
    "dapr-control-plane": ["127.0.0.1:9095"],
}


def test_the_stack_loads_the_alert_rules_of_this_repo() -> None:
    assert REPO / ALERT_RULES == ALERTS


def test_the_rendered_config_passes_promtool_check_config(tmp_path: Path) -> None:
    config = tmp_path / "prometheus.yml"
    config.write_text(render_prometheus_config(JOBS, [ALERTS]))
    output = promtool("check", "config", config)
    assert "SUCCESS: 1 rule files found" in output


def test_the_rendered_config_scrapes_each_job_at_the_chosen_interval() -> None:
    config = yaml.safe_load(render_prometheus_config(JOBS, [ALERTS], 15))
    assert config["global"] == {
        "scrape_interval": "15s",
        "scrape_timeout": "15s",
        "evaluation_interval": "15s",
    }
    assert config["rule_files"] == [str(ALERTS)]
    scraped = {
        job["job_name"]: [t for static in job["static_configs"] for t in static["targets"]]
        for job in config["scrape_configs"]
    }
    assert scraped == JOBS
    assert {job["metrics_path"] for job in config["scrape_configs"]} == {"/metrics"}


@pytest.mark.parametrize(
    ("jobs", "rule_files", "interval"),
    [
        (JOBS, [Path("alerts.yml")], 5),
        ({"workflow-app": ["127.0.0.1"]}, [ALERTS], 5),
        ({"workflow-app": []}, [ALERTS], 5),
        (JOBS, [ALERTS], 0),
    ],
    ids=["relative rule file", "target without port", "job without targets", "zero interval"],
)
def test_the_renderer_refuses_what_prometheus_would_misread(
    jobs: dict[str, list[str]], rule_files: list[Path], interval: int
) -> None:
    with pytest.raises(ValueError):
        render_prometheus_config(jobs, rule_files, interval)
