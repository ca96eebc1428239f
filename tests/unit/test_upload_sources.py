"""The upload service's file-access boundary and PDF check."""

from __future__ import annotations

from pathlib import Path

import pytest

from invoice_shared.web import ServiceError
from upload_service.sources import check_url_target, ensure_pdf, resolve_source_path


@pytest.fixture
def base(tmp_path: Path) -> Path:
    root = tmp_path / "source"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "a.pdf").write_bytes(b"%PDF-1.7 ...")
    (tmp_path / "secret.pdf").write_bytes(b"%PDF-1.7 secret")
    return root


def test_a_relative_path_inside_the_base_resolves(base: Path):
    assert resolve_source_path(base, "sub/a.pdf") == (base / "sub" / "a.pdf").resolve()


@pytest.mark.parametrize("path", ["/etc/passwd", ""])
def test_paths_that_are_not_relative_are_refused_as_malformed(base: Path, path: str):
    with pytest.raises(ServiceError) as raised:
        resolve_source_path(base, path)
    assert raised.value.status_code == 422


@pytest.mark.parametrize("path", ["../secret.pdf", "sub/../../secret.pdf"])
def test_paths_leading_outside_the_base_are_forbidden(base: Path, path: str):
    with pytest.raises(ServiceError) as raised:
        resolve_source_path(base, path)
    assert (raised.value.status_code, raised.value.error) == (403, "forbidden_path")


def test_a_symlink_pointing_outside_the_base_is_forbidden(base: Path):
    (base / "link.pdf").symlink_to(base.parent / "secret.pdf")
    with pytest.raises(ServiceError, match="outside the source directory") as raised:
        resolve_source_path(base, "link.pdf")
    assert raised.value.status_code == 403


def test_a_missing_file_is_404(base: Path):
    with pytest.raises(ServiceError) as raised:
        resolve_source_path(base, "sub/none.pdf")
    assert raised.value.status_code == 404


@pytest.mark.parametrize(
    ("data", "error"), [(b"", "empty_file"), (b"hello", "not_a_pdf"), (b"\x89PNG....", "not_a_pdf")]
)
def test_non_pdf_content_is_refused(data: bytes, error: str):
    with pytest.raises(ServiceError) as raised:
        ensure_pdf(data, "x.pdf")
    assert raised.value.error == error


def test_a_pdf_header_after_some_junk_is_accepted():
    ensure_pdf(b"\n\n junk %PDF-1.4\n...", "x.pdf")


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/a.pdf",
        "http://localhost:8080/a.pdf",
        "http://[::1]/a.pdf",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.5/a.pdf",
        "http://192.168.1.1/a.pdf",
        "http://0.0.0.0/a.pdf",
    ],
)
def test_urls_into_our_own_network_are_forbidden(url: str):
    """Well-formed URLs, refused for where they lead: 403, not a malformed request."""
    with pytest.raises(ServiceError) as raised:
        check_url_target(url, allow_loopback=False, allow_private=False)
    assert (raised.value.status_code, raised.value.error) == (403, "forbidden_url")


@pytest.mark.parametrize("url", ["ftp://example.com/a.pdf", "file:///etc/passwd"])
def test_urls_that_are_not_http_are_refused_as_malformed(url: str):
    with pytest.raises(ServiceError) as raised:
        check_url_target(url, allow_loopback=False, allow_private=False)
    assert raised.value.status_code == 422


@pytest.mark.parametrize("url", ["http://[:]/a.pdf", "http://host:99999/a.pdf"])
def test_a_host_that_cannot_be_read_or_reached_is_not_found(url: str):
    with pytest.raises(ServiceError) as raised:
        check_url_target(url, allow_loopback=False, allow_private=False)
    assert (raised.value.status_code, raised.value.error) == (404, "source_not_found")


def test_loopback_is_allowed_only_when_configured():
    check_url_target("http://127.0.0.1:9/a.pdf", allow_loopback=True, allow_private=False)
    with pytest.raises(ServiceError):
        check_url_target("http://169.254.169.254/", allow_loopback=True, allow_private=False)


def test_a_public_address_passes():
    check_url_target("http://93.184.215.14/a.pdf", allow_loopback=False, allow_private=False)
