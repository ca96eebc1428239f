"""POST /extract: the invoice fields one page shows."""

from typing import Annotated

from fastapi import APIRouter, Depends

from extract_service.bounded import bounded_page_text
from extract_service.config import Settings, get_settings
from extract_service.fields import parse_page
from extract_service.load import IN_FLIGHT
from invoice_shared.artifacts import ArtifactKeyError, ArtifactStore
from invoice_shared.models import ErrorBody, PageExtraction, PageMetadata
from invoice_shared.web import ServiceError, about

router = APIRouter()


@router.post(
    "/extract",
    responses={code: {"model": ErrorBody} for code in (404, 422)},
    summary="Extract invoice fields from one page",
)
def extract(
    page: PageMetadata, settings: Annotated[Settings, Depends(get_settings)]
) -> PageExtraction:
    with IN_FLIGHT.track(), about(page.invoice_id):
        return _extract_page(page, settings)


@router.get("/stats", summary="Extractions running now and the most at once since reset")
def stats() -> dict[str, int]:
    return {"in_flight": IN_FLIGHT.current, "peak_in_flight": IN_FLIGHT.peak}


@router.delete("/stats", summary="Start measuring the peak afresh")
def reset_stats() -> dict[str, int]:
    IN_FLIGHT.reset_peak()
    return {"in_flight": IN_FLIGHT.current, "peak_in_flight": IN_FLIGHT.peak}


def _extract_page(page: PageMetadata, settings: Settings) -> PageExtraction:
    try:
        data = ArtifactStore(settings.artifact_dir).read_bytes(page.blob_key)
    except ArtifactKeyError as exc:
        raise ServiceError(422, "invalid_key", str(exc)) from exc
    except FileNotFoundError as exc:
        raise ServiceError(404, "page_not_found", f"no stored page at {page.blob_key}") from exc
    # A page without fonts has no text to find (a scan: OCR is not configured); the
    # parser reports an empty page with a warning.
    text = ""
    if page.has_text_layer:
        text = bounded_page_text(
            data,
            settings.max_stream_bytes,
            settings.page_timeout_seconds,
            settings.extraction_workers,
        )
    parsed = parse_page(text)
    return PageExtraction(
        invoice_id=page.invoice_id,
        page_number=page.page_number,
        **parsed.fields.model_dump(),
        line_items=parsed.line_items,
        warnings=parsed.warnings,
    )
