"""POST /upload: store the invoice PDF content-addressed and say where."""

from typing import Annotated

from fastapi import APIRouter, Depends

from invoice_shared.artifacts import ArtifactStore, blob_key, sha256_hex
from invoice_shared.models import ErrorBody, InvoiceRequest, UploadResult
from upload_service.config import Settings, get_settings
from upload_service.sources import download, ensure_pdf, read_path, resolve_source_path

router = APIRouter()
_errors = {code: {"model": ErrorBody} for code in (404, 413, 422, 502)}


@router.post("/upload", responses=_errors, summary="Store an invoice PDF")
def upload(
    request: InvoiceRequest, settings: Annotated[Settings, Depends(get_settings)]
) -> UploadResult:
    if request.pdf_path is not None:
        path = resolve_source_path(settings.source_base_dir, request.pdf_path)
        data = read_path(path, settings.max_pdf_bytes)
        source = request.pdf_path
    else:
        assert request.pdf_url is not None  # guaranteed by InvoiceRequest
        data = download(request.pdf_url, settings.max_pdf_bytes, settings.url_timeout_seconds)
        source = request.pdf_url
    ensure_pdf(data, source)
    digest = sha256_hex(data)
    key = blob_key(digest)
    ArtifactStore(settings.artifact_dir).put_bytes(key, data)
    return UploadResult(
        invoice_id=request.invoice_id,
        source=source,
        blob_key=key,
        sha256=digest,
        size_bytes=len(data),
    )
