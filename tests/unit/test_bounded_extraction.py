"""Hostile pages cost bounded memory and time in the extract service."""

from __future__ import annotations

import io
import os
import signal
import time

import pytest
from pypdf import PdfReader

from extract_service import bounded
from extract_service.bounded import bounded_page_text
from invoice_gen import hostile
from invoice_shared.web import ServiceError

from .pool_test_workers import dying_serve, late_serve, mute_serve


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
    slow = hostile.slow_page()  # seconds of extraction
    pool = bounded.ExtractionPool(1, 200_000_000)
    assert "Invoice" in pool.text(hostile.valid(), timeout_seconds=20)  # started and ready
    started = time.monotonic()
    with pytest.raises(ServiceError) as raised:
        pool.text(slow, timeout_seconds=0.5)
    assert raised.value.error == "extraction_timeout"
    assert time.monotonic() - started < 2.5  # stopped, not waited out
    assert "Invoice" in pool.text(hostile.valid(), timeout_seconds=20)  # and replaced


def test_the_hostile_corpus_is_what_it_claims():
    assert PdfReader(io.BytesIO(hostile.encrypted(""))).is_encrypted
    assert len(PdfReader(io.BytesIO(hostile.many_pages(3000))).pages) == 3000
    assert len(PdfReader(io.BytesIO(hostile.zero_pages())).pages) == 0
    root = PdfReader(io.BytesIO(hostile.with_javascript())).trailer["/Root"]
    assert root["/OpenAction"]["/S"] == "/JavaScript"
    assert list(PdfReader(io.BytesIO(hostile.with_embedded_file())).attachments) == ["payload.exe"]


def test_a_worker_slow_to_start_does_not_count_against_the_page():
    # What failed an invoice in CI: a new worker, slow to start on a busy machine,
    # used up the page's time before it saw the page.
    pool = bounded.ExtractionPool(1, 20_000_000, worker_main=late_serve)
    assert "Invoice" in pool.text(hostile.valid(), timeout_seconds=1.5)


@pytest.mark.parametrize(
    ("worker", "why"),
    [(mute_serve, "did not start within 3 s"), (dying_serve, "exited while starting")],
)
def test_a_worker_that_never_starts_is_the_servers_fault_not_the_pages(worker, why):
    pool = bounded.ExtractionPool(1, 20_000_000, start_seconds=3, worker_main=worker)
    started = time.monotonic()
    with pytest.raises(ServiceError) as raised:
        pool.text(hostile.valid(), timeout_seconds=20)
    # 503: the workflow tries the page again; a 422 would fail the invoice.
    assert (raised.value.status_code, raised.value.error) == (503, "extraction_unavailable")
    assert raised.value.message == f"an extraction worker {why}"
    assert time.monotonic() - started < 10


def test_a_worker_that_died_while_idle_is_replaced_and_the_page_read():
    pool = bounded.ExtractionPool(1, 20_000_000)
    assert "Invoice" in pool.text(hostile.valid(), timeout_seconds=20)
    slot = pool._idle.queue[0]
    assert slot.process is not None and slot.process.pid is not None
    os.kill(slot.process.pid, signal.SIGKILL)
    slot.process.join(timeout=5)
    assert "Invoice" in pool.text(hostile.valid(), timeout_seconds=20)


def test_a_worker_still_starting_is_kept_not_killed():
    pool = bounded.ExtractionPool(1, 20_000_000, start_seconds=0.5, worker_main=late_serve)
    first = pool._idle.queue[0].process
    with pytest.raises(ServiceError) as raised:
        pool.text(hostile.valid(), timeout_seconds=20)
    assert raised.value.status_code == 503
    # The next page finds the same worker, now started: no restart loop on a busy machine.
    pool.start_seconds = 10
    assert "Invoice" in pool.text(hostile.valid(), timeout_seconds=20)
    assert pool._idle.queue[0].process is first
