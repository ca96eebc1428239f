"""Reading an invoice PDF from where the request says it is.

The checks here are the security boundary for file access: a `pdf_path` may only
name a file inside SOURCE_BASE_DIR once symlinks are resolved.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

import httpx

from invoice_shared.artifacts import has_pdf_header
from invoice_shared.web import ServiceError


def resolve_source_path(base_dir: Path, pdf_path: str) -> Path:
    """Resolve `pdf_path` under `base_dir`, refusing anything that leads outside it."""
    if not pdf_path or "\x00" in pdf_path:
        raise ServiceError(422, "invalid_path", "pdf_path is empty or contains a NUL byte")
    candidate = PurePosixPath(pdf_path)
    if candidate.is_absolute() or pdf_path.startswith("\\"):
        raise ServiceError(422, "invalid_path", f"pdf_path must be relative, got {pdf_path!r}")
    base = base_dir.resolve()
    resolved = (base / Path(*candidate.parts)).resolve()
    if not resolved.is_relative_to(base):
        # Where it leads (through a symlink, say), not how it is written: 403, like a URL
        # into our own network.
        raise ServiceError(
            403, "forbidden_path", f"pdf_path {pdf_path!r} resolves outside the source directory"
        )
    if not resolved.is_file():
        raise ServiceError(404, "source_not_found", f"no file at pdf_path {pdf_path!r}")
    return resolved


def read_path(path: Path, max_bytes: int) -> bytes:
    size = path.stat().st_size
    if size > max_bytes:
        raise ServiceError(413, "too_large", f"PDF is {size} bytes; the limit is {max_bytes}")
    return path.read_bytes()


def check_url_target(url: str, allow_loopback: bool, allow_private: bool) -> None:
    """Refuse URLs that would make us fetch from inside our own network (SSRF):
    loopback, link-local (cloud metadata at 169.254.169.254), private and other
    non-public addresses, whatever name resolves to them.

    A well-formed URL is refused for where it leads, not for its form: 404 when its host
    does not resolve, 403 when it resolves into a network we do not fetch from.
    """
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port  # parsing the netloc may fail here
    except ValueError as exc:
        raise ServiceError(404, "source_not_found", f"pdf_url names no usable host: {exc}") from exc
    if parts.scheme.lower() not in ("http", "https"):
        raise ServiceError(
            422, "invalid_url", f"pdf_url must be http or https, got {parts.scheme!r}"
        )
    if not host:
        raise ServiceError(422, "invalid_url", "pdf_url has no host")
    try:
        default_port = 443 if parts.scheme.lower() == "https" else 80
        infos = socket.getaddrinfo(host, port or default_port, proto=socket.IPPROTO_TCP)
    except (OSError, ValueError) as exc:
        raise ServiceError(404, "source_not_found", f"cannot resolve {host!r}: {exc}") from exc
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if address.is_loopback:
            if not allow_loopback:
                raise ServiceError(
                    403, "forbidden_url", f"pdf_url points to a loopback address ({address})"
                )
        elif not address.is_global and not (allow_private and address.is_private):
            raise ServiceError(
                403, "forbidden_url", f"pdf_url points to a non-public address ({address})"
            )


def download(url: str, max_bytes: int, timeout: float) -> bytes:
    """Fetch `url`, stopping as soon as it exceeds `max_bytes`; redirects are refused
    (their target would escape check_url_target)."""
    chunks: list[bytes] = []
    received = 0
    # httpx's timeout bounds each read; the deadline bounds the whole download, so a
    # server trickling bytes cannot hold a worker for longer than `timeout`.
    deadline = time.monotonic() + timeout
    try:
        with (
            httpx.Client(timeout=timeout, follow_redirects=False) as client,
            client.stream("GET", url) as response,
        ):
            if response.is_redirect:
                raise ServiceError(
                    422, "download_failed", f"GET {url} redirects; redirects are not followed"
                )
            if response.status_code != 200:
                # An origin that is down or throttling may recover: 502 keeps it retryable.
                retryable = response.status_code >= 500 or response.status_code == 429
                raise ServiceError(
                    502 if retryable else 422,
                    "download_failed",
                    f"GET {url} answered {response.status_code}, expected 200",
                )
            for chunk in response.iter_bytes():
                if time.monotonic() > deadline:
                    raise ServiceError(
                        502, "download_error", f"download of {url} took over {timeout:.0f} s"
                    )
                received += len(chunk)
                if received > max_bytes:
                    raise ServiceError(
                        413, "too_large", f"download exceeds the {max_bytes}-byte limit"
                    )
                chunks.append(chunk)
    except httpx.HTTPError as exc:
        # Network trouble may pass: 502 lets the workflow retry it.
        raise ServiceError(502, "download_error", f"could not download {url}: {exc}") from exc
    return b"".join(chunks)


def ensure_pdf(data: bytes, source: str) -> None:
    if not data:
        raise ServiceError(422, "empty_file", f"{source} is empty")
    if not has_pdf_header(data):
        raise ServiceError(
            422, "not_a_pdf", f"{source} is not a PDF (no %PDF- header in its first 1024 bytes)"
        )
