"""Hostile and broken input through the real stack: each ends promptly in a clear,
non-retried failure (or, where harmless, is processed), never a hang or a crash."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Callable, Iterator

import pytest

from invoice_gen import hostile
from invoice_shared.dapr_names import EXTRACT_APP_ID, SPLIT_APP_ID, UPLOAD_APP_ID

from .helpers import unique_id
from .stack import RunningStack
from .stack_config import MAX_PDF_BYTES

# name -> (PDF bytes, words the failure must mention, service that refuses it)
FAILING: dict[str, tuple[Callable[[], bytes], str, str]] = {
    "empty": (lambda: b"", "is empty", UPLOAD_APP_ID),
    "not-a-pdf": (lambda: b"GIF89a not a pdf", "is not a PDF", UPLOAD_APP_ID),
    "truncated": (hostile.truncated, "cannot be parsed", SPLIT_APP_ID),
    "encrypted-password": (lambda: hostile.encrypted("s3cret"), "needs a password", SPLIT_APP_ID),
    "zero-pages": (hostile.zero_pages, "no pages", SPLIT_APP_ID),
    "thousands-of-pages": (lambda: hostile.many_pages(2500), "limit is 2000", SPLIT_APP_ID),
    "decompression-bomb": (hostile.decompression_bomb, "decompression bomb", EXTRACT_APP_ID),
    "over-the-size-limit": (
        lambda: hostile.valid() + b"%" * MAX_PDF_BYTES,
        "limit is",
        UPLOAD_APP_ID,
    ),
}


def _run_file(stack: RunningStack, prefix: str, data: bytes) -> tuple[str, dict]:
    invoice_id = unique_id(prefix)
    (stack.inputs / f"{invoice_id}.pdf").write_bytes(data)
    with stack.client() as client:
        body = {"invoice_id": invoice_id, "pdf_path": f"e2e-tests/{invoice_id}.pdf"}
        assert client.post("/api/workflows/invoice", json=body).status_code == 202
    return invoice_id, stack.wait_for_end(invoice_id, timeout=60)


@pytest.mark.parametrize("name", list(FAILING))
def test_hostile_files_fail_clearly_and_are_not_retried(stack: RunningStack, name: str):
    make, reason, service = FAILING[name]
    invoice_id, view = _run_file(stack, name.upper(), make())
    assert view["status"] == "FAILED"
    assert reason in view["error"], view["error"]
    # Refused once, by the service that knows: input errors skip the retry policy.
    refusals = stack.log_lines(service, invoice_id, "-> 4")
    assert len(refusals) == 1, refusals


def test_a_pdf_encrypted_only_against_editing_is_processed(stack: RunningStack):
    """Empty user password (permissions only), as many real invoices are sent."""
    _, view = _run_file(stack, "PERMS", hostile.encrypted(""))
    assert view["status"] == "COMPLETED", view["error"]
    assert view["result"]["page_count"] >= 1


def test_a_broken_cross_reference_table_is_recovered_or_refused_clearly(stack: RunningStack):
    _, view = _run_file(stack, "XREF", hostile.broken_xref())
    assert view["status"] in ("COMPLETED", "FAILED")
    if view["status"] == "FAILED":
        assert "parse" in view["error"]


@pytest.mark.parametrize(
    "make", [hostile.with_javascript, hostile.with_embedded_file, hostile.with_open_action_uri]
)
def test_active_content_does_not_travel_into_the_pages(stack: RunningStack, make):
    _, view = _run_file(stack, "ACTIVE", make())
    assert view["status"] == "COMPLETED", view["error"]
    pages = list((stack.artifact_dir / "pages").rglob("*.pdf"))
    assert pages
    for page in pages:
        data = page.read_bytes()
        assert b"/JavaScript" not in data and b"/EmbeddedFile" not in data, page


class _Server(http.server.BaseHTTPRequestHandler):
    routes: dict[str, tuple[int, dict[str, str], bytes]] = {}

    def do_GET(self) -> None:
        status, headers, body = self.routes.get(self.path, (404, {}, b""))
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: object) -> None:
        pass


@pytest.fixture(scope="module")
def origin() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Server)
    _Server.routes = {
        "/invoice.pdf": (200, {"Content-Type": "application/pdf"}, hostile.valid()),
        "/to-metadata": (302, {"Location": "http://169.254.169.254/latest/"}, b""),
        "/gone": (503, {}, b""),
    }
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _run_url(stack: RunningStack, url: str) -> dict:
    invoice_id = unique_id("URL")
    with stack.client() as client:
        body = {"invoice_id": invoice_id, "pdf_url": url}
        assert client.post("/api/workflows/invoice", json=body).status_code == 202
    return stack.wait_for_end(invoice_id, timeout=60)


def test_a_pdf_url_is_downloaded_and_processed(stack: RunningStack, origin: str):
    view = _run_url(stack, f"{origin}/invoice.pdf")
    assert view["status"] == "COMPLETED", view["error"]


@pytest.mark.parametrize(
    ("path_or_url", "reason"),
    [
        ("/to-metadata", "redirects are not followed"),
        ("http://169.254.169.254/latest/meta-data/", "non-public address"),
        ("http://10.1.2.3/invoice.pdf", "non-public address"),
        ("http://[fe80::1]/invoice.pdf", "non-public address"),
    ],
)
def test_urls_into_internal_networks_are_refused(stack, origin, path_or_url, reason):
    url = origin + path_or_url if path_or_url.startswith("/") else path_or_url
    view = _run_url(stack, url)
    assert view["status"] == "FAILED"
    assert reason in view["error"], view["error"]
