"""The host, the services' stack and the bench peers read one policy, never a copy."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import yaml

from invoice_shared import policy
from invoice_shared.dapr_names import EXTRACT_ACTIVITY
from upload_service.config import Settings as UploadSettings
from workflow_app import planning
from workflow_app.config import Settings
from workflow_app.models import InvoiceWorkflowInput
from workflow_app.workflows import RETRY

REPO = Path(__file__).resolve().parents[2]
# The bench is a uv project of its own (Prefect, Temporal), not installed here: its
# sources are read, not imported.
BENCH = REPO / "benchmarks" / "src" / "invoice_bench"
# Names under which a number would be a copy of the policy.
POLICY_WORDS = re.compile(
    r"retr|attempt|backoff|interval|batch|direct|concurren|thread|worker|timeout_seconds"
    r"|step_timeout|to_close",
    re.IGNORECASE,
)


def _default(model: type, field: str) -> object:
    return model.model_fields[field].default


def test_the_dapr_retry_policy_is_the_shared_schedule():
    assert RETRY.max_number_of_attempts == policy.STEP_RETRY.attempts
    assert RETRY.first_retry_interval == policy.STEP_RETRY.first_interval
    assert RETRY.backoff_coefficient == policy.STEP_RETRY.backoff
    assert RETRY.max_retry_interval == policy.STEP_RETRY.max_interval
    first, factor = RETRY.first_retry_interval.total_seconds(), RETRY.backoff_coefficient
    longest = RETRY.max_retry_interval.total_seconds()
    delays = tuple(min(first * factor**n, longest) for n in range(RETRY.max_number_of_attempts - 1))
    assert delays == policy.STEP_RETRY.delays_s


def test_host_settings_and_workflow_input_default_to_the_same_policy():
    pairs = {
        ("page_batch_size", "batch_size"): policy.PAGE_BATCH_SIZE,
        ("max_direct_pages", "max_direct_pages"): policy.MAX_DIRECT_PAGES,
        ("approval_threshold", "approval_threshold"): policy.APPROVAL_THRESHOLD,
        ("approval_on_warnings", "approval_on_warnings"): policy.APPROVAL_ON_WARNINGS,
        ("approval_timeout_seconds", "approval_timeout_seconds"): policy.APPROVAL_TIMEOUT_SECONDS,
        ("approval_timeout_outcome", "approval_timeout_outcome"): policy.APPROVAL_TIMEOUT_OUTCOME,
    }
    for (setting, option), value in pairs.items():
        assert _default(Settings, setting) == value, setting
        assert _default(InvoiceWorkflowInput, option) == value, option


def test_new_invoices_bound_their_children_by_the_policy_and_old_inputs_have_no_bound():
    assert _default(Settings, "max_child_workflows") == policy.MAX_CHILD_WORKFLOWS
    assert _default(InvoiceWorkflowInput, "max_children") is None


def test_an_empty_children_bound_setting_means_no_bound(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("MAX_CHILD_WORKFLOWS", "")
    assert Settings().max_child_workflows is None


def test_host_limits_come_from_the_policy():
    assert _default(Settings, "service_timeout_seconds") == policy.SERVICE_TIMEOUT_SECONDS
    assert _default(Settings, "activity_workers") == policy.ACTIVITY_WORKERS
    assert _default(Settings, "max_upload_bytes") == policy.MAX_PDF_BYTES


def test_the_upload_service_refuses_the_size_the_host_refuses():
    assert _default(UploadSettings, "max_pdf_bytes") == policy.MAX_PDF_BYTES


def test_the_sidecars_cap_extraction_at_the_policy_limit():
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text(encoding="utf-8"))
    limits = config["spec"]["workflow"]["activityConcurrencyLimits"]
    assert {"name": EXTRACT_ACTIVITY, "maxConcurrent": policy.EXTRACT_CONCURRENCY_LIMIT} in limits


def test_the_workflows_batch_with_the_shared_rule():
    assert planning.plan_batches is policy.plan_batches


def _policy_imports(tree: ast.Module) -> set[str]:
    return {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "invoice_shared.policy"
        for alias in node.names
    }


def _bench(name: str) -> ast.Module:
    return ast.parse((BENCH / name).read_text(encoding="utf-8"))


def test_every_bench_peer_imports_its_retries_batching_and_limits_from_the_policy():
    expected = {
        "common.py": {"PAGE_BATCH_SIZE", "MAX_DIRECT_PAGES", "EXTRACT_CONCURRENCY_LIMIT"},
        "impl_asyncio.py": {"STEP_RETRY", "plan_batches", "ACTIVITY_WORKERS"},
        "impl_prefect.py": {
            "STEP_RETRY",
            "plan_batches",
            "ACTIVITY_WORKERS",
            "SERVICE_TIMEOUT_SECONDS",
        },
        "impl_temporal.py": {"ACTIVITY_WORKERS"},
        "impl_dbos.py": {
            "STEP_RETRY",
            "plan_batches",
            "ACTIVITY_WORKERS",
            "SERVICE_TIMEOUT_SECONDS",
        },
        "temporal_workflows.py": {"STEP_RETRY", "plan_batches", "SERVICE_TIMEOUT_SECONDS"},
    }
    for name, names in expected.items():
        assert names <= _policy_imports(_bench(name)), name


def _is_number(node: ast.expr) -> bool:
    """A literal number, a list or product of them, or a call on nothing but them
    (`timedelta(seconds=60)`)."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, int | float) and not isinstance(node.value, bool)
    if isinstance(node, ast.List | ast.Tuple):
        return bool(node.elts) and all(_is_number(e) for e in node.elts)
    if isinstance(node, ast.BinOp):
        return _is_number(node.left) and _is_number(node.right)
    if isinstance(node, ast.Call):
        values = [*node.args, *(k.value for k in node.keywords)]
        return bool(values) and all(_is_number(v) for v in values)
    return False


def _named_values(node: ast.AST) -> list[tuple[str, ast.expr]]:
    """What `node` binds a value to a name: assignments, keyword arguments, dict keys."""
    if isinstance(node, ast.Assign):
        return [(t.id, node.value) for t in node.targets if isinstance(t, ast.Name)]
    if isinstance(node, ast.AnnAssign) and node.value and isinstance(node.target, ast.Name):
        return [(node.target.id, node.value)]
    if isinstance(node, ast.keyword) and node.arg:
        return [(node.arg, node.value)]
    if isinstance(node, ast.Dict):
        return [
            (k.value, v)
            for k, v in zip(node.keys, node.values, strict=True)
            if isinstance(k, ast.Constant) and isinstance(k.value, str)
        ]
    return []


def test_no_bench_module_states_a_policy_number_or_rule_of_its_own():
    copies = []
    for path in sorted(BENCH.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name == "plan_batches":
                copies.append(f"{path.name}:{node.lineno} def plan_batches")
            for name, value in _named_values(node):
                if POLICY_WORDS.search(name) and _is_number(value):
                    copies.append(f"{path.name}:{value.lineno} {name} = {ast.unparse(value)}")
    assert copies == []


def test_the_temporal_retry_policy_is_built_from_the_shared_schedule():
    tree = _bench("temporal_workflows.py")
    (call,) = [
        node.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "RETRY" for t in node.targets)
        and isinstance(node.value, ast.Call)
    ]
    sources = {k.arg: ast.unparse(k.value) for k in call.keywords}
    assert sources == {
        "initial_interval": "STEP_RETRY.first_interval",
        "backoff_coefficient": "STEP_RETRY.backoff",
        "maximum_interval": "STEP_RETRY.max_interval",
        "maximum_attempts": "STEP_RETRY.attempts",
    }
