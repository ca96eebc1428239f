"""The Grafana dashboard, checked without Grafana: after a small corpus (invoices that
complete, one that fails, one that waits for approval and one decided), every panel's
query runs against the stack's real Prometheus and returns data."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx

from invoice_gen import generate_invoice

from .helpers import start_generated, unique_id, wait_for
from .stack import RunningStack

DASHBOARD = Path(__file__).parents[2] / "observability" / "grafana" / "invoice-processing.json"
APPROVE = {"approved": True, "approver": "dashboards@example.com", "comment": "seen"}


def _queries() -> list[tuple[str, str]]:
    panels = json.loads(DASHBOARD.read_text())["panels"]
    return [(p["title"], t["expr"]) for p in panels for t in p.get("targets", [])]


def _start_file(stack: RunningStack, invoice_id: str, pdf: bytes) -> str:
    (stack.inputs / f"{invoice_id}.pdf").write_bytes(pdf)
    with stack.client() as client:
        body = {"invoice_id": invoice_id, "pdf_path": f"e2e-tests/{invoice_id}.pdf"}
        assert client.post("/api/workflows/invoice", json=body).status_code == 202
    return invoice_id


def _waiting_for_approval(stack: RunningStack, prefix: str) -> str:
    invoice_id = unique_id(prefix)
    pdf = generate_invoice(seed=61, pages=2, invoice_id=invoice_id, inconsistent=True).pdf
    started = _start_file(stack, invoice_id, pdf)
    wait_for(stack, started, stage="awaiting_approval", status="RUNNING")
    return started


def test_every_dashboard_query_returns_data_after_a_small_corpus(stack: RunningStack):
    assert stack.prometheus_url, "the stack runs without Prometheus"
    truths: dict = {}
    done = [start_generated(stack, n, truths, "DASH", pages=3) for n in range(3)]
    failed = _start_file(stack, unique_id("DASHFAIL"), b"this is not a PDF\n")
    decided = _waiting_for_approval(stack, "DASHDECIDED")
    with stack.client() as client:
        answer = client.post(f"/api/workflows/{decided}/raise-event/approval", json=APPROVE)
        assert answer.status_code == 202, answer.text
    waiting = _waiting_for_approval(stack, "DASHWAITING")
    for invoice_id in (*done, decided):
        assert stack.wait_for_end(invoice_id)["status"] == "COMPLETED"
    assert stack.wait_for_end(failed)["status"] == "FAILED"

    # Rates need two scrapes of the new counts, and the host's census runs every 15 s.
    empty = _empty_queries(stack.prometheus_url, patience=90)
    with stack.client() as client:  # leave nothing waiting for the tests after this one
        client.post(f"/api/workflows/{waiting}/raise-event/approval", json=APPROVE)
    assert not empty, "\n".join(f"{title}: {expr}" for title, expr in empty)


def _empty_queries(prometheus_url: str, patience: float) -> list[tuple[str, str]]:
    """The queries still answering no series after `patience` seconds."""
    deadline = time.monotonic() + patience
    while True:
        empty = [(title, expr) for title, expr in _queries() if not _result(prometheus_url, expr)]
        if not empty or time.monotonic() > deadline:
            return empty
        time.sleep(5)


def _result(prometheus_url: str, expr: str) -> list:
    answer = httpx.get(f"{prometheus_url}/api/v1/query", params={"query": expr}, timeout=10)
    assert answer.status_code == 200, (expr, answer.text)
    body = answer.json()
    assert body["status"] == "success", (expr, body)
    return list(body["data"]["result"])
