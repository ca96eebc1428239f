"""POST /split: one single-page PDF per page, stored beside the source."""

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from invoice_shared.models import ErrorBody, SplitResult, UploadResult
from invoice_shared.web import about, app_settings, json_of
from split_service.config import Settings
from split_service.split import split_pdf

router = APIRouter()


@router.post(
    "/split",
    response_model=SplitResult,
    responses={code: {"model": ErrorBody} for code in (404, 422)},
    summary="Split a stored PDF into pages",
)
def split(upload: UploadResult, settings: Annotated[Settings, Depends(app_settings)]) -> Response:
    with about(upload.invoice_id):
        return json_of(split_pdf(upload, settings))
