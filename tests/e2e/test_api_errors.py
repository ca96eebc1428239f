"""Bad input through the real stack: clear errors, never a hang."""

from __future__ import annotations

import time

from .helpers import RunningStack, unique_id, wait_for_end


def test_a_file_that_is_not_a_pdf_fails_the_workflow_clearly(stack: RunningStack):
    invoice_id = unique_id("NOTPDF")
    (stack.source_dir / f"{invoice_id}.pdf").write_text("this is a text file, not a PDF\n")
    with stack.client() as client:
        started = time.monotonic()
        response = client.post(
            "/api/workflows/invoice",
            json={"invoice_id": invoice_id, "pdf_path": f"{invoice_id}.pdf"},
        )
        assert response.status_code == 202
        view = wait_for_end(client, invoice_id, timeout=60)
        elapsed = time.monotonic() - started
    assert view["status"] == "FAILED"
    assert "not a PDF" in view["error"]
    assert view["result"] is None
    # Non-retryable: the first failure ends it, without the retry policy's 1 s + 2 s waits.
    assert elapsed < 3.0, f"took {elapsed:.1f} s; was the input error retried?"


def test_a_truncated_pdf_fails_the_workflow_clearly(stack: RunningStack):
    invoice_id = unique_id("TRUNC")
    (stack.source_dir / f"{invoice_id}.pdf").write_bytes(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog")
    with stack.client() as client:
        client.post(
            "/api/workflows/invoice",
            json={"invoice_id": invoice_id, "pdf_path": f"{invoice_id}.pdf"},
        )
        view = wait_for_end(client, invoice_id, timeout=60)
    assert view["status"] == "FAILED"
    assert "cannot be parsed" in view["error"] or "no pages" in view["error"]


def test_a_missing_file_fails_the_workflow_naming_the_path(stack: RunningStack):
    invoice_id = unique_id("MISSING")
    with stack.client() as client:
        client.post(
            "/api/workflows/invoice", json={"invoice_id": invoice_id, "pdf_path": "nope.pdf"}
        )
        view = wait_for_end(client, invoice_id, timeout=60)
    assert view["status"] == "FAILED"
    assert "nope.pdf" in view["error"]


def test_starting_an_existing_invoice_id_is_refused_and_says_so(stack: RunningStack):
    invoice_id = unique_id("DUP")
    (stack.source_dir / f"{invoice_id}.pdf").write_text("not a pdf")
    body = {"invoice_id": invoice_id, "pdf_path": f"{invoice_id}.pdf"}
    with stack.client() as client:
        assert client.post("/api/workflows/invoice", json=body).status_code == 202
        second = client.post("/api/workflows/invoice", json=body)
        assert second.status_code == 409
        assert second.json()["error"] == "already_exists"
        assert invoice_id in second.json()["message"]
        wait_for_end(client, invoice_id, timeout=60)
        # Finished instances are not restarted either.
        assert client.post("/api/workflows/invoice", json=body).status_code == 409


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
