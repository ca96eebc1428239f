"""POST /split: one single-page PDF per page, stored beside the source."""

from typing import Annotated

from fastapi import APIRouter, Depends

from invoice_shared.models import ErrorBody, SplitResult, UploadResult
from invoice_shared.web import about, app_settings
from split_service.config import Settings
from split_service.split import split_pdf

router = APIRouter()


@router.post(
    "/split",
    responses={code: {"model": ErrorBody} for code in (404, 422)},
    summary="Split a stored PDF into pages",
)
def split(
    upload: UploadResult, settings: Annotated[Settings, Depends(app_settings)]
) -> SplitResult:
    with about(upload.invoice_id):
        return split_pdf(upload, settings)
