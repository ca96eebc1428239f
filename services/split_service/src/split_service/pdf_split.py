"""Splitting a PDF into single-page PDFs with pypdf (pure: bytes in, bytes out)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.errors import PdfReadError

from invoice_shared.web import ServiceError


@dataclass(frozen=True)
class SplitPage:
    page_number: int
    pdf: bytes
    width_pt: float
    height_pt: float
    rotation: int
    has_text_layer: bool


def open_pdf(data: bytes, max_pages: int) -> PdfReader:
    """Parse `data`, turning every way a PDF can be unusable into a 422."""
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise ServiceError(422, "encrypted_pdf", "the PDF is encrypted; send it unencrypted")
        count = len(reader.pages)
    except ServiceError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ServiceError(422, "unreadable_pdf", f"the PDF cannot be parsed: {exc}") from exc
    if count == 0:
        raise ServiceError(422, "no_pages", "the PDF has no pages")
    if count > max_pages:
        raise ServiceError(
            422, "too_many_pages", f"the PDF has {count} pages; the limit is {max_pages}"
        )
    return reader


def _has_fonts(page: PageObject) -> bool:
    # A page that references no font cannot carry a text layer (a scan, say).
    resources = page.get("/Resources")
    resources = resources.get_object() if resources is not None else None
    return bool(resources and resources.get("/Font"))


def split_pages(reader: PdfReader) -> Iterator[SplitPage]:
    """Yield each page as its own PDF, with the metadata the extractor needs."""
    for index, page in enumerate(reader.pages):
        writer = PdfWriter()
        writer.add_page(page)
        buffer = io.BytesIO()
        writer.write(buffer)
        box = page.mediabox
        yield SplitPage(
            page_number=index + 1,
            pdf=buffer.getvalue(),
            width_pt=float(box.width),
            height_pt=float(box.height),
            rotation=int(page.rotation) % 360,
            has_text_layer=_has_fonts(page),
        )
