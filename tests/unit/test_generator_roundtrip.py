"""Generated invoices, and the full page pipeline recovering them exactly.

The round trip mirrors the services: split the PDF into single-page PDFs, take each
page's text, parse it, merge the pages, and compare with the generator's truth.
"""

from __future__ import annotations

import io
import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from aggregate_service.merge import aggregate
from extract_service.fields import parse_page
from extract_service.pdf_text import page_text
from invoice_gen import GeneratedInvoice, generate_invoice
from invoice_gen.cli import main as cli_main
from invoice_gen.generator import MAX_PAGES
from invoice_shared.models import AggregatedInvoice

DATA_DIR = Path(__file__).resolve().parents[2] / "data"

# Every seed has its own look (vendor, currency, layout, formats); longer invoices
# exercise continuation pages, so fewer seeds are needed there to stay fast.
ROUND_TRIPS = [(seed, pages) for pages in (1, 2, 3, 7) for seed in range(60)] + [
    (seed, 15) for seed in range(20)
]


def _split(pdf: bytes) -> list[bytes]:
    pages = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        writer = PdfWriter()
        writer.add_page(page)
        buffer = io.BytesIO()
        writer.write(buffer)
        pages.append(buffer.getvalue())
    return pages


def _extract(pdf: bytes, invoice_id: str) -> AggregatedInvoice:
    extractions = [
        parse_page(page_text(page)).to_extraction(invoice_id, number)
        for number, page in enumerate(_split(pdf), start=1)
    ]
    return aggregate(invoice_id, extractions)


def _assert_matches(result: AggregatedInvoice, generated: GeneratedInvoice) -> None:
    truth = generated.truth
    context = generated.summary
    for name in type(truth).model_fields:
        # The truth states values; how sure the extractor was is the extractor's own.
        if name not in ("line_items", "confidence", "source"):
            assert getattr(result, name) == getattr(truth, name), f"{name} differs: {context}"
    assert set(result.source.values()) == {"text"}, context
    assert len(result.line_items) == len(truth.line_items), context
    for number, (got, want) in enumerate(zip(result.line_items, truth.line_items, strict=True)):
        assert got == want, f"line item {number + 1} differs: {context}"


@pytest.mark.parametrize(("seed", "pages"), ROUND_TRIPS)
def test_round_trip_recovers_every_field_and_line_item(seed: int, pages: int) -> None:
    generated = generate_invoice(seed, pages)
    result = _extract(generated.pdf, generated.truth.invoice_id)
    _assert_matches(result, generated)
    assert result.warnings == []


@pytest.mark.parametrize("seed", range(12))
def test_inconsistent_invoice_gives_exactly_the_expected_warning(seed: int) -> None:
    generated = generate_invoice(seed, 1 + seed % 3, inconsistent=True)
    truth = generated.truth
    assert truth.subtotal is not None and truth.tax is not None and truth.total is not None
    assert truth.total != truth.subtotal + truth.tax
    assert len(truth.warnings) == 1
    assert "but the invoice total is" in truth.warnings[0]
    _assert_matches(_extract(generated.pdf, truth.invoice_id), generated)


def test_an_inconsistent_invoice_differs_only_in_its_printed_total() -> None:
    consistent = generate_invoice(9, 2).truth
    broken = generate_invoice(9, 2, inconsistent=True).truth
    assert broken.total != consistent.total
    changed = {"total", "warnings"}
    assert broken.model_dump(exclude=changed) == consistent.model_dump(exclude=changed)


def test_same_seed_and_page_count_give_identical_bytes() -> None:
    first, second = generate_invoice(11, 3), generate_invoice(11, 3)
    assert first.pdf == second.pdf
    assert first.truth == second.truth


def test_different_seeds_give_different_invoices() -> None:
    pdfs = {generate_invoice(seed, 2).pdf for seed in range(10)}
    vendors = {generate_invoice(seed, 1).truth.vendor_name for seed in range(30)}
    currencies = {generate_invoice(seed, 1).truth.currency for seed in range(60)}
    assert len(pdfs) == 10
    assert len(vendors) > 15
    assert currencies == {"USD", "EUR", "GBP", "CHF", "CAD", "AUD", "JPY", "SEK"}


