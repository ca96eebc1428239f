"""Hostile pages cost bounded memory and time in the extract service."""

from __future__ import annotations

import io
import time

import pytest
from pypdf import PdfReader

from extract_service.bounded import bounded_page_text
from invoice_gen import hostile
from invoice_shared.web import ServiceError


def test_a_normal_page_is_extracted():
    text = bounded_page_text(hostile.valid(), max_stream_bytes=20_000_000, timeout_seconds=20)
    assert "Invoice" in text or "INVOICE" in text


def test_a_decompression_bomb_is_a_422_not_a_memory_blowup():
    bomb = hostile.decompression_bomb()
    assert len(bomb) < 1_000_000  # small file...
    with pytest.raises(ServiceError) as raised:
        bounded_page_text(bomb, max_stream_bytes=20_000_000, timeout_seconds=20)
    assert (raised.value.status_code, raised.value.error) == (422, "pdf_too_large_inside")


def test_a_page_that_takes_too_long_is_stopped():
    slow = hostile.slow_page()
    started = time.monotonic()
    with pytest.raises(ServiceError) as raised:
        bounded_page_text(slow, max_stream_bytes=200_000_000, timeout_seconds=0.5)
    assert raised.value.error == "extraction_timeout"
    assert time.monotonic() - started < 5  # stopped, not waited out


def test_the_hostile_corpus_is_what_it_claims():
    assert PdfReader(io.BytesIO(hostile.encrypted(""))).is_encrypted
    assert len(PdfReader(io.BytesIO(hostile.many_pages(3000))).pages) == 3000
    assert len(PdfReader(io.BytesIO(hostile.zero_pages())).pages) == 0
    root = PdfReader(io.BytesIO(hostile.with_javascript())).trailer["/Root"]
    assert root["/OpenAction"]["/S"] == "/JavaScript"
    assert list(PdfReader(io.BytesIO(hostile.with_embedded_file())).attachments) == ["payload.exe"]
