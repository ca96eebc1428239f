"""Bad input through the real stack: clear errors, never a hang."""

from __future__ import annotations

from invoice_gen import generate_invoice
from invoice_shared.dapr_names import UPLOAD_APP_ID

from .helpers import unique_id
from .stack import RunningStack


def _start(stack: RunningStack, invoice_id: str, data: bytes) -> int:
    (stack.inputs / f"{invoice_id}.pdf").write_bytes(data)
    with stack.client() as client:
        response = client.post(
            "/api/workflows/invoice",
            json={"invoice_id": invoice_id, "pdf_path": f"e2e-tests/{invoice_id}.pdf"},
        )
    return response.status_code


def test_a_file_that_is_not_a_pdf_fails_the_workflow_clearly(stack: RunningStack):
    invoice_id = unique_id("NOTPDF")
    assert _start(stack, invoice_id, b"this is a text file, not a PDF\n") == 202
    view = stack.wait_for_end(invoice_id, timeout=60)
    assert view["status"] == "FAILED"
    assert f"{invoice_id}.pdf is not a PDF" in view["error"]
    assert view["result"] is None
    # Non-retryable: the upload service saw it once, not three times.
    assert len(stack.log_lines(UPLOAD_APP_ID, f"{invoice_id}.pdf", "not_a_pdf")) == 1


def test_a_truncated_pdf_fails_the_workflow_clearly(stack: RunningStack):
    invoice_id = unique_id("TRUNC")
    assert _start(stack, invoice_id, b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog") == 202
    view = stack.wait_for_end(invoice_id, timeout=60)
    assert view["status"] == "FAILED"
    assert "cannot be parsed" in view["error"] or "no pages" in view["error"]


def test_a_missing_file_fails_the_workflow_naming_the_path(stack: RunningStack):
    invoice_id = unique_id("MISSING")
    with stack.client() as client:
        body = {"invoice_id": invoice_id, "pdf_path": "e2e-tests/nope.pdf"}
        assert client.post("/api/workflows/invoice", json=body).status_code == 202
        view = stack.wait_for_end(invoice_id, timeout=60)
    assert view["status"] == "FAILED"
    assert "nope.pdf" in view["error"]


def test_starting_an_existing_invoice_id_is_refused_and_says_so(stack: RunningStack):
    invoice_id = unique_id("DUP")
    pdf = generate_invoice(seed=5, pages=15, invoice_id=invoice_id).pdf
    assert _start(stack, invoice_id, pdf) == 202
    body = {"invoice_id": invoice_id, "pdf_path": f"e2e-tests/{invoice_id}.pdf"}
    with stack.client() as client:
        running = client.post("/api/workflows/invoice", json=body)
        assert running.status_code == 409
        assert running.json()["error"] == "already_exists"
        assert invoice_id in running.json()["message"]
        view = stack.wait_for_end(invoice_id)
        assert view["status"] == "COMPLETED"
        # A finished instance is not run again either, and its result stays as it was.
        assert client.post("/api/workflows/invoice", json=body).status_code == 409
        assert client.get(f"/api/workflows/{invoice_id}").json()["result"] == view["result"]


def test_an_unknown_instance_is_404(stack: RunningStack):
    with stack.client() as client:
        response = client.get("/api/workflows/NO-SUCH-INVOICE-123")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_invalid_start_bodies_are_422_with_a_message(stack: RunningStack):
    bad_bodies = [
        {"invoice_id": "x", "pdf_path": "a.pdf", "pdf_url": "https://example.com/a.pdf"},
        {"invoice_id": "x"},
        {"invoice_id": "../etc", "pdf_path": "a.pdf"},
        {"invoice_id": "x", "pdf_path": "../../etc/passwd"},
        {"invoice_id": "x", "pdf_path": "/etc/passwd"},
        {"invoice_id": "x", "pdf_url": "file:///etc/passwd"},
        {"invoice_id": "x", "pdf_path": "a.pdf", "unexpected": 1},
    ]
    with stack.client() as client:
        for body in bad_bodies:
            response = client.post("/api/workflows/invoice", json=body)
            assert response.status_code == 422, body
            assert response.json()["error"] == "invalid_request"
            assert response.json()["message"], body
