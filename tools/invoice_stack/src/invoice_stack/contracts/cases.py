"""The requests of the contract vectors, service by service; their expected answers are
recorded from the reference (Python) implementation by `make vectors` and reviewed in
the diff. A case names what a refusal's message must mention (the field at fault).

Fixtures are small PDFs made by invoice_gen (and two broken files), committed beside
the vectors so that an implementation in any language can be tested without Python.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from invoice_gen.einvoice import attach_einvoice
from invoice_gen.generator import generate_invoice
from invoice_shared.artifacts import blob_key, page_key, sha256_hex
from invoice_shared.dapr_names import (
    AGGREGATE_APP_ID,
    EXTRACT_APP_ID,
    SPLIT_APP_ID,
    UPLOAD_APP_ID,
)


@dataclass(frozen=True)
class Case:
    name: str
    description: str
    request: dict[str, Any]
    mentions: tuple[str, ...] = ()  # words a refusal's message must contain
    artifacts: dict[str, str] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)


def _post(path: str, body: Any, **extra: Any) -> dict[str, Any]:
    return {"method": "POST", "path": path, "json": body, **extra}


# ---- fixtures ----------------------------------------------------------------------

ONE_PAGE, THREE_PAGES, EINVOICE = "invoice-1-page.pdf", "invoice-3-pages.pdf", "facturx.pdf"
NOT_A_PDF, TRUNCATED = "not-a-pdf.pdf", "truncated.pdf"


def fixture_bytes() -> dict[str, bytes]:
    """Every fixture file: generated invoices, one carrying a Factur-X e-invoice, a text
    file named .pdf and a PDF cut short."""
    one = generate_invoice(seed=7, pages=1, invoice_id="VEC-1")
    three = generate_invoice(seed=8, pages=3, invoice_id="VEC-3")
    facturx = attach_einvoice(one.pdf, one.truth.model_dump(mode="json"))
    return {
        ONE_PAGE: one.pdf,
        THREE_PAGES: three.pdf,
        EINVOICE: facturx,
        NOT_A_PDF: b"Invoice 42\nTotal: 12.50 EUR\n",
        TRUNCATED: three.pdf[: len(three.pdf) // 3],
    }


def write_fixtures(folder: Path) -> dict[str, str]:
    """Write the fixtures not yet there (the Factur-X one is stamped with the time it
    was made: recording again must not change the committed one); their sha256 by name."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in fixture_bytes().items():
        if not (folder / name).exists():
            (folder / name).write_bytes(data)
    return {path.name: sha256_hex(path.read_bytes()) for path in folder.iterdir()}


# ---- upload-service ----------------------------------------------------------------


def upload_cases(shas: dict[str, str]) -> list[Case]:
    stored = {blob_key(shas[ONE_PAGE]): ONE_PAGE}
    return [
        Case("path-stored", "A PDF under the source folder is stored by its sha256.",
             _post("/upload", {"invoice_id": "INV-1", "pdf_path": "in/one.pdf"}),
             sources={"in/one.pdf": ONE_PAGE}),
        Case("blob-already-stored", "A PDF stored before is named by its sha256.",
             _post("/upload", {"invoice_id": "INV-2", "blob_sha256": shas[ONE_PAGE]}),
             artifacts=stored),
        Case("blob-unknown", "A sha256 nothing was stored under.",
             _post("/upload", {"invoice_id": "INV-3", "blob_sha256": "0" * 64}),
             mentions=("0" * 64,)),
        Case("path-missing", "A path with no file behind it.",
             _post("/upload", {"invoice_id": "INV-4", "pdf_path": "in/absent.pdf"}),
             mentions=("in/absent.pdf",)),
        Case("path-not-a-pdf", "A file that is not a PDF, whatever its name.",
             _post("/upload", {"invoice_id": "INV-5", "pdf_path": "in/text.pdf"}),
             sources={"in/text.pdf": NOT_A_PDF}, mentions=("PDF",)),
        Case("path-leaves-the-folder", "A path out of the source folder.",
             _post("/upload", {"invoice_id": "INV-6", "pdf_path": "../etc/passwd"}),
             mentions=("pdf_path",)),
        Case("two-sources", "Exactly one source may be given.",
             _post("/upload", {"invoice_id": "INV-7", "pdf_path": "in/one.pdf",
                               "blob_sha256": shas[ONE_PAGE]}),
             mentions=("exactly one",)),
        Case("no-source", "A source must be given.",
             _post("/upload", {"invoice_id": "INV-8"}), mentions=("exactly one",)),
        Case("bad-invoice-id", "Invoice ids are letters, digits, '.', '_' and '-'.",
             _post("/upload", {"invoice_id": "../x", "pdf_path": "in/one.pdf"}),
             mentions=("invoice_id",)),
        Case("unknown-field", "Fields the contract does not name are refused.",
             _post("/upload", {"invoice_id": "INV-9", "pdf_path": "in/one.pdf", "pages": 3}),
             mentions=("pages",)),
        Case("url-not-http", "Only http(s) URLs are fetched.",
             _post("/upload", {"invoice_id": "INV-10", "pdf_url": "file:///etc/passwd"}),
             mentions=("pdf_url",)),
        *_common_refusals("/upload", {"invoice_id": "INV-11", "pdf_path": "in/one.pdf"}),
    ]  # fmt: skip


