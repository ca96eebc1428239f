"""Splitting a PDF into single-page PDFs with pypdf (pure: bytes in, bytes out)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pypdf import PageObject, PasswordType, PdfReader, PdfWriter
from pypdf.errors import DependencyError, PdfReadError
from pypdf.generic import DictionaryObject

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
        # Many invoices are encrypted only to restrict printing or editing: they open
        # with the empty password, and their pages are written out unencrypted.
        if reader.is_encrypted and not _opens_without_password(reader):
            raise ServiceError(
                422, "encrypted_pdf", "the PDF needs a password to open; send it unencrypted"
            )
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
    # A page that references no font cannot carry a text layer (a scan, say). Fonts
    # may sit in the page's resources or in those of a form it draws (invoices made
    # from templates often put all their text in one).
    return _resources_have_fonts(page.get("/Resources"), depth=3)


def _resources_have_fonts(resources: Any, depth: int) -> bool:
    resources = resources.get_object() if resources is not None else None
    if not isinstance(resources, DictionaryObject):
        return False
    if resources.get("/Font"):
        return True
    if depth == 0:
        return False
    xobjects = resources.get("/XObject")
    xobjects = xobjects.get_object() if xobjects is not None else None
    if not isinstance(xobjects, DictionaryObject):
        return False
    for reference in list(xobjects.values())[:64]:  # bounded: a hostile page may list many
        form = reference.get_object()
        is_form = isinstance(form, DictionaryObject) and form.get("/Subtype") == "/Form"
        if is_form and _resources_have_fonts(form.get("/Resources"), depth - 1):
            return True
    return False


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


def _opens_without_password(reader: PdfReader) -> bool:
    try:
        return reader.decrypt("") != PasswordType.NOT_DECRYPTED
    except (DependencyError, PdfReadError, NotImplementedError):
        return False  # an algorithm this build cannot decrypt (AES needs `cryptography`)
