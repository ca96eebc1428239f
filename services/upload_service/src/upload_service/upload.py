"""Storing an invoice PDF content-addressed, from a path, a URL or an earlier upload."""

from invoice_shared.artifacts import ArtifactStore, blob_key, sha256_hex
from invoice_shared.models import InvoiceRequest, UploadResult
from invoice_shared.web import ServiceError
from upload_service.config import Settings
from upload_service.sources import (
    check_url_target,
    download,
    ensure_pdf,
    read_path,
    resolve_source_path,
)


def upload_pdf(request: InvoiceRequest, settings: Settings) -> UploadResult:
    """Store the PDF `request` names (or confirm an earlier upload) and say where."""
    store = ArtifactStore(settings.artifact_dir)
    if request.blob_sha256 is not None:
        # Stored earlier through POST /upload/file: confirm it is there.
        key = blob_key(request.blob_sha256)
        if not store.exists(key):
            raise ServiceError(404, "blob_not_found", f"no stored PDF {request.blob_sha256}")
        return UploadResult(
            invoice_id=request.invoice_id,
            source=f"upload:{request.blob_sha256}",
            blob_key=key,
            sha256=request.blob_sha256,
            size_bytes=store.path(key).stat().st_size,
        )
    if request.pdf_path is not None:
        path = resolve_source_path(settings.source_base_dir, request.pdf_path)
        data = read_path(path, settings.max_pdf_bytes)
        source = request.pdf_path
    else:
        assert request.pdf_url is not None  # guaranteed by InvoiceRequest
        check_url_target(request.pdf_url, settings.allow_loopback_urls, settings.allow_private_urls)
        data = download(request.pdf_url, settings.max_pdf_bytes, settings.url_timeout_seconds)
        source = request.pdf_url
    return store_pdf(store, request.invoice_id, source, data)


def store_pdf(store: ArtifactStore, invoice_id: str, source: str, data: bytes) -> UploadResult:
    """Store `data` if it is a PDF; the same bytes always land at the same key."""
    ensure_pdf(data, source)
    digest = sha256_hex(data)
    key = blob_key(digest)
    store.put_bytes(key, data)
    return UploadResult(
        invoice_id=invoice_id, source=source, blob_key=key, sha256=digest, size_bytes=len(data)
    )
