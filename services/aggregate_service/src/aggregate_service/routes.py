"""POST /aggregate: merge the pages of one invoice into the final result."""

from fastapi import APIRouter

from aggregate_service.merge import aggregate as merge_pages
from invoice_shared.models import AggregatedInvoice, AggregateRequest, ErrorBody

router = APIRouter()


@router.post(
    "/aggregate",
    responses={422: {"model": ErrorBody}},
    summary="Merge page extractions into one invoice",
)
def aggregate(request: AggregateRequest) -> AggregatedInvoice:
    return merge_pages(request.invoice_id, list(request.pages))
