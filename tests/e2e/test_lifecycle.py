"""Every lifecycle transition through the REST API, on the real stack: approve, reject,
time out, pause, resume, terminate, purge, list, history and rerun."""

from __future__ import annotations

import json
import time

import pytest

from invoice_gen import generate_invoice
from workflow_app.extraction_keys import extraction_keys

from .helpers import moment, unique_id, wait_for
from .stack import RunningStack
from .stack_config import APPROVAL_TIMEOUT_SECONDS, LINE_ITEMS_INLINE_BYTES

APPROVE = {"approved": True, "approver": "alice@example.com", "comment": "checked"}


def _start(stack: RunningStack, prefix: str, *, needs_approval: bool, pages: int = 2) -> str:
    """Start an invoice; `needs_approval` picks one whose totals disagree (a warning)."""
    invoice_id = unique_id(prefix)
    pdf = generate_invoice(
        seed=40 + pages, pages=pages, invoice_id=invoice_id, inconsistent=needs_approval
    ).pdf
    (stack.inputs / f"{invoice_id}.pdf").write_bytes(pdf)
    with stack.client() as client:
        response = client.post(
            "/api/workflows/invoice",
            json={"invoice_id": invoice_id, "pdf_path": f"e2e-tests/{invoice_id}.pdf"},
        )
    assert response.status_code == 202, response.text
    return invoice_id


def _event(stack: RunningStack, invoice_id: str, body: object, name: str = "approval") -> int:
    with stack.client() as client:
        return client.post(f"/api/workflows/{invoice_id}/raise-event/{name}", json=body).status_code


def test_an_invoice_with_warnings_waits_and_an_approval_completes_it(stack: RunningStack):
    invoice_id = _start(stack, "APPROVE", needs_approval=True)
    waiting = wait_for(stack, invoice_id, stage="awaiting_approval", status="RUNNING")
    # What the person deciding sees: why, and for how much (also in the detailed list).
    asked = waiting["approval_request"]
    assert "warning" in asked["reason"] and asked["total"] is not None
    with stack.client() as client:
        rows = client.get("/api/workflows", params={"details": "true"}).json()
    row = next(r for r in rows if r["instance_id"] == invoice_id)
    assert (row["stage"], row["total"], row["approval_reason"]) == (
        "awaiting_approval",
        asked["total"],
        asked["reason"],
    )
    assert _event(stack, invoice_id, APPROVE) == 202
    view = stack.wait_for_end(invoice_id)
    approval = view["result"]["approval"]
    assert view["status"] == "COMPLETED"
    assert (approval["status"], approval["approver"], approval["comment"]) == (
        "approved",
        "alice@example.com",
        "checked",
    )
    assert "warning" in approval["reason"]
    assert moment(approval["decided_at"]) >= moment(view["started_at"])


def test_a_rejection_is_recorded_with_who_rejected(stack: RunningStack):
    invoice_id = _start(stack, "REJECT", needs_approval=True)
    wait_for(stack, invoice_id, stage="awaiting_approval")
    assert _event(stack, invoice_id, {**APPROVE, "approved": False, "comment": "no PO"}) == 202
    approval = stack.wait_for_end(invoice_id)["result"]["approval"]
    assert (approval["status"], approval["comment"]) == ("rejected", "no PO")


def test_an_unanswered_invoice_is_escalated_when_the_timer_fires(stack: RunningStack):
    invoice_id = _start(stack, "TIMEOUT", needs_approval=True)
    wait_for(stack, invoice_id, stage="awaiting_approval")
    view = stack.wait_for_end(invoice_id, timeout=APPROVAL_TIMEOUT_SECONDS + 30)
    approval = view["result"]["approval"]
    assert (view["status"], approval["status"], approval["approver"]) == (
        "COMPLETED",
        "escalated",
        None,
    )
    assert f"no decision within 0:00:{APPROVAL_TIMEOUT_SECONDS}" in approval["reason"]


def test_a_clean_invoice_is_approved_automatically(stack: RunningStack):
    invoice_id = _start(stack, "AUTO", needs_approval=False)
    view = stack.wait_for_end(invoice_id)
    assert view["result"]["approval"]["status"] == "auto_approved"


def test_a_malformed_approval_is_refused_with_422(stack: RunningStack):
    invoice_id = _start(stack, "BADAPPROVAL", needs_approval=True)
    wait_for(stack, invoice_id, stage="awaiting_approval")
    assert _event(stack, invoice_id, {"approved": "perhaps"}) == 422
    assert _event(stack, invoice_id, APPROVE) == 202
    assert stack.wait_for_end(invoice_id)["result"]["approval"]["status"] == "approved"