# ---- split-service -----------------------------------------------------------------


def _upload_result(invoice_id: str, sha: str, size: int) -> dict[str, Any]:
    return {"invoice_id": invoice_id, "source": "in/invoice.pdf", "blob_key": blob_key(sha),
            "sha256": sha, "size_bytes": size}  # fmt: skip


def split_cases(shas: dict[str, str], sizes: dict[str, int]) -> list[Case]:
    three = _upload_result("INV-20", shas[THREE_PAGES], sizes[THREE_PAGES])
    facturx = _upload_result("INV-21", shas[EINVOICE], sizes[EINVOICE])
    truncated = _upload_result("INV-22", shas[TRUNCATED], sizes[TRUNCATED])
    return [
        Case("three-pages", "Each page becomes a PDF of its own, in order.",
             _post("/split", three), artifacts={three["blob_key"]: THREE_PAGES}),
        Case("embedded-einvoice", "A Factur-X attachment is stored and named on page 1.",
             _post("/split", facturx), artifacts={facturx["blob_key"]: EINVOICE}),
        Case("blob-missing", "The stored PDF is gone.",
             _post("/split", _upload_result("INV-23", "3" * 64, 1000)),
             mentions=("INV-23", blob_key("3" * 64))),
        Case("not-readable", "A PDF cut short cannot be split.",
             _post("/split", truncated), artifacts={truncated["blob_key"]: TRUNCATED},
             mentions=("INV-22",)),
        Case("size-zero", "A stored PDF has at least one byte.",
             _post("/split", {**three, "size_bytes": 0}), mentions=("size_bytes",)),
        Case("size-as-string", "Numbers are JSON numbers, not strings.",
             _post("/split", {**three, "size_bytes": str(sizes[THREE_PAGES])}),
             mentions=("size_bytes",)),
        *_common_refusals("/split", three),
    ]  # fmt: skip


# ---- extract-service ---------------------------------------------------------------


def _page(
    invoice_id: str, sha: str, number: int = 1, count: int = 1, **extra: Any
) -> dict[str, Any]:
    return {"invoice_id": invoice_id, "source_sha256": sha, "page_number": number,
            "page_count": count, "blob_key": page_key(sha, number), "width_pt": 595.28,
            "height_pt": 841.89, "rotation": 0, "has_text_layer": True, **extra}  # fmt: skip


def extract_cases(shas: dict[str, str]) -> list[Case]:
    page = _page("INV-30", shas[ONE_PAGE])
    return [
        Case("text-page", "A page with a text layer: header, totals and line items.",
             _post("/extract", page), artifacts={page["blob_key"]: ONE_PAGE}),
        Case("page-missing", "The page's PDF is gone.",
             _post("/extract", _page("INV-31", "1" * 64)), mentions=("INV-31",)),
        Case("page-not-a-pdf", "The stored page is not a PDF.",
             _post("/extract", _page("INV-32", "2" * 64)),
             artifacts={page_key("2" * 64, 1): NOT_A_PDF}, mentions=("INV-32",)),
        Case("page-never-split", "A page the split service never wrote.",
             _post("/extract", _page("INV-33", shas[ONE_PAGE], number=2, count=2)),
             mentions=("INV-33",)),
        Case("rotation-out-of-range", "Rotation is 0 to 359 degrees.",
             _post("/extract", {**page, "rotation": 360}), mentions=("rotation",)),
        Case("text-layer-as-number", "Booleans are true or false, not 1.",
             _post("/extract", {**page, "has_text_layer": 1}), mentions=("has_text_layer",)),
        Case("bad-page-key", "Page keys have the form the split service writes.",
             _post("/extract", {**page, "blob_key": "pages/../../etc/passwd"}),
             mentions=("blob_key",)),
        *_common_refusals("/extract", page),
    ]  # fmt: skip


