"""POST /upload: store the invoice PDF content-addressed and say where."""

import asyncio
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from invoice_shared.artifacts import ArtifactStore, blob_key, sha256_hex
from invoice_shared.models import ErrorBody, InvoiceId, InvoiceRequest, UploadResult
from invoice_shared.web import ServiceError, about
from upload_service.config import Settings, get_settings
from upload_service.sources import (
    check_url_target,
    download,
    ensure_pdf,
    read_path,
    resolve_source_path,
)

router = APIRouter()
_errors = {code: {"model": ErrorBody} for code in (404, 413, 422, 502)}


@router.post("/upload", responses=_errors, summary="Store an invoice PDF")
def upload(
    request: InvoiceRequest, settings: Annotated[Settings, Depends(get_settings)]
) -> UploadResult:
    with about(request.invoice_id):
        return _upload(request, settings)


def _upload(request: InvoiceRequest, settings: Settings) -> UploadResult:
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
    return _store(store, request.invoice_id, source, data)


@router.post(
    "/upload/file",
    responses={code: {"model": ErrorBody} for code in (413, 415, 422)},
    summary="Store PDF bytes sent as the request body (application/pdf)",
)
async def upload_file(
    request: Request,
    invoice_id: Annotated[InvoiceId, Query()],
    settings: Annotated[Settings, Depends(get_settings)],
) -> UploadResult:
    content_type = request.headers.get("content-type", "").split(";")[0].strip()
    if content_type != "application/pdf":
        raise ServiceError(415, "unsupported_media_type", "send the PDF as application/pdf")
    data = bytearray()
    async for chunk in request.stream():
        data.extend(chunk)
        if len(data) > settings.max_pdf_bytes:
            raise ServiceError(
                413, "too_large", f"the PDF exceeds the {settings.max_pdf_bytes}-byte limit"
            )
    store = ArtifactStore(settings.artifact_dir)
    return await asyncio.to_thread(_store, store, invoice_id, "upload", bytes(data))


def _store(store: ArtifactStore, invoice_id: str, source: str, data: bytes) -> UploadResult:
    ensure_pdf(data, source)
    digest = sha256_hex(data)
    key = blob_key(digest)
    store.put_bytes(key, data)
    return UploadResult(
        invoice_id=invoice_id, source=source, blob_key=key, sha256=digest, size_bytes=len(data)
    )
