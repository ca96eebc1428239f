"""Page text under limits, so a hostile PDF costs a bounded amount of memory and time.

Decompression is capped through pypdf's own limits; time is capped by extracting in a
separate process that is killed when it overruns (a thread cannot be stopped). The
processes come from a fork server, which forks from a clean single-threaded process
rather than from this multithreaded web server.
"""

from __future__ import annotations

import multiprocessing
from multiprocessing.connection import Connection

from pypdf import apply_configuration
from pypdf.errors import LimitReachedError, PyPdfError

from extract_service.pdf_text import page_text
from invoice_shared.web import ServiceError

_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload(["extract_service.pdf_text", "pypdf"])


def _limited_text(pdf: bytes, max_stream_bytes: int) -> str:
    limits = {
        name: max_stream_bytes
        for name in (
            "maximum_declared_stream_length",
            "zlib_maximum_output_length",
            "lzw_maximum_output_length",
            "run_length_maximum_output_length",
            "jbig2_maximum_output_length",
            "array_based_stream_maximum_output_length",
        )
    }
    with apply_configuration(**limits):
        return page_text(pdf)


def _child(pdf: bytes, max_stream_bytes: int, conn: Connection) -> None:
    try:
        conn.send(("ok", _limited_text(pdf, max_stream_bytes)))
    except LimitReachedError as exc:
        conn.send(("limit", str(exc)))
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError) as exc:
        conn.send(("unreadable", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def bounded_page_text(pdf: bytes, max_stream_bytes: int, timeout_seconds: float) -> str:
    """page_text() within `max_stream_bytes` of decompressed data and `timeout_seconds`.

    Input faults are 422s (the workflow does not retry them); a timeout is a 422 too:
    the same page would take as long again.
    """
    receive, send = _CONTEXT.Pipe(duplex=False)
    worker = _CONTEXT.Process(target=_child, args=(pdf, max_stream_bytes, send), daemon=True)
    worker.start()
    send.close()
    try:
        if not receive.poll(timeout_seconds):
            raise ServiceError(
                422,
                "extraction_timeout",
                f"extracting the page's text took over {timeout_seconds:g} s",
            )
        kind, value = receive.recv()
    except EOFError as exc:  # the child died (out of memory, say)
        raise ServiceError(422, "extraction_failed", "the page could not be extracted") from exc
    finally:
        receive.close()
        if worker.is_alive():
            worker.kill()
        worker.join(timeout=5)
    if kind == "limit":
        raise ServiceError(
            422,
            "pdf_too_large_inside",
            f"a stream on the page decompresses beyond {max_stream_bytes} bytes "
            f"(decompression bomb?): {value}",
        )
    if kind == "unreadable":
        raise ServiceError(422, "unreadable_pdf", f"the page cannot be parsed: {value}")
    return value