# ---- aggregate-service -------------------------------------------------------------


def _extraction(number: Any, **fields: Any) -> dict[str, Any]:
    """A page's extraction: the header on page 1, line items on every page, the totals
    on the last (as the generator's invoices print them); `fields` overrides."""
    page: dict[str, Any] = {
        "invoice_id": "INV-40", "page_number": number,
        "invoice_number": "F-2024-0042", "invoice_date": "2024-03-12",
        "due_date": "2024-04-11", "vendor_name": "Acme GmbH", "customer_name": "Globex BV",
        "currency": "EUR", "subtotal": None, "tax": None, "total": None,
        "line_items": [{"description": f"Consulting, week {number}", "quantity": 2,
                        "unit_price": 250.0, "amount": 500.0}],
        "warnings": [],
        "confidence": {"invoice_number": 0.9, "total": 0.95},
        "source": {"invoice_number": "text", "total": "text"},
    }  # fmt: skip
    return page | fields


def _totals(subtotal: float, tax: float, total: float) -> dict[str, float]:
    return {"subtotal": subtotal, "tax": tax, "total": total}


def _request(*pages: dict[str, Any], invoice_id: str = "INV-40") -> dict[str, Any]:
    return {"invoice_id": invoice_id, "pages": list(pages)}


def aggregate_cases() -> list[Case]:
    one = _extraction(1, **_totals(500.0, 95.0, 595.0))
    two = [_extraction(1), _extraction(2, **_totals(1000.0, 190.0, 1190.0))]
    bad_amount = copy.deepcopy(two)
    bad_amount[1]["total"] = "1190.00"
    embedded = [
        _extraction(1, total=1190.0, source={"total": "embedded_xml"},
                    confidence={"total": 1.0}),
        _extraction(2, **_totals(1000.0, 190.0, 1180.0)),
    ]  # fmt: skip
    item = {"description": "x", "quantity": 1, "unit_price": 1.0, "amount": 1.0}
    return [
        Case("one-page", "One page that says everything.", _post("/aggregate", _request(one))),
        Case("two-pages", "Header from page 1, totals from the last page, items in order.",
             _post("/aggregate", _request(*two))),
        Case("pages-out-of-order", "Pages are taken in page-number order.",
             _post("/aggregate", _request(*reversed(two)))),
        Case("pages-disagree", "The value most pages show wins; the earliest breaks a tie.",
             _post("/aggregate", _request(
                 _extraction(1), _extraction(2, invoice_number="F-2024-0043"),
                 _extraction(3, **_totals(1500.0, 285.0, 1785.0))))),
        Case("totals-do-not-add-up", "Subtotal plus tax differs from the total: a warning "
             "and lowered confidence.",
             _post("/aggregate", _request(_extraction(1, **_totals(500.0, 95.0, 600.0))))),
        Case("totals-from-the-page-that-adds-up", "The total from the last page showing "
             "one; subtotal and tax from the last page whose own figures add up to it, "
             "not from a later page of worked examples.",
             _post("/aggregate", _request(
                 _extraction(1, line_items=[], **_totals(1000.0, 190.0, 1190.0)),
                 _extraction(2, line_items=[], **_totals(120.0, 12.0, 987.65)),
                 _extraction(3, line_items=[], total=1190.0)))),
        Case("a-copy-counts-once", "A page that repeats an earlier page's line items and "
             "totals (ORIGINAL, then DUPLICADO) adds its items once, with a warning.",
             _post("/aggregate", _request(
                 _extraction(1, **_totals(500.0, 95.0, 595.0)),
                 _extraction(2, line_items=_extraction(1)["line_items"],
                             **_totals(500.0, 95.0, 595.0))))),
        Case("same-lines-without-totals-are-not-copies", "Pages that list the same "
             "line, with the totals only on the last page, are not copies.",
             _post("/aggregate", _request(
                 _extraction(1), _extraction(2, line_items=_extraction(1)["line_items"]),
                 _extraction(3, line_items=[], **_totals(1000.0, 190.0, 1190.0))))),
        Case("last-page-keeps-its-own-totals", "The page with the total shows its own "
             "subtotal and tax: they are taken, and their mismatch warned about, even "
             "when an earlier page's figures add up.",
             _post("/aggregate", _request(
                 _extraction(1, line_items=[], **_totals(100.0, 19.0, 119.0)),
                 _extraction(2, line_items=[], **_totals(200.0, 38.0, 119.0))))),
        Case("one-party-in-full-and-in-short", "A party named in full on one page and "
             "in short, in capitals or without accents on others is one party: its pages "
             "vote together for the fullest name and back its confidence; a name under "
             "three letters begins too many others to join one.",
             _post("/aggregate", _request(
                 _extraction(1, vendor_name="ENEL", customer_name="Société Générale",
                             confidence={"vendor_name": 0.4, "customer_name": 0.7}),
                 _extraction(2, vendor_name="Enel Energia S.p.A.",
                             customer_name="SOCIETE GENERALE SA",
                             confidence={"vendor_name": 0.9}),
                 _extraction(3, vendor_name="SA", customer_name="Straße & Söhne"),
                 _extraction(4, vendor_name="SAP SE", customer_name="STRASSE",
                             **_totals(2000.0, 380.0, 2380.0))))),
        Case("summary-keeps-the-totals", "A last total alone that is an earlier summary's "
             "subtotal (detail pages summing the net) leaves the invoice's totals to the "
             "summary.",
             _post("/aggregate", _request(
                 _extraction(1, line_items=[], **_totals(50.37, 9.57, 59.94)),
                 _extraction(2, line_items=[]),
                 _extraction(3, line_items=[], total=50.37)))),
        Case("lines-do-not-add-up", "Line items that miss the subtotal.",
             _post("/aggregate", _request(_extraction(1, **_totals(400.0, 76.0, 476.0))))),
        Case("no-tax-shown", "A subtotal and a total that differ with no tax shown.",
             _post("/aggregate", _request(_extraction(1, subtotal=500.0, total=595.0)))),
        Case("only-a-total", "Line items plus tax against the total when no subtotal shows.",
             _post("/aggregate", _request(_extraction(1, tax=95.0, total=600.0)))),
        Case("nothing-found", "A page that shows nothing: every required field missing.",
             _post("/aggregate", _request({"invoice_id": "INV-40", "page_number": 1}))),
        Case("missing-and-repeated-pages", "A gap and a page extracted twice.",
             _post("/aggregate", _request(_extraction(1), _extraction(1), _extraction(3)))),
        Case("foreign-page", "A page of another invoice is named.",
             _post("/aggregate", _request(_extraction(1, invoice_id="INV-99", total=595.0)))),
        Case("page-warnings", "A page's own warnings are kept, prefixed with its number.",
             _post("/aggregate", _request(_extraction(
                 1, warnings=["The date is ambiguous."], **_totals(500.0, 95.0, 595.0))))),
        Case("embedded-einvoice-wins", "The e-invoice's value is taken; a page that "
             "contradicts it is named.", _post("/aggregate", _request(*embedded))),
        Case("amounts-rounded-to-cents", "Amounts are rounded to cents, half to even.",
             _post("/aggregate", _request(_extraction(
                 1, line_items=[{"description": "a", "quantity": 1.005,
                                 "unit_price": 0.125, "amount": 0.125},
                                {"description": "b", "amount": 2.675}],
                 **_totals(2.8, 0.005, 2.805))))),
        Case("amount-only-items", "Line items without quantity or unit price.",
             _post("/aggregate", _request(_extraction(
                 1, line_items=[{"description": "Hosting", "amount": 12.5}],
                 **_totals(12.5, 0.0, 12.5))))),
        Case("no-pages", "An invoice needs at least one page.",
             _post("/aggregate", {"invoice_id": "INV-40", "pages": []}), mentions=("pages",)),
        Case("amount-as-string", "Amounts are JSON numbers.",
             _post("/aggregate", _request(*bad_amount)), mentions=("pages.1.total",)),
        Case("amount-as-boolean", "true is not a number.",
             _post("/aggregate", _request(_extraction(1, tax=True))), mentions=("pages.0.tax",)),
        Case("amount-out-of-range", "Amounts stay below 10^15 in magnitude.",
             _post("/aggregate", _request(_extraction(1, total=1e15))),
             mentions=("pages.0.total",)),
        Case("date-not-iso", "Dates are written YYYY-MM-DD.",
             _post("/aggregate", _request(_extraction(1, invoice_date="12/03/2024"))),
             mentions=("pages.0.invoice_date",)),
        Case("date-not-in-calendar", "A date must exist.",
             _post("/aggregate", _request(_extraction(1, due_date="2024-02-30"))),
             mentions=("pages.0.due_date",)),
        Case("date-as-number", "0 is not 1970-01-01.",
             _post("/aggregate", _request(_extraction(1, invoice_date=0))),
             mentions=("pages.0.invoice_date",)),
        Case("page-number-zero", "Page numbers start at 1.",
             _post("/aggregate", _request(_extraction(0))), mentions=("pages.0.page_number",)),
        Case("page-number-fraction", "An integer may be written 3.0, not 3.5.",
             _post("/aggregate", _request(_extraction(1.5))),
             mentions=("pages.0.page_number",)),
        Case("page-number-written-as-float", "3.0 is the integer 3.",
             _post("/aggregate", _request(_extraction(1.0, **_totals(500.0, 95.0, 595.0))))),
        Case("confidence-above-one", "Confidences are 0 to 1.",
             _post("/aggregate", _request(_extraction(1, confidence={"total": 1.5}))),
             mentions=("pages.0.confidence.total",)),
        Case("unknown-source", "Sources are text, ocr or embedded_xml.",
             _post("/aggregate", _request(_extraction(1, source={"total": "guess"}))),
             mentions=("pages.0.source.total",)),
        Case("unknown-field-in-item", "Fields the contract does not name are refused.",
             _post("/aggregate", _request(_extraction(1, line_items=[{**item, "sku": "A1"}]))),
             mentions=("pages.0.line_items.0.sku",)),
        Case("item-without-amount", "A line item has an amount.",
             _post("/aggregate", _request(_extraction(1, line_items=[{"description": "x"}]))),
             mentions=("pages.0.line_items.0.amount",)),
        *_common_refusals("/aggregate", _request(one)),
    ]  # fmt: skip


