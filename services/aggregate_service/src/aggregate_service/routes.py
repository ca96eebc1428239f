"""POST /aggregate: merge the pages of one invoice into the final result."""

from fastapi import APIRouter, Response

from aggregate_service.merge import aggregate as merge_pages
from invoice_shared.models import AggregatedInvoice, AggregateRequest, ErrorBody
from invoice_shared.web import json_of

router = APIRouter()


@router.post(
    "/aggregate",
    response_model=AggregatedInvoice,
    responses={422: {"model": ErrorBody}},
    summary="Merge page extractions into one invoice",
)
def aggregate(request: AggregateRequest) -> Response:
    return json_of(merge_pages(request.invoice_id, list(request.pages)))
