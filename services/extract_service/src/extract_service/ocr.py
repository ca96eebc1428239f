"""Text of a scanned page: PDFium renders it, Tesseract reads it, words become layout text.

Settings measured on generated invoices scanned at 300 dpi: rendering at 300 dpi reads
fields best (200 and 250 dpi lose 1-2 % of fields, 400 dpi gains nothing and costs half
as much again); page segmentation mode 4 (one column of lines of varying size) keeps a
table row on one line, where mode 6 misreads rows under ruled lines and modes 3 and 11
drop short cells such as a quantity of "2".

Runs inside an extraction worker (see `bounded`), which is single-threaded and is
killed, with its process group, when a page overruns; Tesseract is a child of it.
"""

from __future__ import annotations

import io
import os
import subprocess
import time

import pypdfium2 as pdfium

from extract_service.ocr_language import ENGLISH, guess_language
from extract_service.ocr_layout import Word, layout_text
from extract_service.pdf_text import page_xobjects

DPI = 300
# The rendered bitmap is capped (an A4 page at 300 dpi is 8.7 megapixels): a page
# declared poster-sized is read at a lower resolution rather than exhausting memory.
MAX_PIXELS = 12_000_000
# PDFium decodes an image whole before scaling it down, so the images' declared size is
# the memory a render takes. A 600 dpi colour A4 scan is 35 megapixels.
MAX_IMAGE_PIXELS = 100_000_000
PAGE_SEGMENTATION = 4
TESSERACT = "tesseract"
# Tesseract's OpenMP threads spin while they wait; on a small shared machine one
# thread per page is several times faster, and pages already run in parallel.
_ENV = {**os.environ, "OMP_THREAD_LIMIT": "1"}


class OcrError(Exception):
    """The page could not be rendered or read."""


class OcrUnavailable(OcrError):
    """The OCR engine is missing on this machine: a fault of the server, not the page."""


def check_images(pdf: bytes) -> None:
    """Refuse a page whose images (inside forms too) add up to more than
    MAX_IMAGE_PIXELS, before PDFium would decode them."""
    pixels = sum(
        int(xobject.get("/Width", 0)) * int(xobject.get("/Height", 0))
        for xobject in page_xobjects(pdf)
        if xobject.get("/Subtype") == "/Image"
    )
    if pixels > MAX_IMAGE_PIXELS:
        raise OcrError(
            f"the page's images are declared as {pixels / 1e6:.0f} megapixels, "
            f"over the {MAX_IMAGE_PIXELS / 1e6:.0f} a scan can need"
        )


def render_page(pdf: bytes, dpi: int = DPI) -> tuple[bytes, int]:
    """The first page of `pdf` as a grayscale PGM image, and the resolution used."""
    try:
        document = pdfium.PdfDocument(pdf)
    except pdfium.PdfiumError as exc:
        raise OcrError(f"the page cannot be rendered: {exc}") from exc
    try:
        if len(document) == 0:
            raise OcrError("the PDF has no page")
        page = document[0]
        width, height = page.get_size()  # points
        dpi = min(dpi, int(72 * (MAX_PIXELS / max(width * height, 1.0)) ** 0.5))
        image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
    finally:
        document.close()
    out = io.BytesIO()
    image.save(out, format="PPM")  # binary PGM: the cheapest format Tesseract reads
    return out.getvalue(), dpi


def read_words(
    image: bytes,
    dpi: int,
    timeout_seconds: float,
    languages: str = ENGLISH,
    psm: int = PAGE_SEGMENTATION,
) -> list[Word]:
    """Words Tesseract finds in `image`, through stdin and stdout."""
    command = [TESSERACT, "stdin", "stdout", "--dpi", str(dpi), "--psm", str(psm)]
    command += ["-l", languages, "tsv"]
    try:
        done = subprocess.run(
            command, input=image, capture_output=True, timeout=timeout_seconds, env=_ENV
        )
    except subprocess.TimeoutExpired as exc:
        raise OcrError(f"OCR took over {timeout_seconds:g} s") from exc
    except OSError as exc:
        raise OcrUnavailable(f"cannot run {TESSERACT}: {exc}") from exc
    if done.returncode != 0:
        lines = done.stderr.decode(errors="replace").strip().splitlines()
        message = f"{TESSERACT} failed: {lines[-1] if lines else done.returncode}"
        if any("Failed loading language" in line for line in lines):
            raise OcrUnavailable(message)
        raise OcrError(message)
    return parse_tsv(done.stdout.decode(errors="replace"))


def parse_tsv(tsv: str) -> list[Word]:
    """Words from Tesseract's TSV: rows of level 5, with their block/paragraph/line."""
    words = []
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) != 12 or cells[0] != "5" or not cells[11].strip():
            continue
        block, paragraph, line = (int(cell) for cell in cells[2:5])
        left, top, width, height = (int(cell) for cell in cells[6:10])
        words.append(Word(cells[11], left, top, width, height, (block, paragraph, line)))
    return words


def ocr_page_text(pdf: bytes, timeout_seconds: float) -> str:
    """Layout text of a scanned single-page PDF (see `ocr_layout`).

    Read in English first; a page in another of our languages is read again with
    that language's model (see `ocr_language`), which costs a second pass.
    """
    deadline = time.monotonic() + timeout_seconds
    image, dpi = render_page(pdf)
    words = read_words(image, dpi, deadline - time.monotonic())
    language = guess_language(word.text for word in words)
    if language != ENGLISH:
        # English second: foreign invoices quote English words too.
        words = read_words(image, dpi, deadline - time.monotonic(), f"{language}+{ENGLISH}")
    return layout_text(words)
