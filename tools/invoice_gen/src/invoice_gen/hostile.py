"""Broken and hostile PDFs, made in code, for tests that try to break the system."""

from __future__ import annotations

import io
import zlib

from pypdf import PdfWriter
from pypdf.generic import (
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    StreamObject,
    TextStringObject,
)

from invoice_gen.generator import generate_invoice


def _bytes(writer: PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def valid(pages: int = 1) -> bytes:
    return generate_invoice(seed=7, pages=pages).pdf


def truncated() -> bytes:
    data = valid()
    return data[: len(data) // 2]


def broken_xref() -> bytes:
    """A valid file whose cross-reference offsets all point to the wrong place."""
    data = bytearray(valid())
    start = data.rfind(b"xref")
    table = data[start:].replace(b"0000000", b"9999999")
    return bytes(data[:start] + table)


def encrypted(password: str) -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(valid()))
    writer.encrypt(user_password=password, owner_password="owner-secret")
    return _bytes(writer)


def zero_pages() -> bytes:
    return _bytes(PdfWriter())


def many_pages(count: int) -> bytes:
    writer = PdfWriter()
    for _ in range(count):
        writer.add_blank_page(width=595, height=842)
    return _bytes(writer)


def _page_with_content(content: bytes, compress: bool) -> bytes:
    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})}
    )
    if compress:
        stream = StreamObject()
        stream.set_data(zlib.compress(content, 9))
        stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    else:
        stream = DecodedStreamObject()
        stream.set_data(content)
    page[NameObject("/Contents")] = writer._add_object(stream)
    return _bytes(writer)


def decompression_bomb(expanded_bytes: int = 200 * 1024 * 1024) -> bytes:
    """A small file whose page stream inflates to `expanded_bytes` (200 MiB: ~200 KiB)."""
    return _page_with_content(b" " * expanded_bytes, compress=True)


def slow_page(operations: int = 2_000_000) -> bytes:
    """A page with so many text operations that extracting it takes seconds (2.6 s
    here; 400,000 took 0.4 s once extraction got faster, too close to a test's limit)."""
    return _page_with_content(b"BT /F1 9 Tf 10 10 Td (x) Tj ET\n" * operations, compress=True)


def _with_open_action(action: DictionaryObject) -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(valid()))
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    return _bytes(writer)


def with_javascript() -> bytes:
    """JavaScript that would run when a viewer opens the file."""
    return _with_open_action(
        DictionaryObject(
            {
                NameObject("/S"): NameObject("/JavaScript"),
                NameObject("/JS"): TextStringObject("app.alert('hello');"),
            }
        )
    )


def with_embedded_file() -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(valid()))
    writer.add_attachment("payload.exe", b"MZ\x90\x00 not really")
    return _bytes(writer)


def with_open_action_uri() -> bytes:
    """A link to the cloud metadata address, followed when a viewer opens the file."""
    return _with_open_action(
        DictionaryObject(
            {
                NameObject("/S"): NameObject("/URI"),
                NameObject("/URI"): TextStringObject("http://169.254.169.254/"),
            }
        )
    )
