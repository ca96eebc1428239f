"""The text layer of a single-page PDF, as positioned text."""

from __future__ import annotations

import io

from pypdf import PdfReader


def page_text(pdf: bytes) -> str:
    """Text of the first (only) page of `pdf`; "" when the page has no text layer.

    Layout mode rather than plain mode: plain mode joins a table row's cells and
    side-by-side blocks with single spaces, losing where one cell ends and the next
    begins. Layout mode keeps each piece of text at its horizontal position, so
    cells are separated by runs of spaces, a value printed under its label shares
    its columns, and a row of a table stays one line. The field parser relies on all
    three.
    """
    reader = PdfReader(io.BytesIO(pdf))
    if not reader.pages:
        return ""
    return reader.pages[0].extract_text(extraction_mode="layout")
