"""POST /extract: the invoice fields one page shows."""

from typing import Annotated

from fastapi import APIRouter, Depends

from extract_service.config import Settings
from extract_service.extract import extract_page
from extract_service.load import IN_FLIGHT
from invoice_shared.models import ErrorBody, PageExtraction, PageMetadata
from invoice_shared.web import about, app_settings

router = APIRouter()


@router.post(
    "/extract",
    responses={code: {"model": ErrorBody} for code in (404, 422)},
    summary="Extract invoice fields from one page",
)
def extract(
    page: PageMetadata, settings: Annotated[Settings, Depends(app_settings)]
) -> PageExtraction:
    with IN_FLIGHT.track(), about(page.invoice_id):
        return extract_page(page, settings)


@router.get("/stats", summary="Extractions running now and the most at once since reset")
def stats() -> dict[str, int]:
    return {"in_flight": IN_FLIGHT.current, "peak_in_flight": IN_FLIGHT.peak}


@router.delete("/stats", summary="Start measuring the peak afresh")
def reset_stats() -> dict[str, int]:
    IN_FLIGHT.reset_peak()
    return {"in_flight": IN_FLIGHT.current, "peak_in_flight": IN_FLIGHT.peak}
