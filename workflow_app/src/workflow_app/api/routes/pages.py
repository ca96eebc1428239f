"""GET /api/workflows/{id}/pages/{n}/image: a page of the invoice as the extractor saw it,
for the console to show beside the extracted fields."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from invoice_shared.dapr_names import EXTRACT_APP_ID
from invoice_shared.models import MAX_PAGE_NUMBER, ErrorBody
from invoice_shared.web import ServiceError, error_text
from workflow_app.api.deps import Client, Engine, Host, InstanceId
from workflow_app.history_pages import split_pages
from workflow_app.starting import WORKFLOWS_PATH
from workflow_app.state_reads import existing_state, read_history

router = APIRouter(prefix=WORKFLOWS_PATH, tags=["pages"])


@router.get(
    "/{instance_id}/pages/{page_number}/image",
    response_class=Response,
    responses={
        200: {"content": {"image/png": {}}, "description": "The page as a PNG."},
        **{code: {"model": ErrorBody} for code in (404, 422, 503)},
    },
    summary="One page of the invoice, rendered as a PNG",
)
async def page_image(
    instance_id: InstanceId,
    page_number: Annotated[int, Path(ge=1, le=MAX_PAGE_NUMBER, examples=[1])],
    client: Client,
    engine: Engine,
    host: Host,
    width: Annotated[int, Query(ge=100, le=1600)] = 800,
) -> Response:
    await existing_state(client, instance_id, fetch_payloads=False)
    pages = split_pages(await read_history(engine, instance_id))
    if pages is None:
        raise ServiceError(404, "not_split", f"{instance_id} has not been split into pages yet")
    page = next((p for p in pages if p.page_number == page_number), None)
    if page is None:
        raise ServiceError(
            404, "no_such_page", f"{instance_id} has {len(pages)} page(s), not {page_number}"
        )
    answer = await asyncio.to_thread(
        host.sidecar.get_bytes,
        EXTRACT_APP_ID,
        "pages/image",
        {"blob_key": page.blob_key, "width": str(width)},
    )
    if not answer.is_success:
        code = answer.status_code if answer.status_code in (404, 422) else 503
        raise ServiceError(code, "page_image_failed", error_text(answer.text, "no image"))
    # Page artifacts are content-addressed: the same URL always shows the same picture.
    return Response(
        answer.content, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"}
    )
