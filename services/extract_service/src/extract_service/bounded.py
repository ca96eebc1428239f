"""Page text under limits, so a hostile PDF costs a bounded amount of memory and time.

Decompression is capped through pypdf's own limits. Time is capped by extracting in a
small pool of long-lived worker processes: a page goes to an idle worker over a pipe,
and a worker that overruns is killed and replaced (a thread cannot be stopped). The
workers come from a fork server, which forks from a clean single-threaded process
rather than from this multithreaded web server.

Scanned pages are read (OCR) by the same workers, so text and OCR share one cap on
pages in flight. Each worker leads its own process group: killing the group on an
overrun also stops the OCR engine it started.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue
import signal
import threading
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import cast

from pypdf import apply_configuration
from pypdf.errors import LimitReachedError, PyPdfError

from extract_service.ocr import OcrError, OcrUnavailable, check_images, ocr_page_text
from extract_service.pdf_text import check_streams, page_text
from invoice_shared.web import ServiceError

_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload(["extract_service.pdf_text", "extract_service.ocr", "pypdf"])
_LIMITS = (
    "maximum_declared_stream_length",
    "zlib_maximum_output_length",
    "lzw_maximum_output_length",
    "run_length_maximum_output_length",
    "jbig2_maximum_output_length",
    "array_based_stream_maximum_output_length",
)


def _read(pdf: bytes, timeout_seconds: float) -> str:
    # PDFium decodes what it renders without pypdf's limits: check the page first.
    check_streams(pdf)
    check_images(pdf)
    return ocr_page_text(pdf, timeout_seconds)


def _extract(
    task: str, pdf: bytes, max_stream_bytes: int, timeout_seconds: float
) -> tuple[str, str]:
    try:
        with apply_configuration(None, **dict.fromkeys(_LIMITS, max_stream_bytes)):
            return "ok", _read(pdf, timeout_seconds) if task == "ocr" else page_text(pdf)
    except OcrUnavailable as exc:
        return "ocr_unavailable", str(exc)
    except OcrError as exc:
        return "ocr_failed", str(exc)
    except LimitReachedError as exc:
        return "limit", str(exc)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError) as exc:
        return "unreadable", f"{type(exc).__name__}: {exc}"


def _serve(conn: Connection, max_stream_bytes: int) -> None:
    """A worker: extract or read each PDF it is sent until its pipe closes."""
    os.setpgid(0, 0)  # a group of its own, which its children join
    while True:
        try:
            task, pdf, timeout_seconds = conn.recv()
        except EOFError:
            return
        conn.send(_extract(task, pdf, max_stream_bytes, timeout_seconds))


class ExtractionPool:
    def __init__(self, size: int, max_stream_bytes: int) -> None:
        self.max_stream_bytes = max_stream_bytes
        self._idle: queue.Queue[tuple[BaseProcess, Connection]] = queue.Queue()
        for _ in range(size):
            self._idle.put(self._start_worker())

    def _start_worker(self) -> tuple[BaseProcess, Connection]:
        ours, theirs = _CONTEXT.Pipe()
        worker = _CONTEXT.Process(target=_serve, args=(theirs, self.max_stream_bytes), daemon=True)
        worker.start()
        theirs.close()
        return worker, ours

    def text(self, pdf: bytes, timeout_seconds: float) -> str:
        """The page's text within the limits; input faults and overruns are 422s (the
        workflow does not retry them: the same page would fail the same way)."""
        return self._run("text", pdf, timeout_seconds)

    def ocr_text(self, pdf: bytes, timeout_seconds: float) -> str:
        """The scanned page's text read by OCR, as layout text; faults as in `text`,
        except a missing OCR engine, which is this server's fault (503)."""
        return self._run("ocr", pdf, timeout_seconds)

    def _run(self, task: str, pdf: bytes, timeout_seconds: float) -> str:
        """A worker's text for `task`, or the ServiceError its answer stands for."""
        what = "reading the scanned page (OCR)" if task == "ocr" else "extracting the page's text"
        worker, conn = self._idle.get()  # waits while every worker is busy
        try:
            conn.send((task, pdf, timeout_seconds))
            if not conn.poll(timeout_seconds):
                error = "ocr_timeout" if task == "ocr" else "extraction_timeout"
                raise ServiceError(422, error, f"{what} took over {timeout_seconds:g} s")
            kind, value = cast(tuple[str, str], conn.recv())  # what _extract returns
        except ServiceError:
            self._replace(worker, conn)
            raise
        except (EOFError, OSError) as exc:  # the worker died (out of memory, say)
            self._replace(worker, conn)
            error = "ocr_failed" if task == "ocr" else "extraction_failed"
            raise ServiceError(422, error, f"{what} failed: the worker died") from exc
        self._idle.put((worker, conn))
        if kind == "limit":
            raise ServiceError(
                422,
                "pdf_too_large_inside",
                f"a stream on the page decompresses beyond {self.max_stream_bytes} bytes "
                f"(decompression bomb?): {value}",
            )
        if kind == "unreadable":
            raise ServiceError(422, "unreadable_pdf", f"the page cannot be parsed: {value}")
        if kind == "ocr_unavailable":
            raise ServiceError(503, "ocr_unavailable", f"OCR is not available: {value}")
        if kind == "ocr_failed":
            raise ServiceError(422, "ocr_failed", f"the scanned page could not be read: {value}")
        return value

    def _replace(self, worker: BaseProcess, conn: Connection) -> None:
        # The group first, while the worker's pid cannot yet be reused: that also
        # stops an OCR engine the worker started.
        if worker.pid is not None:
            # No such group: the worker is not yet a leader, and killing it suffices.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(worker.pid, signal.SIGKILL)
        worker.kill()
        worker.join(timeout=5)
        conn.close()
        self._idle.put(self._start_worker())


_pool: ExtractionPool | None = None
_pool_lock = threading.Lock()


def _shared_pool(max_stream_bytes: int, workers: int) -> ExtractionPool:
    """The service's pool, started on first use."""
    global _pool
    with _pool_lock:
        if _pool is None or _pool.max_stream_bytes != max_stream_bytes:
            _pool = ExtractionPool(workers, max_stream_bytes)
        return _pool


def bounded_page_text(
    pdf: bytes, max_stream_bytes: int, timeout_seconds: float, workers: int = 4
) -> str:
    """page_text() through the service's pool."""
    return _shared_pool(max_stream_bytes, workers).text(pdf, timeout_seconds)


def bounded_ocr_text(
    pdf: bytes, max_stream_bytes: int, timeout_seconds: float, workers: int = 4
) -> str:
    """ocr.ocr_page_text() through the same pool: a scanned page as layout text."""
    return _shared_pool(max_stream_bytes, workers).ocr_text(pdf, timeout_seconds)