def test_pause_holds_an_instance_and_resume_lets_it_finish(stack: RunningStack):
    invoice_id = _start(stack, "PAUSE", needs_approval=True)
    wait_for(stack, invoice_id, stage="awaiting_approval")
    with stack.client() as client:
        assert client.post(f"/api/workflows/{invoice_id}/pause").status_code == 200
        wait_for(stack, invoice_id, status="SUSPENDED")
        assert client.post(f"/api/workflows/{invoice_id}/pause").status_code == 409
        # An event sent while suspended waits for the resume.
        assert _event(stack, invoice_id, APPROVE) == 202
        time.sleep(1.0)
        assert client.get(f"/api/workflows/{invoice_id}").json()["status"] == "SUSPENDED"
        assert client.post(f"/api/workflows/{invoice_id}/resume").status_code == 200
        assert stack.wait_for_end(invoice_id)["result"]["approval"]["status"] == "approved"
        assert client.post(f"/api/workflows/{invoice_id}/resume").status_code == 409


def test_terminate_ends_an_instance_and_only_finished_ones_can_be_purged(stack: RunningStack):
    invoice_id = _start(stack, "TERM", needs_approval=True, pages=3)
    wait_for(stack, invoice_id, stage="awaiting_approval")
    with stack.client() as client:
        assert client.delete(f"/api/workflows/{invoice_id}").status_code == 409
        assert client.post(f"/api/workflows/{invoice_id}/terminate").status_code == 200
        assert stack.wait_for_end(invoice_id)["status"] == "TERMINATED"
        assert client.post(f"/api/workflows/{invoice_id}/terminate").status_code == 409
        assert _event(stack, invoice_id, APPROVE) == 409
        assert client.get(f"/api/workflows/{invoice_id}:batch-0001").status_code == 200
        assert client.delete(f"/api/workflows/{invoice_id}").status_code == 204
        assert client.get(f"/api/workflows/{invoice_id}").status_code == 404
        # Purge is recursive: the children are gone too.
        assert client.get(f"/api/workflows/{invoice_id}:batch-0001").status_code == 404


def test_the_list_shows_recent_instances_newest_first_and_filters_by_status(stack: RunningStack):
    first = _start(stack, "LIST", needs_approval=False)
    stack.wait_for_end(first)
    second = _start(stack, "LIST", needs_approval=True)
    wait_for(stack, second, stage="awaiting_approval")
    with stack.client() as client:
        listed = client.get("/api/workflows", params={"limit": 1000}).json()
        ids = [item["instance_id"] for item in listed]
        assert ids.index(second) < ids.index(first)
        assert all(":" not in i for i in ids)  # children only on request
        created = [moment(item["created_at"]) for item in listed]
        assert created == sorted(created, reverse=True)
        running = client.get("/api/workflows", params={"status": "RUNNING"}).json()
        assert second in [item["instance_id"] for item in running]
        assert first not in [item["instance_id"] for item in running]
        assert len(client.get("/api/workflows", params={"limit": 1}).json()) == 1
        assert client.get("/api/workflows", params={"status": "BOGUS"}).status_code == 422
    assert _event(stack, second, APPROVE) == 202
    stack.wait_for_end(second)


def test_history_shows_activities_the_approval_event_and_completion(stack: RunningStack):
    invoice_id = _start(stack, "HISTORY", needs_approval=True)
    wait_for(stack, invoice_id, stage="awaiting_approval")
    _event(stack, invoice_id, APPROVE)
    stack.wait_for_end(invoice_id)
    with stack.client() as client:
        events = client.get(f"/api/workflows/{invoice_id}/history").json()
    kinds = [e["kind"] for e in events]
    assert kinds[0] == "workflowStarted" or "executionStarted" in kinds
    for kind in ("taskScheduled", "taskCompleted", "timerCreated", "eventRaised"):
        assert kind in kinds, kind
    assert kinds[-1] == "executionCompleted"
    raised = next(e for e in events if e["kind"] == "eventRaised")
    assert raised["details"]["name"] == "approval"


