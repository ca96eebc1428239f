"""POST /api/invoices: a person with a PDF on their laptop starts processing it."""

from __future__ import annotations

import asyncio
import hashlib
from typing import Annotated

from fastapi import APIRouter, File, Form, Response, UploadFile, status

from invoice_shared.artifacts import has_pdf_header
from invoice_shared.dapr_names import UPLOAD_APP_ID
from invoice_shared.models import ErrorBody, InvoiceId, InvoiceRequest, UploadResult
from invoice_shared.web import ServiceError
from workflow_app.api.deps import Client, Host, Locks, SettingsDep
from workflow_app.models import StartAccepted
from workflow_app.starting import start_invoice_workflow

router = APIRouter(prefix="/api", tags=["invoices"])

_PDF_TYPES = {"application/pdf", "application/x-pdf"}
# How a PDF begins: the file's example in the docs (a client sends the whole file).
_PDF_EXAMPLE = "%PDF-1.7\n"


@router.post(
    "/invoices",
    status_code=status.HTTP_202_ACCEPTED,
    responses={
        **{code: {"model": ErrorBody} for code in (409, 413, 422, 503)},
        415: {
            "model": ErrorBody,
            "description": "The body is not multipart/form-data, or the file is not a PDF: "
            "its part is not application/pdf or has no %PDF- header.",
        },
    },
    # FastAPI states the form's fields (the file as binary data); the file part's own
    # media type is the encoding's to state (OpenAPI 3.1).
    openapi_extra={
        "requestBody": {
            "content": {
                "multipart/form-data": {"encoding": {"file": {"contentType": "application/pdf"}}}
            }
        }
    },
    summary="Upload a PDF (multipart field `file`) and start processing it",
    description="Without `invoice_id`, the id is derived from the file's content "
    "(`INV-<first 16 hex digits of its SHA-256>`), so uploading the same file twice is "
    "refused with 409 instead of being processed twice.",
)
async def upload_invoice(
    file: Annotated[
        UploadFile,
        File(description="The invoice, a PDF.", examples=[_PDF_EXAMPLE]),
    ],
    client: Client,
    locks: Locks,
    settings: SettingsDep,
    host: Host,
    response: Response,
    invoice_id: Annotated[InvoiceId | None, Form(examples=["INV-2025-010"])] = None,
) -> StartAccepted:
    if (file.content_type or "").split(";")[0].strip() not in _PDF_TYPES:
        raise ServiceError(
            415,
            "unsupported_media_type",
            f"the file must be application/pdf, not {file.content_type or 'unknown'}",
        )
    data = await file.read(settings.max_upload_bytes + 1)
    if len(data) > settings.max_upload_bytes:
        raise ServiceError(
            413, "too_large", f"the file exceeds the {settings.max_upload_bytes}-byte limit"
        )
    if not has_pdf_header(data):
        raise ServiceError(415, "not_a_pdf", f"{file.filename or 'the file'} is not a PDF")
    chosen_id = invoice_id or f"INV-{hashlib.sha256(data).hexdigest()[:16]}"
    answer = await asyncio.to_thread(
        host.sidecar.post_bytes,
        UPLOAD_APP_ID,
        "upload/file",
        data,
        "application/pdf",
        {"invoice_id": chosen_id},
    )
    if not answer.is_success:
        body = answer.json() if "json" in answer.headers.get("content-type", "") else {}
        code = answer.status_code if 400 <= answer.status_code < 500 else 503
        raise ServiceError(
            code,
            str(body.get("error", "upload_failed")),
            str(body.get("message", f"the upload service answered {answer.status_code}")),
        )
    stored = UploadResult.model_validate(answer.json())
    accepted = await start_invoice_workflow(
        InvoiceRequest(invoice_id=chosen_id, blob_sha256=stored.sha256), client, locks, settings
    )
    response.headers["Location"] = accepted.status_url
    return accepted