# ---- every service -----------------------------------------------------------------


def _common_refusals(path: str, valid: dict[str, Any]) -> list[Case]:
    """What every service refuses alike: no token, a wrong one, another media type,
    malformed JSON, another method, an unknown path."""
    return [
        Case("no-token", "Only the service's own sidecar may call it.",
             _post(path, valid, token="missing")),
        Case("wrong-token", "A token that is not the service's.",
             _post(path, valid, token="wrong")),
        Case("not-json", "Bodies are JSON.",
             {"method": "POST", "path": path, "text": "invoice_id=INV-1",
              "content_type": "application/x-www-form-urlencoded"},
             mentions=("application/json",)),
        Case("malformed-json", "A body that is not JSON.",
             {"method": "POST", "path": path, "text": '{"invoice_id": '}),
        Case("body-not-an-object", "The body is a JSON object.",
             {"method": "POST", "path": path, "json": [valid]}),
        Case("wrong-method", "The route takes POST only.",
             {"method": "GET", "path": path}, mentions=(path, "POST")),
        Case("unknown-path", "Nothing else is served.",
             {"method": "POST", "path": path + "/nothing", "json": valid},
             mentions=(path + "/nothing",)),
    ]  # fmt: skip


def all_cases(shas: dict[str, str], sizes: dict[str, int]) -> dict[str, list[Case]]:
    return {
        UPLOAD_APP_ID: upload_cases(shas),
        SPLIT_APP_ID: split_cases(shas, sizes),
        EXTRACT_APP_ID: extract_cases(shas),
        AGGREGATE_APP_ID: aggregate_cases(),
    }
