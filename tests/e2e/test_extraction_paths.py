"""The three ways a page is read, through the real stack: a scanned (image-only) invoice
goes through OCR inside the extract service's pool; a PDF carrying a Factur-X e-invoice
is read from its XML, and a page that contradicts its XML says so."""

from __future__ import annotations

from invoice_gen import generate_invoice
from invoice_gen.einvoice import attach_einvoice
from invoice_gen.scan import rasterize_pdf
from invoice_gen.variants import Variant

from .helpers import unique_id
from .stack import RunningStack


def _process(stack: RunningStack, prefix: str, pdf: bytes) -> tuple[str, dict]:
    invoice_id = unique_id(prefix)
    (stack.inputs / f"{invoice_id}.pdf").write_bytes(pdf)
    with stack.client() as client:
        body = {"invoice_id": invoice_id, "pdf_path": f"e2e-tests/{invoice_id}.pdf"}
        assert client.post("/api/workflows/invoice", json=body).status_code == 202
    view = stack.wait_for_end(invoice_id, timeout=240)
    assert view["status"] == "COMPLETED", view["error"]
    return invoice_id, view["result"]


def test_a_scanned_invoice_is_read_by_ocr(stack: RunningStack):
    generated = generate_invoice(21, 1, variant=Variant("de"))
    _, result = _process(stack, "SCAN", rasterize_pdf(generated.pdf, dpi=300))
    truth = generated.truth
    assert result["source"]["total"] == "ocr"
    assert (result["invoice_number"], result["total"]) == (truth.invoice_number, float(truth.total))
    assert result["currency"] == truth.currency


def test_an_embedded_e_invoice_is_read_and_checked_against_its_page(stack: RunningStack):
    generated = generate_invoice(22, 2)
    truth = generated.truth.model_dump(mode="json")
    _, agreeing = _process(stack, "FACTURX", attach_einvoice(generated.pdf, truth))
    assert agreeing["source"]["total"] == "embedded_xml"
    assert agreeing["total"] == truth["total"]
    assert not any("embedded e-invoice" in w for w in agreeing["warnings"])

    wrong = round(truth["total"] + 100, 2)
    contradicted = attach_einvoice(generated.pdf, truth, disagree={"total": wrong})
    _, disagreeing = _process(stack, "FACTURXBAD", contradicted)
    assert disagreeing["total"] == wrong  # the structured data wins...
    assert any(  # ...and the page's disagreement is reported
        "embedded e-invoice says total" in w and f"{truth['total']:.2f}" in w
        for w in disagreeing["warnings"]
    ), disagreeing["warnings"]
