"""Scanned pages are read by OCR, through the extraction pool, well enough to parse."""

from __future__ import annotations

import io
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, NumberObject

from extract_service.bounded import ExtractionPool, bounded_ocr_text
from extract_service.fields import parse_page
from extract_service.pdf_text import page_text
from invoice_gen import generate_invoice, hostile
from invoice_gen.scan import rasterize_pdf
from invoice_shared.models import AggregatedInvoice, InvoiceFields
from invoice_shared.web import ServiceError

MAX_STREAM_BYTES = 20 * 1024 * 1024
SEEDS = range(8)
FIELDS = tuple(InvoiceFields.model_fields)


def scanned(pdf: bytes) -> bytes:
    """An image-only copy of `pdf`: 300 dpi greyscale JPEG pages, no text layer."""
    return rasterize_pdf(pdf, dpi=300)


def correct_fields(text: str, truth: AggregatedInvoice) -> int:
    """How many header fields and line items parsing `text` gets right."""
    parsed = parse_page(text)
    right = sum(getattr(parsed.fields, name) == getattr(truth, name) for name in FIELDS)
    found = list(parsed.line_items)
    for item in truth.line_items:
        if item in found:
            found.remove(item)
            right += 1
    return right


def test_ocr_reads_scans_nearly_as_well_as_the_text_layer() -> None:
    invoices = [generate_invoice(seed, 1) for seed in SEEDS]
    scans = [scanned(invoice.pdf) for invoice in invoices]
    assert all(page_text(scan).strip() == "" for scan in scans)  # really no text layer

    def read(scan: bytes) -> str:
        return bounded_ocr_text(scan, MAX_STREAM_BYTES, timeout_seconds=60, workers=2)

    started = time.monotonic()
    with ThreadPoolExecutor(2) as pages:  # two cores: two pages at a time
        texts = list(pages.map(read, scans))
    seconds = time.monotonic() - started
    by_text_layer = sum(correct_fields(page_text(i.pdf), i.truth) for i in invoices)
    by_ocr = sum(correct_fields(text, i.truth) for text, i in zip(texts, invoices, strict=True))
    possible = sum(len(FIELDS) + len(i.truth.line_items) for i in invoices)
    print(
        f"OCR: {by_ocr}/{possible} fields right, text layer {by_text_layer}/{possible}; "
        f"{seconds / len(scans):.1f} s per page with two at a time"
    )
    assert by_ocr >= 0.95 * by_text_layer


def test_a_german_scan_is_read_again_with_the_german_model() -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    lines = (
        "Müller & Söhne GmbH, Königstraße 12, 80331 München",
        "Rechnungsnummer: RE-2024-0815      Fälligkeitsdatum: 13.04.2024",
        "Überprüfung der Lüftung      1      89,50      89,50",
        "Gesamtbetrag      463,51 EUR",
        "Zahlbar innerhalb von 30 Tagen ohne Abzug. Vielen Dank für Ihren Auftrag!",
    )
    for row, line in enumerate(lines):
        pdf.text(20, 30 + 10 * row, line)
    text = bounded_ocr_text(scanned(bytes(pdf.output())), MAX_STREAM_BYTES, timeout_seconds=60)
    # The English model alone reads "Muller", "Konigstrafe", "Falligkeitsdatum".
    for word in ("Müller", "Königstraße", "Fälligkeitsdatum", "Überprüfung", "für"):
        assert word in text


def _processes() -> dict[int, tuple[int, str, str]]:
    """Every process: its parent, its name and its state."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue  # gone meanwhile
        state, parent = text[text.rindex(")") + 2 :].split()[:2]
        found[int(stat.parent.name)] = (
            int(parent),
            text[text.index("(") + 1 : text.rindex(")")],
            state,
        )
    return found


def _running_tesseracts(under: int | None = None) -> set[int]:
    """Tesseract processes that are not zombies, descended from `under` if given."""
    processes = _processes()
    found = set()
    for pid, (parent, name, state) in processes.items():
        if name != "tesseract" or state == "Z":
            continue
        while under is not None and parent not in (under, 0, 1) and parent in processes:
            parent = processes[parent][0]
        if under is None or parent == under:
            found.add(pid)
    return found


def _dense_page() -> bytes:
    """A scan of small print that takes Tesseract well over a minute to read."""
    image = Image.new("L", (2480, 3508), 255)  # A4 at 300 dpi
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=22)
    words = ("invoice", "total", "amount", "1,234.56", "due", "date", "price", "EUR", "2025")
    for row in range(120):
        line = " ".join(words[(row + i) % len(words)] for i in range(40))
        draw.text((60, 40 + row * 28), line, fill=0, font=font)
    out = io.BytesIO()
    image.save(out, format="PDF", resolution=300)
    return out.getvalue()


def test_a_scan_that_takes_too_long_is_stopped_with_its_ocr_engine() -> None:
    pool = ExtractionPool(1, MAX_STREAM_BYTES)
    page = _dense_page()
    raised: list[ServiceError] = []

    def read() -> None:
        try:  # rendering takes under a second: Tesseract has started when time is up
            pool.ocr_text(page, timeout_seconds=3)
        except ServiceError as exc:
            raised.append(exc)

    reading = threading.Thread(target=read)
    reading.start()
    engines: set[int] = set()
    while reading.is_alive() and not engines:
        engines = _running_tesseracts(under=os.getpid())
        time.sleep(0.05)
    reading.join()
    assert engines, "Tesseract never started"
    assert [(e.status_code, e.error) for e in raised] == [(422, "ocr_timeout")]
    deadline = time.monotonic() + 2
    while _running_tesseracts() & engines and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _running_tesseracts() & engines, "Tesseract outlived its killed worker"
    # The pool replaced the worker: it still reads pages.
    scan = scanned(generate_invoice(1, 1).pdf)
    assert "Invoice" in pool.ocr_text(scan, timeout_seconds=60)


def _image_declared_huge() -> bytes:
    """A small scan whose image claims to be 30000 x 30000 pixels."""
    out = io.BytesIO()
    Image.new("L", (100, 100), 255).save(out, format="PDF", resolution=10)
    writer = PdfWriter(clone_from=PdfReader(out))
    for reference in writer.pages[0]["/Resources"]["/XObject"].values():
        image = reference.get_object()
        image[NameObject("/Width")] = image[NameObject("/Height")] = NumberObject(30_000)
    written = io.BytesIO()
    writer.write(written)
    return written.getvalue()


@pytest.mark.parametrize(
    ("page", "error"),
    [
        (hostile.decompression_bomb(), "pdf_too_large_inside"),
        (_image_declared_huge(), "ocr_failed"),
    ],
)
def test_a_page_that_would_take_too_much_memory_is_refused_before_rendering(
    page: bytes, error: str
) -> None:
    with pytest.raises(ServiceError) as raised:
        bounded_ocr_text(page, MAX_STREAM_BYTES, timeout_seconds=20)
    assert (raised.value.status_code, raised.value.error) == (422, error)


def test_a_page_that_cannot_be_parsed_is_a_422_as_for_text() -> None:
    with pytest.raises(ServiceError) as raised:
        bounded_ocr_text(b"%PDF-1.7 not really", MAX_STREAM_BYTES, timeout_seconds=20)
    assert (raised.value.status_code, raised.value.error) == (422, "unreadable_pdf")
