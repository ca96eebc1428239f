"""Start invoice workflows and read one instance's status, progress and result."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from invoice_shared.dapr_names import TERMINAL_STATUSES
from invoice_shared.models import ErrorBody, InvoiceRequest
from invoice_shared.web import ServiceError
from workflow_app.api.deps import Client, Host, InstanceId, Locks, SettingsDep
from workflow_app.models import StartAccepted, WorkflowView
from workflow_app.planning import line_items_state_key
from workflow_app.starting import WORKFLOWS_PATH, start_invoice_workflow
from workflow_app.state_reads import existing_state, stored_line_items, wait_for_end
from workflow_app.views import stored_line_items_key, view_of, with_line_items

# The longest a GET may wait for an instance to end (wait_seconds).
MAX_WAIT_SECONDS = 60

router = APIRouter(prefix=WORKFLOWS_PATH, tags=["workflows"])


@router.post(
    "/invoice",
    status_code=status.HTTP_202_ACCEPTED,
    responses={code: {"model": ErrorBody} for code in (409, 422, 503)},
    summary="Start processing an invoice; its id becomes the workflow instance id",
)
async def start_invoice(
    body: InvoiceRequest,
    client: Client,
    locks: Locks,
    settings: SettingsDep,
    response: Response,
) -> StartAccepted:
    accepted = await start_invoice_workflow(body, client, locks, settings)
    response.headers["Location"] = accepted.status_url
    return accepted


@router.get(
    "/{instance_id}",
    responses={code: {"model": ErrorBody} for code in (404, 500, 503)},
    summary="Status, progress and result of one workflow instance",
)
async def get_workflow(
    instance_id: InstanceId,
    client: Client,
    host: Host,
    wait_seconds: Annotated[
        int,
        Query(
            ge=0,
            le=MAX_WAIT_SECONDS,
            description="Wait up to this long for the instance to end before answering "
            "(the sidecar watches its status, and it is read every 0.25 s besides); "
            "0 answers at once.",
        ),
    ] = 0,
) -> WorkflowView:
    state = await existing_state(client, instance_id)
    if wait_seconds and state.runtime_status.name not in TERMINAL_STATUSES:
        state = await wait_for_end(client, instance_id, wait_seconds) or state
    view = view_of(instance_id, state)
    named = stored_line_items_key(state)
    if named is None:
        return view
    # A long invoice's items live beside its history, under its own key; a rerun's
    # copied result names its source's key, read until the rerun's own copy lands.
    own = line_items_state_key(instance_id)
    items = await stored_line_items(host.sidecar, list(dict.fromkeys([own, named])))
    if items is None:
        await existing_state(client, instance_id)  # 404 if it was purged meanwhile
        raise ServiceError(
            500, "result_incomplete", f"the invoice's line items are missing from {own!r}"
        )
    return with_line_items(view, items)
