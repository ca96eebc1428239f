"""Page text under limits, so a hostile PDF costs a bounded amount of memory and time.

Decompression is capped through pypdf's own limits. Time is capped by extracting in a
small pool of long-lived worker processes: a page goes to an idle worker over a pipe,
and a worker that overruns is killed and replaced (a thread cannot be stopped). The
workers come from a fork server, which forks from a clean single-threaded process
rather than from this multithreaded web server. What a worker runs is in `pool_worker`;
a page's time starts when its worker has said it is ready, never while it starts.

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
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import cast

from extract_service.pool_worker import READY, serve
from invoice_shared.web import ServiceError

_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload(["extract_service.pool_worker"])

# Longest a new worker may take to say it is ready (it imports the PDF libraries: a
# fraction of a second, a few on a busy machine). Kept well under the callers' own
# timeout (60 s), so that they see our 503 rather than time out themselves.
WORKER_START_SECONDS = 15.0

_Serve = Callable[[Connection, int], None]


@dataclass
class _Worker:
    """One slot of the pool: its process when started, and whether it said it is ready."""

    process: BaseProcess | None = None
    conn: Connection | None = None
    ready: bool = False


class ExtractionPool:
    def __init__(
        self,
        size: int,
        max_stream_bytes: int,
        start_seconds: float = WORKER_START_SECONDS,
        worker_main: _Serve = serve,
    ) -> None:
        self.max_stream_bytes = max_stream_bytes
        self.start_seconds = start_seconds
        self._worker_main = worker_main
        self._idle: queue.Queue[_Worker] = queue.Queue()
        for _ in range(size):
            slot = _Worker()
            self._start(slot)
            self._idle.put(slot)

    def _start(self, slot: _Worker) -> None:
        ours, theirs = _CONTEXT.Pipe()
        process = _CONTEXT.Process(
            target=self._worker_main, args=(theirs, self.max_stream_bytes), daemon=True
        )
        process.start()
        theirs.close()
        slot.process, slot.conn, slot.ready = process, ours, False

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
        slot = self._idle.get()  # waits while every worker is busy
        try:  # whatever happens, the slot goes back (stopped if its worker is in doubt)
            kind, value = self._ask(slot, task, pdf, timeout_seconds)
        except BaseException:
            if slot.ready:  # a worker that was given the page and failed it: stop it
                self._stop(slot)
            raise
        finally:
            self._idle.put(slot)
        return self._answer(kind, value)

    def _ask(self, slot: _Worker, task: str, pdf: bytes, timeout_seconds: float) -> tuple[str, str]:
        what = "reading the scanned page (OCR)" if task == "ocr" else "extracting the page's text"
        conn = self._ready(slot)
        try:
            conn.send((task, pdf, timeout_seconds))
        except OSError as exc:  # died while idle: not the page's fault
            self._stop(slot)
            raise _unavailable("had exited before it was given the page") from exc
        try:
            if not conn.poll(timeout_seconds):
                error = "ocr_timeout" if task == "ocr" else "extraction_timeout"
                raise ServiceError(422, error, f"{what} took over {timeout_seconds:g} s")
            return cast(tuple[str, str], conn.recv())  # what pool_worker.extract returns
        except (EOFError, OSError) as exc:  # it died on this page (out of memory, say)
            error = "ocr_failed" if task == "ocr" else "extraction_failed"
            raise ServiceError(422, error, f"{what} failed: the worker died") from exc

    def _ready(self, slot: _Worker) -> Connection:
        """The slot's worker, started if it is not running, once it has said it is
        ready: outside any page's time. One that does not start is this server's fault
        (503: the workflow tries again); one still starting is left to finish."""
        if slot.process is None or slot.process.exitcode is not None:
            self._stop(slot)  # died while idle, or stopped after a failure
            self._start(slot)
        assert slot.conn is not None
        if slot.ready:
            return slot.conn
        try:
            if not slot.conn.poll(self.start_seconds):
                raise _unavailable(f"did not start within {self.start_seconds:g} s")
            if slot.conn.recv()[0] != READY:
                raise _unavailable("said something other than that it is ready")
        except (EOFError, OSError) as exc:
            self._stop(slot)
            raise _unavailable("exited while starting") from exc
        slot.ready = True
        return slot.conn

    def _answer(self, kind: str, value: str) -> str:
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

    def _stop(self, slot: _Worker) -> None:
        """Kill the slot's worker, if any; the slot's next use starts a new one."""
        process, conn = slot.process, slot.conn
        slot.process, slot.conn, slot.ready = None, None, False
        if process is not None:
            # The group first, while the worker's pid cannot yet be reused: that also
            # stops an OCR engine the worker started.
            if process.pid is not None:
                # No such group: the worker is not yet a leader; killing it suffices.
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(process.pid, signal.SIGKILL)
            process.kill()
            process.join(timeout=5)
        if conn is not None:
            conn.close()


def _unavailable(why: str) -> ServiceError:
    return ServiceError(503, "extraction_unavailable", f"an extraction worker {why}")


_pool: ExtractionPool | None = None
_pool_lock = threading.Lock()


def _shared_pool(max_stream_bytes: int, workers: int) -> ExtractionPool:
    """The service's pool, started on first use."""
    global _pool
    with _pool_lock:
        if _pool is None or _pool.max_stream_bytes != max_stream_bytes:
            _pool = ExtractionPool(workers, max_stream_bytes)
        return _pool


def warm_pool(max_stream_bytes: int, workers: int) -> None:
    """Start the service's pool now, in the background, so that the first pages find
    their workers started."""
    threading.Thread(
        target=_shared_pool, args=(max_stream_bytes, workers), name="warm-pool", daemon=True
    ).start()


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
