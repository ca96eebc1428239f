"""POST /extract: the invoice fields one page shows; GET /pages/image: the page itself."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from extract_service.config import Settings
from extract_service.extract import extract_page
from extract_service.load import IN_FLIGHT
from extract_service.raster import MAX_WIDTH_PX, page_png
from invoice_shared.artifacts import PAGE_KEY_PATTERN, ArtifactKeyError, ArtifactStore
from invoice_shared.models import ErrorBody, PageExtraction, PageMetadata
from invoice_shared.web import ServiceError, about, app_settings, json_of

router = APIRouter()


@router.post(
    "/extract",
    response_model=PageExtraction,
    responses={code: {"model": ErrorBody} for code in (404, 422)},
    summary="Extract invoice fields from one page",
)
def extract(page: PageMetadata, settings: Annotated[Settings, Depends(app_settings)]) -> Response:
    with IN_FLIGHT.track(), about(page.invoice_id):
        return json_of(extract_page(page, settings))


@router.get("/stats", summary="Extractions running now and the most at once since reset")
def stats() -> dict[str, int]:
    return {"in_flight": IN_FLIGHT.current, "peak_in_flight": IN_FLIGHT.peak}


@router.delete("/stats", summary="Start measuring the peak afresh")
def reset_stats() -> dict[str, int]:
    IN_FLIGHT.reset_peak()
    return {"in_flight": IN_FLIGHT.current, "peak_in_flight": IN_FLIGHT.peak}


@router.get(
    "/pages/image",
    response_class=Response,
    responses={
        200: {"content": {"image/png": {}}, "description": "The page as a PNG."},
        **{code: {"model": ErrorBody} for code in (404, 422)},
    },
    summary="A stored page rendered as a PNG",
)
def page_image(
    settings: Annotated[Settings, Depends(app_settings)],
    blob_key: Annotated[str, Query(pattern=PAGE_KEY_PATTERN, description="A page's artifact key.")],
    width: Annotated[int, Query(ge=100, le=MAX_WIDTH_PX)] = 800,
) -> Response:
    try:
        data = ArtifactStore(settings.artifact_dir).read_bytes(blob_key)
    except ArtifactKeyError as exc:
        raise ServiceError(422, "invalid_key", str(exc)) from exc
    except FileNotFoundError as exc:
        raise ServiceError(404, "page_not_found", f"no stored page at {blob_key}") from exc
    return Response(page_png(data, width), media_type="image/png")
