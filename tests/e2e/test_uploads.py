"""POST /api/invoices and the error statuses every endpoint shares."""

from __future__ import annotations

import hashlib

from invoice_gen import generate_invoice

from .helpers import unique_id
from .stack import RunningStack
from .stack_config import MAX_UPLOAD_BYTES


def _upload(stack: RunningStack, data: bytes, content_type: str, **form: str) -> dict:
    with stack.client() as client:
        response = client.post(
            "/api/invoices", files={"file": ("invoice.pdf", data, content_type)}, data=form
        )
    return {"status": response.status_code, "body": response.json()}


def test_an_uploaded_pdf_is_processed_like_any_other(stack: RunningStack):
    invoice_id = unique_id("UPLOAD")
    generated = generate_invoice(seed=77, pages=3, invoice_id=invoice_id)
    answer = _upload(stack, generated.pdf, "application/pdf", invoice_id=invoice_id)
    assert answer["status"] == 202, answer
    assert answer["body"]["status_url"] == f"/api/workflows/{invoice_id}"
    view = stack.wait_for_end(invoice_id)
    assert view["status"] == "COMPLETED", view["error"]
    assert view["result"]["total"] == float(generated.truth.total)
    assert view["result"]["invoice_number"] == generated.truth.invoice_number


def test_without_an_id_the_same_file_cannot_be_processed_twice(stack: RunningStack):
    pdf = generate_invoice(seed=unique_id("x").__hash__() % 10_000, pages=1).pdf
    first = _upload(stack, pdf, "application/pdf")
    assert first["status"] == 202, first
    assert first["body"]["instance_id"] == f"INV-{hashlib.sha256(pdf).hexdigest()[:16]}"
    second = _upload(stack, pdf, "application/pdf")
    assert (second["status"], second["body"]["error"]) == (409, "already_exists")
    stack.wait_for_end(first["body"]["instance_id"])


def test_a_file_that_is_not_a_pdf_is_415(stack: RunningStack):
    answer = _upload(stack, b"hello, not a pdf", "application/pdf", invoice_id=unique_id("T"))
    assert (answer["status"], answer["body"]["error"]) == (415, "not_a_pdf")
    answer = _upload(stack, b"%PDF-1.7 ...", "text/plain", invoice_id=unique_id("T"))
    assert (answer["status"], answer["body"]["error"]) == (415, "unsupported_media_type")


def test_a_file_over_the_limit_is_413(stack: RunningStack):
    big = b"%PDF-1.7\n" + b"0" * (MAX_UPLOAD_BYTES + 10)
    answer = _upload(stack, big, "application/pdf", invoice_id=unique_id("BIG"))
    assert (answer["status"], answer["body"]["error"]) == (413, "too_large")


def test_an_invalid_invoice_id_in_the_form_is_422(stack: RunningStack):
    answer = _upload(stack, b"%PDF-1.7", "application/pdf", invoice_id="../../x")
    assert (answer["status"], answer["body"]["error"]) == (422, "invalid_request")


def test_json_endpoints_refuse_other_content_types_and_huge_bodies(stack: RunningStack):
    with stack.client() as client:
        wrong = client.post(
            "/api/workflows/invoice",
            content=b"invoice_id=x",
            headers={"content-type": "text/plain"},
        )
        assert (wrong.status_code, wrong.json()["error"]) == (415, "unsupported_media_type")
        huge = client.post(
            "/api/workflows/invoice",
            json={"invoice_id": "x", "pdf_path": "a" * 100_000},
        )
        assert (huge.status_code, huge.json()["error"]) == (413, "too_large")
        not_json = client.post(
            "/api/workflows/invoice",
            content=b"{not json",
            headers={"content-type": "application/json"},
        )
        # Unreadable (400) is told apart from read but not fitting the schema (422).
        assert (not_json.status_code, not_json.json()["error"]) == (400, "malformed_body")


def test_every_error_has_one_shape(stack: RunningStack):
    with stack.client() as client:
        answers = [
            client.get("/api/workflows/NOPE-1"),  # 404
            client.post("/api/workflows/NOPE-1/pause"),  # 404
            client.post("/api/workflows/invoice", json={}),  # 422
            client.post("/api/invoices", content=b"x", headers={"content-type": "text/csv"}),
        ]
    for answer in answers:
        assert answer.status_code >= 400
        assert set(answer.json()) == {"error", "message"}, answer.json()
        assert answer.json()["message"]
