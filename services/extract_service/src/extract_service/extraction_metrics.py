"""What the extract service counts of its work (the metrics are defined in
invoice_shared.metrics): pages by how they were read, their time, the fields found."""

from __future__ import annotations

from typing import Literal, get_args

from extract_service.load import IN_FLIGHT
from invoice_shared.metrics import (
    EXTRACTION_CAPACITY,
    EXTRACTIONS_IN_FLIGHT,
    FIELDS,
    PAGE_EXTRACTION_SECONDS,
    PAGES_EXTRACTED,
)
from invoice_shared.models import InvoiceFields, PageExtraction

PageSource = Literal["text", "ocr", "einvoice"]

# The header and totals fields; line items are counted apart (found: any listed).
HEADER_FIELDS = tuple(InvoiceFields.model_fields)


def page_source(extraction: PageExtraction, read_as: Literal["text", "ocr"]) -> PageSource:
    """How the page's values were read: from its embedded e-invoice XML when that gave
    any, else from its text layer or by OCR (`read_as`)."""
    return "einvoice" if "embedded_xml" in extraction.source.values() else read_as


def fields_found(extraction: PageExtraction) -> dict[str, bool]:
    """Per counted field, whether the page gave it a value."""
    found = {name: getattr(extraction, name) is not None for name in HEADER_FIELDS}
    return found | {"line_items": bool(extraction.line_items)}


def record_page(extraction: PageExtraction, source: PageSource, seconds: float) -> None:
    PAGES_EXTRACTED.labels(source).inc()
    PAGE_EXTRACTION_SECONDS.labels(source).observe(seconds)
    for name, found in fields_found(extraction).items():
        FIELDS.labels(name, "true" if found else "false").inc()


def declare_series() -> None:
    """Every labelled series at 0 from the start. Prometheus's `increase` and `rate` take
    a series' first sample as its baseline: a series born with the first pages would
    never show them (the dashboard test saw "fields found" empty when every page of
    its corpus landed before the second scrape)."""
    for source in get_args(PageSource):
        PAGES_EXTRACTED.labels(source)
        PAGE_EXTRACTION_SECONDS.labels(source)
    for name in (*HEADER_FIELDS, "line_items"):
        for found in ("true", "false"):
            FIELDS.labels(name, found)


def watch_load(extraction_workers: int) -> None:
    """Export the extractions running now, and how many may run at once."""
    EXTRACTIONS_IN_FLIGHT.set_function(lambda: IN_FLIGHT.current)
    EXTRACTION_CAPACITY.set(extraction_workers)