def test_a_seed_keeps_its_vendor_and_look_across_page_counts() -> None:
    short, long = generate_invoice(8, 1), generate_invoice(8, 7)
    assert short.truth.vendor_name == long.truth.vendor_name
    assert short.summary == long.summary


@pytest.mark.parametrize("pages", [1, 2, 15])
def test_the_pdf_has_the_requested_number_of_pages(pages: int) -> None:
    generated = generate_invoice(3, pages)
    assert len(PdfReader(io.BytesIO(generated.pdf)).pages) == pages
    assert generated.truth.page_count == pages
    assert 6 * pages <= len(generated.truth.line_items) <= 14 * pages


def test_a_five_hundred_page_invoice_is_generated() -> None:
    generated = generate_invoice(1, 500)
    assert len(PdfReader(io.BytesIO(generated.pdf)).pages) == 500


@pytest.mark.parametrize("seed", range(40))
def test_truth_amounts_are_arithmetically_consistent(seed: int) -> None:
    truth = generate_invoice(seed, 2).truth
    places = Decimal(1) if truth.currency == "JPY" else Decimal("0.01")
    for item in truth.line_items:
        expected = (item.quantity * item.unit_price).quantize(places, rounding=ROUND_HALF_UP)
        assert item.amount == expected
    assert truth.subtotal == sum(item.amount for item in truth.line_items)
    assert truth.tax is not None and truth.subtotal is not None
    assert truth.total == truth.subtotal + truth.tax
    assert truth.warnings == []


def test_invoice_id_defaults_to_one_derived_from_seed_and_pages() -> None:
    assert generate_invoice(4, 2).truth.invoice_id == "gen-4-2p"
    assert generate_invoice(4, 2, invoice_id="INV-X").truth.invoice_id == "INV-X"


@pytest.mark.parametrize("pages", [0, MAX_PAGES + 1])
def test_page_counts_out_of_range_are_rejected(pages: int) -> None:
    with pytest.raises(ValueError, match="pages"):
        generate_invoice(1, pages)


def test_an_invalid_invoice_id_is_rejected() -> None:
    with pytest.raises(ValueError, match="invoice id"):
        generate_invoice(1, 1, invoice_id="bad id/with:colon")


def test_the_cli_writes_a_pdf_and_its_truth(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli_main(["--out", str(tmp_path), "--seed", "5", "--pages", "2", "--name", "demo"]) == 0
    truth = AggregatedInvoice.model_validate_json((tmp_path / "demo.json").read_text())
    assert truth.invoice_id == "demo"
    assert (tmp_path / "demo.pdf").read_bytes() == generate_invoice(5, 2, invoice_id="demo").pdf
    assert "demo.pdf" in capsys.readouterr().out


def test_the_cli_writes_one_pair_of_files_per_seed(tmp_path: Path) -> None:
    cli_main(["--out", str(tmp_path), "--seed", "3", "--pages", "1", "--count", "3"])
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        f"invoice-{seed}-1p.{ext}" for seed in (3, 4, 5) for ext in ("json", "pdf")
    ]


def test_the_cli_rejects_a_page_count_out_of_range(tmp_path: Path) -> None:
    with pytest.raises(SystemExit):
        cli_main(["--out", str(tmp_path), "--seed", "1", "--pages", "0"])


DEMO_TRUTHS = sorted(path for path in DATA_DIR.glob("*.json") if path.with_suffix(".pdf").exists())


@pytest.mark.parametrize("truth_path", DEMO_TRUTHS, ids=lambda path: path.stem)
def test_committed_demo_data_round_trips_to_its_truth(truth_path: Path) -> None:
    truth = AggregatedInvoice.model_validate(json.loads(truth_path.read_text()))
    pdf = truth_path.with_suffix(".pdf").read_bytes()
    result = _extract(pdf, truth.invoice_id)
    evidence = {"confidence", "source"}  # the extractor's own, not part of the truth
    assert result.model_dump(exclude=evidence) == truth.model_dump(exclude=evidence)
    assert len(pdf) < 50_000
