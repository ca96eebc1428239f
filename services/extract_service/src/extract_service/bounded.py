"""Page text under limits, so a hostile PDF costs a bounded amount of memory and time.

Decompression is capped through pypdf's own limits. Time is capped by extracting in a
small pool of long-lived worker processes: a page goes to an idle worker over a pipe,
and a worker that overruns is killed and replaced (a thread cannot be stopped). The
workers come from a fork server, which forks from a clean single-threaded process
rather than from this multithreaded web server.
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import cast

from pypdf import apply_configuration
from pypdf.errors import LimitReachedError, PyPdfError

from extract_service.pdf_text import page_text
from invoice_shared.web import ServiceError

_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload(["extract_service.pdf_text", "pypdf"])
_LIMITS = (
    "maximum_declared_stream_length",
    "zlib_maximum_output_length",
    "lzw_maximum_output_length",
    "run_length_maximum_output_length",
    "jbig2_maximum_output_length",
    "array_based_stream_maximum_output_length",
)


def _extract(pdf: bytes, max_stream_bytes: int) -> tuple[str, str]:
    try:
        with apply_configuration(None, **dict.fromkeys(_LIMITS, max_stream_bytes)):
            return "ok", page_text(pdf)
    except LimitReachedError as exc:
        return "limit", str(exc)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError) as exc:
        return "unreadable", f"{type(exc).__name__}: {exc}"


def _serve(conn: Connection, max_stream_bytes: int) -> None:
    """A worker: extract each PDF it is sent until its pipe closes."""
    while True:
        try:
            pdf = conn.recv()
        except EOFError:
            return
        conn.send(_extract(pdf, max_stream_bytes))


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
        worker, conn = self._idle.get()  # waits while every worker is busy
        try:
            conn.send(pdf)
            if not conn.poll(timeout_seconds):
                raise ServiceError(
                    422,
                    "extraction_timeout",
                    f"extracting the page's text took over {timeout_seconds:g} s",
                )
            kind, value = cast(tuple[str, str], conn.recv())  # what _extract returns
        except ServiceError:
            self._replace(worker, conn)
            raise
        except (EOFError, OSError) as exc:  # the worker died (out of memory, say)
            self._replace(worker, conn)
            raise ServiceError(422, "extraction_failed", "the page could not be extracted") from exc
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
        return value

    def _replace(self, worker: BaseProcess, conn: Connection) -> None:
        worker.kill()
        worker.join(timeout=5)
        conn.close()
        self._idle.put(self._start_worker())


_pool: ExtractionPool | None = None
_pool_lock = threading.Lock()


def bounded_page_text(
    pdf: bytes, max_stream_bytes: int, timeout_seconds: float, workers: int = 4
) -> str:
    """page_text() through the service's pool, started on first use."""
    global _pool
    with _pool_lock:
        if _pool is None or _pool.max_stream_bytes != max_stream_bytes:
            _pool = ExtractionPool(workers, max_stream_bytes)
        pool = _pool
    return pool.text(pdf, timeout_seconds)
