"""A change to invoice_workflow made the safe way: versions of one workflow name.

v1 (no approval step) is what the host ran before v2 (approval) was deployed. An
instance started on v1 must finish on v1 after the host restarts with v2, and new
instances must take v2: changing v1's code in place instead would make the in-flight
instance's replay diverge from its history.
"""

from __future__ import annotations

import time

import httpx
import pytest

from invoice_gen import generate_invoice
from invoice_shared.dapr_names import WORKFLOW_APP_ID

from .helpers import unique_id, wait_for
from .stack import RunningStack

# Restarts the host with other code: after every other test.
pytestmark = pytest.mark.disruptive

HOST = WORKFLOW_APP_ID


def _redeploy(stack: RunningStack, latest: str) -> None:
    stack.owned("restarts the host with other code").restart(
        HOST, env={"INVOICE_WORKFLOW_LATEST": latest}
    )
    stack.wait_ready()  # connected to its sidecar and placement again


def _start(stack: RunningStack, prefix: str) -> str:
    # The inconsistent invoice carries a warning: v2 waits for approval, v1 cannot.
    invoice_id = unique_id(prefix)
    pdf = generate_invoice(seed=90, pages=15, invoice_id=invoice_id, inconsistent=True).pdf
    (stack.inputs / f"{invoice_id}.pdf").write_bytes(pdf)
    with stack.client() as client:
        body = {"invoice_id": invoice_id, "pdf_path": f"e2e-tests/{invoice_id}.pdf"}
        assert client.post("/api/workflows/invoice", json=body).status_code == 202
    return invoice_id


def _resume(stack: RunningStack, instance_id: str, patience: float = 150) -> None:
    """Resume as a client must. Paused mid-dispatch, the parent can be caught in the
    runtime's lock cycle (it was, in a full suite: the resume hung); the host frees it
    within FANOUT_REPAIR_SECONDS by restarting its sidecar, which fails the waiting call
    with a 503 saying to retry. A retry that finds it RUNNING means one got through."""
    deadline = time.monotonic() + patience
    retried = False
    with stack.client(timeout=60) as client:
        while True:
            try:
                status = client.post(f"/api/workflows/{instance_id}/resume").status_code
            except httpx.ReadTimeout:
                status = None
            if status == 200:
                return
            now = client.get(f"/api/workflows/{instance_id}").json()["status"]
            if status == 409 and retried and now == "RUNNING":
                return
            assert status in (503, None) and time.monotonic() < deadline, (status, now)
            retried = True
            time.sleep(1)


def test_an_instance_started_on_v1_finishes_on_v1_after_v2_is_deployed(stack: RunningStack):
    stack.owned("restarts the host with other code")
    try:
        _redeploy(stack, "v1")
        old = _start(stack, "VER-OLD")
        with stack.client() as client:
            # Hold it mid-flight while the new version is deployed.
            assert client.post(f"/api/workflows/{old}/pause").status_code == 200
        wait_for(stack, old, status="SUSPENDED")

        _redeploy(stack, "v2")
        new = _start(stack, "VER-NEW")
        _resume(stack, old)

        finished_old = stack.wait_for_end(old)
        assert finished_old["status"] == "COMPLETED", finished_old["error"]
        assert "approval" not in finished_old["result"]  # v1 logic: no approval step
        assert finished_old["result"]["warnings"]  # though v2 would have asked for one

        wait_for(stack, new, stage="awaiting_approval")  # v2 logic for the new instance
        with stack.client() as client:
            decision = {"approved": True, "approver": "v2@example.com"}
            assert (
                client.post(f"/api/workflows/{new}/raise-event/approval", json=decision).status_code
                == 202
            )
        assert stack.wait_for_end(new)["result"]["approval"]["status"] == "approved"
    finally:
        _redeploy(stack, "v2")
