"""POST /upload: store the invoice PDF content-addressed and say where."""

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from invoice_shared.artifacts import ArtifactStore
from invoice_shared.models import ErrorBody, InvoiceId, InvoiceRequest, UploadResult
from invoice_shared.web import ServiceError, about, app_settings
from upload_service.config import Settings
from upload_service.upload import store_pdf, upload_pdf

router = APIRouter()
_errors: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody} for code in (404, 413, 422, 502)
}
_FORBIDDEN: dict[int | str, dict[str, Any]] = {
    403: {
        "model": ErrorBody,
        "description": "pdf_url resolves into a network the service does not fetch from, "
        "or pdf_path leads outside SOURCE_BASE_DIR (through a symlink).",
    }
}
AppSettings = Annotated[Settings, Depends(app_settings)]
UPLOAD_FILE_PATH = "/upload/file"


@router.post("/upload", responses=_errors | _FORBIDDEN, summary="Store an invoice PDF")
def upload(request: InvoiceRequest, settings: AppSettings) -> UploadResult:
    with about(request.invoice_id):
        return upload_pdf(request, settings)


@router.post(
    UPLOAD_FILE_PATH,
    responses={code: {"model": ErrorBody} for code in (413, 415, 422)},
    # The route reads the raw body itself, so FastAPI cannot state it.
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    },
    summary="Store PDF bytes sent as the request body (application/pdf)",
)
async def upload_file(
    request: Request,
    invoice_id: Annotated[InvoiceId, Query()],
    settings: AppSettings,
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
    return await asyncio.to_thread(store_pdf, store, invoice_id, "upload", bytes(data))
