"""A stored page as a picture: what a person compares the extracted fields with.

PDFium renders; it is not thread-safe, so one render runs at a time in this process.
Pages here are ones our split service wrote (single pages, already parsed once), and
the width is capped, which bounds the memory a render takes.
"""

from __future__ import annotations

import io
import threading

import pypdfium2 as pdfium

from invoice_shared.web import ServiceError

MAX_WIDTH_PX = 1600
_PDFIUM = threading.Lock()


def page_png(pdf: bytes, width_px: int) -> bytes:
    """The first page of `pdf` as a PNG `width_px` wide (height to scale)."""
    with _PDFIUM:
        try:
            document = pdfium.PdfDocument(pdf)
        except pdfium.PdfiumError as exc:
            message = f"the page cannot be rendered: {exc}"
            raise ServiceError(422, "unreadable_pdf", message) from exc
        try:
            if len(document) == 0:
                raise ServiceError(422, "unreadable_pdf", "the PDF has no page to render")
            page = document[0]
            bitmap = page.render(scale=min(width_px, MAX_WIDTH_PX) / page.get_width())
            image = bitmap.to_pil()
        finally:
            document.close()
    out = io.BytesIO()
    # Palette PNGs keep a text page small (about a tenth of RGB) and still legible.
    image.convert("RGB").quantize(colors=64).save(out, format="PNG", optimize=True)
    return out.getvalue()
