"""The extraction worker's side of the pool in `bounded`: one process reading pages.

Kept apart from the web server's modules on purpose: a worker imports only pypdf, PDFium
and the page readers, so a new one is ready in a fraction of a second. (It once
imported FastAPI through the pool's module: with a busy machine a new worker took over
20 s to answer its first page, and that page was failed as too slow.)
"""

from __future__ import annotations

import os
from multiprocessing.connection import Connection

from pypdf import apply_configuration
from pypdf.errors import LimitReachedError, PyPdfError

from extract_service.ocr import OcrError, OcrUnavailable, check_images, ocr_page_text
from extract_service.pdf_text import check_streams, page_text

# What a worker sends first, once it can take pages: the pool's clock for a page starts
# only after this, so starting a worker never counts against a page's time.
READY = "ready"

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


def extract(
    task: str, pdf: bytes, max_stream_bytes: int, timeout_seconds: float
) -> tuple[str, str]:
    """(kind, value): ("ok", text), or the kind of fault and what it said."""
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


def serve(conn: Connection, max_stream_bytes: int) -> None:
    """A worker: say it is ready, then extract or read each PDF it is sent until its
    pipe closes."""
    os.setpgid(0, 0)  # a group of its own, which its children join
    conn.send((READY, str(os.getpid())))
    while True:
        try:
            task, pdf, timeout_seconds = conn.recv()
        except EOFError:
            return
        conn.send(extract(task, pdf, max_stream_bytes, timeout_seconds))