def test_rerun_starts_a_new_instance_from_a_finished_ones_history(stack: RunningStack):
    source = _start(stack, "RERUNSRC", needs_approval=False)
    original = stack.wait_for_end(source)
    new_id = unique_id("RERUN")
    with stack.client() as client:
        refused = client.post(f"/api/workflows/{source}/rerun", json={"new_instance_id": source})
        assert refused.status_code == 409
        started = client.post(f"/api/workflows/{source}/rerun", json={"new_instance_id": new_id})
        assert started.status_code == 202, started.text
        assert started.json()["instance_id"] == new_id
    rerun = stack.wait_for_end(new_id)
    assert rerun["status"] == "COMPLETED"
    assert rerun["result"]["total"] == original["result"]["total"]
    assert rerun["result"]["line_items"] == original["result"]["line_items"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/terminate"),
        ("post", "/pause"),
        ("post", "/resume"),
        ("delete", ""),
        ("get", "/history"),
        ("post", "/raise-event/approval"),
    ],
)
def test_lifecycle_calls_on_an_unknown_instance_are_404(stack: RunningStack, method, path):
    with stack.client() as client:
        kwargs = {"json": APPROVE} if path.endswith("approval") else {}
        response = client.request(method, f"/api/workflows/NOPE-{time.time_ns()}{path}", **kwargs)
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_rerun_from_a_later_activity_keeps_the_earlier_history(stack: RunningStack):
    source = _start(stack, "RERUNMID", needs_approval=False)
    stack.wait_for_end(source)
    with stack.client() as client:
        events = client.get(f"/api/workflows/{source}/history").json()
        split = next(
            e
            for e in events
            if e["kind"] == "taskScheduled" and e["details"]["name"] == "split_pdf_activity"
        )
        new_id = unique_id("RERUNMID")
        body = {"new_instance_id": new_id, "from_event_id": split["event_id"]}
        assert client.post(f"/api/workflows/{source}/rerun", json=body).status_code == 202
        assert stack.wait_for_end(new_id)["status"] == "COMPLETED"
        rerun_kinds = [
            (e["kind"], e["details"].get("name"))
            for e in client.get(f"/api/workflows/{new_id}/history").json()
        ]
        # upload was not run again: its completion was copied, it is scheduled only once.
        assert rerun_kinds.count(("taskScheduled", "upload_pdf_activity")) == 1
        # A well-formed request naming an event the history does not have: a conflict.
        bad = {"new_instance_id": unique_id("RERUNBAD"), "from_event_id": 99999}
        refused = client.post(f"/api/workflows/{source}/rerun", json=bad)
        assert (refused.status_code, refused.json()["error"]) == (409, "invalid_rerun")


def test_purging_an_invoice_also_deletes_its_page_extractions(stack: RunningStack):
    invoice_id = _start(stack, "PURGEKEYS", needs_approval=False, pages=3)
    stack.wait_for_end(invoice_id)
    with stack.client() as client, stack.sidecar_client() as sidecar:
        keys = extraction_keys(client.get(f"/api/workflows/{invoice_id}/history").json())
        assert len(keys) == 3  # one per page, found through the child workflows' results

        def stored(key: str) -> bool:
            return sidecar.get(f"/v1.0/state/statestore/{key}").status_code == 200

        assert all(stored(key) for key in keys)
        assert client.delete(f"/api/workflows/{invoice_id}").status_code == 204
        assert not any(stored(key) for key in keys)


def test_a_long_invoices_line_items_live_beside_its_history_and_go_with_its_purge(
    stack: RunningStack,
):
    """Items beyond LINE_ITEMS_INLINE_BYTES are kept in the state store, their key in the
    history; the API answers with them in place, and a purge deletes them."""
    invoice_id = _start(stack, "LONGITEMS", needs_approval=False, pages=6)
    truth = generate_invoice(seed=46, pages=6, invoice_id=invoice_id).truth
    expected = truth.model_dump(mode="json")["line_items"]
    assert len(json.dumps(expected)) > LINE_ITEMS_INLINE_BYTES  # else this tests nothing
    view = stack.wait_for_end(invoice_id)
    assert view["status"] == "COMPLETED", view
    assert view["result"]["line_items"] == expected
    with stack.client() as client, stack.sidecar_client() as sidecar:
        history = client.get(f"/api/workflows/{invoice_id}/history").json()
        results = [
            json.loads(e["details"]["result"]) for e in history if e["kind"] == "taskCompleted"
        ]
        (aggregated,) = [r for r in results if isinstance(r, dict) and "line_items" in r]
        assert aggregated["line_items"] == []
        key = aggregated["line_items_state_key"]
        assert sidecar.get(f"/v1.0/state/statestore/{key}").json() == expected
        assert client.delete(f"/api/workflows/{invoice_id}").status_code == 204
        assert sidecar.get(f"/v1.0/state/statestore/{key}").status_code == 204
