"""Extracting the invoice fields of one stored page: its text layer (or OCR of a scan),
parsed; on page 1, the embedded e-invoice XML when the PDF carries one."""

import logging
import time
from typing import Literal

from extract_service.bounded import bounded_ocr_text, bounded_page_text
from extract_service.config import Settings
from extract_service.einvoice import EInvoiceError, apply_embedded, parse_einvoice
from extract_service.extraction_metrics import page_source, record_page
from extract_service.fields import parse_page
from invoice_shared.artifacts import ArtifactKeyError, ArtifactStore
from invoice_shared.models import PageExtraction, PageMetadata
from invoice_shared.web import ServiceError

log = logging.getLogger(__name__)

# A text layer with fewer letters and digits than this carries no invoice: OCR the page.
MIN_TEXT_LAYER_CHARS = 40


def extract_page(page: PageMetadata, settings: Settings) -> PageExtraction:
    """Read the stored page, get its text within the configured bounds, and parse it."""
    started = time.perf_counter()
    store = ArtifactStore(settings.artifact_dir)
    try:
        data = store.read_bytes(page.blob_key)
    except ArtifactKeyError as exc:
        raise ServiceError(422, "invalid_key", str(exc)) from exc
    except FileNotFoundError as exc:
        raise ServiceError(404, "page_not_found", f"no stored page at {page.blob_key}") from exc
    text = ""
    source: Literal["text", "ocr"] = "text"
    if page.has_text_layer:
        text = bounded_page_text(
            data,
            settings.max_stream_bytes,
            settings.page_timeout_seconds,
            settings.extraction_workers,
        )
    # A scan has no text layer; some PDFs have fonts but draw their text as paths or
    # with glyphs that map to nothing. Either way: read what the page shows.
    if sum(ch.isalnum() for ch in text) < MIN_TEXT_LAYER_CHARS:
        source = "ocr"
        text = bounded_ocr_text(
            data,
            settings.max_stream_bytes,
            settings.ocr_timeout_seconds,
            settings.extraction_workers,
        )
    extraction = parse_page(text).to_extraction(page.invoice_id, page.page_number, source)
    if page.embedded_invoice_key:
        extraction = _with_embedded(extraction, page, store)
    record_page(extraction, page_source(extraction, source), time.perf_counter() - started)
    return extraction


def _with_embedded(
    extraction: PageExtraction, page: PageMetadata, store: ArtifactStore
) -> PageExtraction:
    """The structured e-invoice's values in place of the page's text reading, and a
    warning for each field where the visible page says otherwise."""
    assert page.embedded_invoice_key is not None
    try:
        embedded = parse_einvoice(store.read_bytes(page.embedded_invoice_key))
    except (EInvoiceError, FileNotFoundError, ArtifactKeyError) as exc:
        log.warning("invoice %s: embedded e-invoice not read: %s", page.invoice_id, exc)
        warning = f"The PDF carries an e-invoice that could not be read: {exc}"
        return extraction.model_copy(update={"warnings": [*extraction.warnings, warning]})
    # Its line items are the whole document's: the aggregation then takes no others.
    return apply_embedded(extraction, embedded, take_line_items=True)
