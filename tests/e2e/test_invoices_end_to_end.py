"""Generated invoices through the real stack, checked field by field against truth."""

from __future__ import annotations

import math

import pytest

from invoice_gen import generate_invoice
from invoice_shared.models import AggregatedInvoice, ProcessedInvoice

from .helpers import EVIDENCE, moment, unique_id
from .stack import RunningStack

PAGE_COUNTS = [1, 2, 3, 7, 15]


@pytest.fixture(scope="module")
def processed(stack: RunningStack) -> dict[int, tuple[str, AggregatedInvoice, dict]]:
    """Start all invoices at once (they run concurrently), then collect the results."""
    started: dict[int, tuple[str, AggregatedInvoice]] = {}
    with stack.client() as client:
        for pages in PAGE_COUNTS:
            invoice_id = unique_id(f"E2E-{pages}p")
            generated = generate_invoice(seed=1000 + pages, pages=pages, invoice_id=invoice_id)
            (stack.inputs / f"{invoice_id}.pdf").write_bytes(generated.pdf)
            response = client.post(
                "/api/workflows/invoice",
                json={"invoice_id": invoice_id, "pdf_path": f"e2e-tests/{invoice_id}.pdf"},
            )
            assert response.status_code == 202, response.text
            assert response.json()["status_url"] == f"/api/workflows/{invoice_id}"
            started[pages] = (invoice_id, generated.truth)
        return {
            pages: (invoice_id, truth, stack.wait_for_end(invoice_id))
            for pages, (invoice_id, truth) in started.items()
        }


@pytest.mark.parametrize("pages", PAGE_COUNTS)
def test_every_field_matches_the_ground_truth(processed, pages: int):
    _, truth, view = processed[pages]
    assert view["status"] == "COMPLETED", view["error"]
    result = ProcessedInvoice.model_validate(view["result"])
    expected = truth.model_dump(mode="json", exclude=EVIDENCE)
    actual = result.model_dump(mode="json")
    # Every field found says how sure the extractor is and that it read the text layer.
    found = {f for f, value in actual.items() if f in expected and value is not None}
    assert found - {"invoice_id", "page_count", "warnings", "line_items"} <= set(result.source)
    assert set(result.source.values()) == {"text"}
    for field in expected:
        if field == "line_items":
            continue
        assert actual[field] == expected[field], f"{field} differs on the {pages}-page invoice"
    assert len(actual["line_items"]) == len(expected["line_items"])
    for number, (got, want) in enumerate(
        zip(actual["line_items"], expected["line_items"], strict=True)
    ):
        assert got == want, f"line item {number + 1} differs"
    assert result.page_count == pages
    assert result.approval.status == "auto_approved"  # approval by amount is off in e2e


@pytest.mark.parametrize("pages", PAGE_COUNTS)
def test_progress_reports_every_page_done(processed, pages: int):
    _, _, view = processed[pages]
    assert (view["stage"], view["pages_done"], view["pages_total"]) == ("completed", pages, pages)
    assert view["started_at"] is not None
    assert moment(view["started_at"]) <= moment(view["updated_at"])


@pytest.mark.parametrize("pages", PAGE_COUNTS)
def test_pages_beyond_two_went_through_child_workflows(stack: RunningStack, processed, pages: int):
    invoice_id, _, _ = processed[pages]
    expected_children = 0 if pages <= 2 else math.ceil(pages / 2)
    with stack.client() as client:
        for number in range(1, expected_children + 1):
            child = client.get(f"/api/workflows/{invoice_id}:batch-{number:04d}")
            assert child.status_code == 200, f"child {number} of {invoice_id} missing"
            assert child.json()["status"] == "COMPLETED"
            assert child.json()["workflow_name"] == "page_batch_workflow"
        beyond = client.get(f"/api/workflows/{invoice_id}:batch-{expected_children + 1:04d}")
        assert beyond.status_code == 404


def test_a_get_can_wait_for_the_end_instead_of_polling(stack: RunningStack):
    invoice_id = unique_id("WAIT")
    generated = generate_invoice(seed=77, pages=3, invoice_id=invoice_id)
    (stack.inputs / f"{invoice_id}.pdf").write_bytes(generated.pdf)
    with stack.client(timeout=60) as client:
        body = {"invoice_id": invoice_id, "pdf_path": f"e2e-tests/{invoice_id}.pdf"}
        assert client.post("/api/workflows/invoice", json=body).status_code == 202
        # One request, answered once the invoice has ended (its result included).
        view = client.get(f"/api/workflows/{invoice_id}", params={"wait_seconds": 45}).json()
        assert view["status"] == "COMPLETED", view
        assert view["result"]["invoice_number"] == generated.truth.invoice_number
        too_long = client.get(f"/api/workflows/{invoice_id}", params={"wait_seconds": 61})
        assert too_long.status_code == 422
        assert "wait_seconds" in too_long.json()["message"]
