"""The stock `dapr workflow` CLI against our stack, each effect checked through REST.

`dapr workflow history` is not here: CLI 1.16.5 (the newest the Go module proxy serves)
reads history through the actor state API, which runtime 1.18 refuses for workflow
actors (ERR_ACTOR_TYPE_RESERVED). GET /api/workflows/{id}/history serves it instead.
"""

from __future__ import annotations

import json

import pytest

from invoice_gen import generate_invoice
from invoice_shared.dapr_names import WORKFLOW_APP_ID

from .helpers import dapr, unique_id, wait_for
from .stack import RunningStack

# The stock CLI finds sidecars among this machine's processes and reads their flags
# (resources path, ports) as the host sees them: a self-hosted stack, not containers.
pytestmark = pytest.mark.self_hosted

APP = ["-a", WORKFLOW_APP_ID]


def _cli_start(stack: RunningStack, prefix: str, *, needs_approval: bool, **options: object) -> str:
    invoice_id = unique_id(prefix)
    pdf = generate_invoice(seed=61, pages=2, invoice_id=invoice_id, inconsistent=needs_approval)
    (stack.inputs / f"{invoice_id}.pdf").write_bytes(pdf.pdf)
    # Options travel in the workflow input: approval by amount off, warnings on.
    payload = {
        "invoice_id": invoice_id,
        "pdf_path": f"e2e-tests/{invoice_id}.pdf",
        "approval_threshold": None,
        "approval_on_warnings": True,
        **options,
    }
    out = dapr(stack, "run", "invoice_workflow", *APP, "-i", invoice_id, "-x", json.dumps(payload))
    assert invoice_id in out
    return invoice_id


def _view(stack: RunningStack, invoice_id: str) -> dict:
    with stack.client() as client:
        return client.get(f"/api/workflows/{invoice_id}").json()


def _wait_stage(stack: RunningStack, invoice_id: str, stage: str) -> None:
    wait_for(stack, invoice_id, stage=stage)


def test_cli_run_starts_an_invoice_that_completes(stack: RunningStack):
    invoice_id = _cli_start(stack, "CLIRUN", needs_approval=False)
    view = stack.wait_for_end(invoice_id)
    assert view["status"] == "COMPLETED", view["error"]
    assert view["result"]["approval"]["status"] == "auto_approved"


def test_cli_list_shows_instances_with_their_status(stack: RunningStack):
    invoice_id = _cli_start(stack, "CLILIST", needs_approval=False)
    stack.wait_for_end(invoice_id)
    out = dapr(stack, "list", *APP, "-c", stack.redis_url, "-o", "json")
    listed = {item["instanceID"]: item for item in json.loads(out)}
    assert listed[invoice_id]["runtimeStatus"] == "COMPLETED"
    assert listed[invoice_id]["name"] == "invoice_workflow"


def test_cli_suspend_resume_and_raise_event_drive_an_approval(stack: RunningStack):
    invoice_id = _cli_start(stack, "CLIAPPROVE", needs_approval=True)
    _wait_stage(stack, invoice_id, "awaiting_approval")
    dapr(stack, "suspend", invoice_id, *APP, "-r", "checking the vendor")
    assert _view(stack, invoice_id)["status"] == "SUSPENDED"
    dapr(stack, "resume", invoice_id, *APP)
    assert _view(stack, invoice_id)["status"] == "RUNNING"
    decision = {"approved": True, "approver": "cli@example.com", "comment": "via CLI"}
    dapr(stack, "raise-event", f"{invoice_id}/approval", *APP, "-x", json.dumps(decision))
    view = stack.wait_for_end(invoice_id)
    assert view["result"]["approval"]["approver"] == "cli@example.com"


def test_cli_terminate_then_purge_removes_the_instance(stack: RunningStack):
    invoice_id = _cli_start(stack, "CLITERM", needs_approval=True)
    _wait_stage(stack, invoice_id, "awaiting_approval")
    dapr(stack, "terminate", invoice_id, *APP)
    assert stack.wait_for_end(invoice_id)["status"] == "TERMINATED"
    dapr(stack, "purge", invoice_id, *APP)
    with stack.client() as client:
        assert client.get(f"/api/workflows/{invoice_id}").status_code == 404


def test_cli_rerun_runs_a_finished_instance_again_under_a_new_id(stack: RunningStack):
    source = _cli_start(stack, "CLIRERUN", needs_approval=False)
    original = stack.wait_for_end(source)
    new_id = unique_id("CLIRERUNNEW")
    with stack.client() as client:
        history = client.get(f"/api/workflows/{source}/history").json()
    first_activity = next(e["event_id"] for e in history if e["kind"] == "taskScheduled")
    dapr(stack, "rerun", source, *APP, "--new-instance-id", new_id, "-e", str(first_activity))
    rerun = stack.wait_for_end(new_id)
    assert rerun["status"] == "COMPLETED"
    assert rerun["result"]["total"] == original["result"]["total"]


def _list(stack: RunningStack) -> dict[str, dict]:
    out = dapr(stack, "list", *APP, "-c", stack.redis_url, "-o", "json")
    return {item["instanceID"]: item for item in json.loads(out)}


def test_cli_list_shows_progress_while_an_invoice_waits(stack: RunningStack):
    invoice_id = _cli_start(stack, "CLIPROGRESS", needs_approval=True)
    _wait_stage(stack, invoice_id, "awaiting_approval")
    listed = _list(stack)[invoice_id]
    assert listed["runtimeStatus"] == "RUNNING"
    progress = json.loads(listed["customStatus"])
    assert (progress["stage"], progress["pages_done"]) == ("awaiting_approval", 2)
    dapr(stack, "terminate", invoice_id, *APP)


def test_cli_raise_event_can_reject(stack: RunningStack):
    invoice_id = _cli_start(stack, "CLIREJECT", needs_approval=True)
    _wait_stage(stack, invoice_id, "awaiting_approval")
    decision = {"approved": False, "approver": "cli@example.com", "comment": "duplicate"}
    dapr(stack, "raise-event", f"{invoice_id}/approval", *APP, "-x", json.dumps(decision))
    approval = stack.wait_for_end(invoice_id)["result"]["approval"]
    assert (approval["status"], approval["comment"]) == ("rejected", "duplicate")


def test_a_cli_started_invoice_times_out_as_its_input_says(stack: RunningStack):
    invoice_id = _cli_start(
        stack,
        "CLITIMEOUT",
        needs_approval=True,
        approval_timeout_seconds=3,
        approval_timeout_outcome="rejected",
    )
    view = stack.wait_for_end(invoice_id)
    assert view["result"]["approval"]["status"] == "rejected"
    assert "no decision within 0:00:03" in view["result"]["approval"]["reason"]
    assert _list(stack)[invoice_id]["runtimeStatus"] == "COMPLETED"
