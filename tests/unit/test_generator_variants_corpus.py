"""Image-only copies of generated invoices, and corpus folders of localised invoices."""

from __future__ import annotations

import io
import json
import random
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader

from invoice_gen import Variant, generate_invoice
from invoice_gen.cli import main as cli_main
from invoice_gen.corpus import write_corpus
from invoice_gen.formatting import NUMBER_STYLES, format_number
from invoice_gen.scan import rasterize_pdf, realistic_look
from invoice_shared.models import AggregatedInvoice

# Low resolutions keep these tests fast; the code path is the same at 200-300 dpi.
TEST_DPI = 72
DOCUMENT_KEYS = ("language", "scanned", "variant")


def _page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def _pdfium_chars(pdf: bytes) -> int:
    document = pdfium.PdfDocument(pdf)
    return sum(document[index].get_textpage().count_chars() for index in range(len(document)))


@pytest.fixture(scope="module")
def invoice() -> bytes:
    return generate_invoice(4, 2, variant=Variant("de")).pdf


# -- image-only copies -----------------------------------------------------------


def test_an_image_only_copy_has_no_text_layer_and_the_same_pages(invoice: bytes) -> None:
    assert all(_page_texts(invoice)) and _pdfium_chars(invoice) > 100
    scan = rasterize_pdf(invoice, dpi=TEST_DPI)
    assert _page_texts(scan) == ["", ""]
    assert _pdfium_chars(scan) == 0
    original = pdfium.PdfDocument(invoice)
    copy = pdfium.PdfDocument(scan)
    assert len(copy) == len(original)
    for index in range(len(copy)):
        assert copy[index].get_size() == pytest.approx(original[index].get_size(), abs=0.01)


@pytest.mark.parametrize("dpi", [72, 150])
def test_each_page_is_one_picture_at_the_chosen_resolution(invoice: bytes, dpi: int) -> None:
    page = PdfReader(io.BytesIO(rasterize_pdf(invoice, dpi=dpi))).pages[0]
    (image,) = page.images
    assert image.image is not None
    assert image.image.width == pytest.approx(float(page.mediabox.width) * dpi / 72, abs=1)
    assert image.image.mode == "L"


def test_realism_greys_and_tilts_the_page_and_is_repeatable(invoice: bytes) -> None:
    clean = rasterize_pdf(invoice, dpi=TEST_DPI)
    scanned = rasterize_pdf(invoice, dpi=TEST_DPI, realism=True, seed=5)
    assert scanned == rasterize_pdf(invoice, dpi=TEST_DPI, realism=True, seed=5)
    assert scanned != rasterize_pdf(invoice, dpi=TEST_DPI, realism=True, seed=6)

    def corner(pdf: bytes) -> int:
        image = PdfReader(io.BytesIO(pdf)).pages[0].images[0].image
        assert image is not None
        return int(image.getpixel((20, 20)))  # type: ignore[arg-type]

    assert corner(clean) >= 250
    assert corner(scanned) < 250
    looks = [realistic_look(random.Random(seed)) for seed in range(50)]
    assert all(0 < abs(look.rotation) < 1 for look in looks)
    assert all(225 <= look.background < 255 for look in looks)


def test_an_unusable_resolution_is_rejected(invoice: bytes) -> None:
    with pytest.raises(ValueError, match="dpi"):
        rasterize_pdf(invoice, dpi=10)


# -- corpus folders ----------------------------------------------------------------


def _truth(path: Path) -> tuple[AggregatedInvoice, dict[str, object]]:
    document = json.loads(path.read_text(encoding="utf-8"))
    extra = {key: document.pop(key) for key in DOCUMENT_KEYS}
    return AggregatedInvoice.model_validate(document), extra


def test_a_corpus_writes_each_invoice_with_its_truth(tmp_path: Path) -> None:
    entries = write_corpus(
        tmp_path,
        count=8,
        seed=3,
        languages=("de", "fr"),
        image_only_share=0.25,
        dpi=TEST_DPI,
    )
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(
        f"{entry.invoice_id}.{ext}" for entry in entries for ext in ("pdf", "json")
    )
    assert [entry.language for entry in entries] == ["de", "fr"] * 4
    assert sum(entry.scanned for entry in entries) == 2
    for entry in entries:
        truth, extra = _truth(entry.truth_path)
        assert truth.invoice_id == entry.invoice_id == entry.pdf_path.stem
        assert extra["language"] == entry.language
        assert extra["scanned"] is entry.scanned
        variant = extra["variant"]
        assert isinstance(variant, dict) and variant["language"] == entry.language
        assert None not in variant.values()
        texts = _page_texts(entry.pdf_path.read_bytes())
        assert len(texts) == truth.page_count == entry.pages
        if entry.scanned:
            assert texts == [""] * entry.pages
        else:
            assert truth.total is not None
            style = NUMBER_STYLES[variant["number_format"]]
            assert format_number(truth.total, style, 2) in "\n".join(texts)


def test_the_same_arguments_write_the_same_files(tmp_path: Path) -> None:
    for name in ("a", "b"):
        write_corpus(tmp_path / name, count=4, seed=9, image_only_share=0.5, dpi=TEST_DPI)
    first = sorted((tmp_path / "a").iterdir())
    assert len(first) == 8
    for path in first:
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes(), path.name
    write_corpus(tmp_path / "c", count=4, seed=10, image_only_share=0.5, dpi=TEST_DPI)
    other = {path.name: path.read_bytes() for path in (tmp_path / "c").iterdir()}
    assert not any(other.get(path.name) == path.read_bytes() for path in first)


def test_the_corpus_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["corpus", str(tmp_path), "--count", "3", "--seed", "2", "--languages", "it,pt"]
    assert cli_main([*argv, "--image-only-share", "0.34", "--dpi", str(TEST_DPI)]) == 0
    assert "3 invoices (1 image-only)" in capsys.readouterr().out
    names = sorted(path.name for path in tmp_path.iterdir())
    assert names == sorted(
        f"c2-{index:04d}-{language}.{ext}"
        for index, language in enumerate(("it", "pt", "it"))
        for ext in ("json", "pdf")
    )


@pytest.mark.parametrize(
    "extra", [["--languages", "de,xx"], ["--image-only-share", "1.5"], ["--count", "0"]]
)
def test_the_corpus_command_rejects_bad_arguments(tmp_path: Path, extra: list[str]) -> None:
    with pytest.raises(SystemExit):
        cli_main(["corpus", str(tmp_path), "--count", "2", "--seed", "1", *extra])
