"""Managing instances in flight: events, pause/resume, terminate, purge, list,
history and rerun. Each refuses with 409 what the instance's state does not allow."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Annotated, Any

import grpc
import httpx
from dapr.ext.workflow.aio import DaprWorkflowClient
from fastapi import APIRouter, Body, Query, Response, status

from invoice_shared.dapr_names import APPROVAL_EVENT
from invoice_shared.dapr_names import TERMINAL_STATUSES as TERMINAL
from invoice_shared.metrics import APPROVAL_DECISIONS
from invoice_shared.models import ApprovalDecision, ErrorBody
from invoice_shared.web import ServiceError
from workflow_app.api.deps import Client, Engine, Host, InstanceId
from workflow_app.extraction_keys import extraction_keys, stored_items_before
from workflow_app.models import (
    EventName,
    HistoryEvent,
    RerunRequest,
    RuntimeStatus,
    StartAccepted,
    WorkflowSummary,
)
from workflow_app.planning import line_items_state_key
from workflow_app.runtime import WorkflowHost
from workflow_app.starting import WORKFLOWS_PATH, status_url
from workflow_app.state_reads import existing_state, read_history, read_state
from workflow_app.views import view_of, with_details

router = APIRouter(prefix=WORKFLOWS_PATH, tags=["lifecycle"])

_errors: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody} for code in (404, 409, 422, 503)
}
log = logging.getLogger(__name__)


async def _status_of(client: DaprWorkflowClient, instance_id: str) -> str:
    state = await existing_state(client, instance_id, fetch_payloads=False)
    return str(state.runtime_status.name)


def _conflict(instance_id: str, current: str, action: str, allowed: str) -> ServiceError:
    return ServiceError(
        409, "wrong_state", f"cannot {action} {instance_id!r}: it is {current}, {allowed}"
    )


async def _send(client: DaprWorkflowClient, instance_id: str, event: str, data: Any) -> None:
    current = await _status_of(client, instance_id)
    if current in TERMINAL:
        raise _conflict(instance_id, current, f"send {event!r} to", "events need a live one")
    await client.raise_workflow_event(instance_id, event, data=data)


# Declared before the route for any event, so that this path is served here.
@router.post(
    f"/{{instance_id}}/raise-event/{APPROVAL_EVENT}",
    status_code=status.HTTP_202_ACCEPTED,
    responses=_errors,
    summary="Approve or reject an invoice that awaits a decision (the `approval` event)",
)
async def decide(
    instance_id: InstanceId, decision: ApprovalDecision, client: Client
) -> dict[str, str]:
    # Checked here: the workflow would ignore a malformed decision and keep waiting.
    await _send(client, instance_id, APPROVAL_EVENT, decision.model_dump(mode="json"))
    APPROVAL_DECISIONS.labels(decision="approve" if decision.approved else "reject").inc()
    return {"instance_id": instance_id, "event": APPROVAL_EVENT}


@router.post(
    "/{instance_id}/raise-event/{event_name}",
    status_code=status.HTTP_202_ACCEPTED,
    responses=_errors,
    summary="Send any other external event to a running instance",
)
async def raise_event(
    instance_id: InstanceId,
    event_name: EventName,
    client: Client,
    body: Annotated[
        Any,
        Body(
            examples=[{"note": "called the vendor"}],
            description="Forwarded as the event payload: any JSON; null or no body sends "
            "the event without data.",
        ),
    ] = None,
) -> dict[str, str]:
    """An event the workflow may wait for, with whatever payload it expects.

    The contract: the approval event needs an ApprovalDecision object; other events
    take any payload, null included. One schema cannot say both for one path
    template, so `approval` has its own operation (`decide`, above) and this one does
    not take it under any spelling, Dapr's event names being case-insensitive.
    """
    if event_name.casefold() == APPROVAL_EVENT:
        raise ServiceError(
            422,
            "invalid_request",
            f"send approval decisions to {WORKFLOWS_PATH}/{instance_id}/raise-event/"
            f"{APPROVAL_EVENT}, not as {event_name!r}",
        )
    await _send(client, instance_id, event_name, body)
    return {"instance_id": instance_id, "event": event_name}


@router.post(
    "/{instance_id}/terminate", responses=_errors, summary="Terminate an instance and its children"
)
async def terminate(instance_id: InstanceId, client: Client) -> dict[str, str]:
    current = await _status_of(client, instance_id)
    if current in TERMINAL:
        raise _conflict(instance_id, current, "terminate", "it has already ended")
    await client.terminate_workflow(instance_id, recursive=True)
    return {"instance_id": instance_id, "status": "TERMINATING"}


@router.post("/{instance_id}/pause", responses=_errors, summary="Suspend a running instance")
async def pause(instance_id: InstanceId, client: Client) -> dict[str, str]:
    current = await _status_of(client, instance_id)
    if current not in ("RUNNING", "PENDING"):
        raise _conflict(instance_id, current, "pause", "only a RUNNING instance can be paused")
    await client.pause_workflow(instance_id)
    return {"instance_id": instance_id, "status": "SUSPENDED"}


@router.post("/{instance_id}/resume", responses=_errors, summary="Resume a suspended instance")
async def resume(instance_id: InstanceId, client: Client) -> dict[str, str]:
    current = await _status_of(client, instance_id)
    if current != "SUSPENDED":
        raise _conflict(instance_id, current, "resume", "only a SUSPENDED instance can resume")
    await client.resume_workflow(instance_id)
    return {"instance_id": instance_id, "status": "RUNNING"}


@router.delete(
    "/{instance_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=_errors,
    summary="Purge a finished instance (and its children) from the state store",
)
async def purge(instance_id: InstanceId, client: Client, engine: Engine, host: Host) -> Response:
    current = await _status_of(client, instance_id)
    if current not in TERMINAL:
        raise _conflict(instance_id, current, "purge", "terminate it first or let it finish")
    # The page extractions are stored beside the workflow (see activities.py); their keys
    # are in its history, which the purge deletes, so collect them first. A long
    # invoice's line items are under a key its id names: deleted whether or not the
    # history got as far as naming it (a delete of no key does nothing).
    keys = extraction_keys(await read_history(engine, instance_id))
    items = line_items_state_key(instance_id)
    await client.purge_workflow(instance_id, recursive=True)
    try:
        await asyncio.to_thread(host.sidecar.delete_state, [items, *sorted(keys)])
    except (RuntimeError, httpx.HTTPError):  # the extractions expire with their TTL
        log.exception(
            "purged %s but could not delete %s and %d page extractions",
            instance_id,
            items,
            len(keys),
        )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("", summary="Recent instances, newest first")
async def list_instances(
    client: Client,
    engine: Engine,
    status_filter: Annotated[RuntimeStatus | None, Query(alias="status")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    include_children: bool = False,
    details: Annotated[
        bool,
        Query(description="Also stage, pages and total: reads each instance's payloads."),
    ] = False,
) -> list[WorkflowSummary]:
    ids = await engine.list_instance_ids()
    if not include_children:
        ids = [i for i in ids if ":" not in i]  # children are "<parent>:batch-NNNN"
    gate = asyncio.Semaphore(16)

    async def summary(instance_id: str) -> WorkflowSummary | None:
        async with gate:
            state = await read_state(client, instance_id, fetch_payloads=details)
        if state is None:  # purged between listing and reading
            return None
        summary = WorkflowSummary(
            instance_id=instance_id,
            workflow_name=state.name,
            status=state.runtime_status.name,
            created_at=state.created_at,
            last_updated_at=state.last_updated_at,
        )
        return with_details(summary, view_of(instance_id, state)) if details else summary

    found = [s for s in await asyncio.gather(*(summary(i) for i in ids)) if s is not None]
    if status_filter is not None:
        found = [s for s in found if s.status == status_filter]
    found.sort(key=lambda s: s.created_at, reverse=True)
    return found[:limit]


@router.get("/{instance_id}/history", responses=_errors, summary="The instance's event history")
async def history(instance_id: InstanceId, client: Client, engine: Engine) -> list[HistoryEvent]:
    await _status_of(client, instance_id)
    return [HistoryEvent.model_validate(e) for e in await read_history(engine, instance_id)]


@router.post(
    "/{instance_id}/rerun",
    status_code=status.HTTP_202_ACCEPTED,
    responses=_errors,
    summary="Run a finished instance again from one of its events, as a new instance",
)
async def rerun(
    instance_id: InstanceId, body: RerunRequest, client: Client, engine: Engine, host: Host
) -> StartAccepted:
    current = await _status_of(client, instance_id)
    if current not in TERMINAL:
        raise _conflict(instance_id, current, "rerun", "only a finished instance can be rerun")
    if await read_state(client, body.new_instance_id, fetch_payloads=False) is not None:
        raise ServiceError(
            409, "already_exists", f"a workflow with id {body.new_instance_id!r} already exists"
        )
    new_input = json.dumps(body.input) if body.input is not None else None
    history = await read_history(engine, instance_id)
    event_id = body.from_event_id
    if event_id is None:
        scheduled = [e for e in history if e["kind"] == "taskScheduled"]
        if not scheduled:
            raise ServiceError(409, "invalid_rerun", f"{instance_id!r} ran no activity to rerun")
        event_id = scheduled[0]["event_id"]
    try:
        new_id = await engine.rerun(instance_id, event_id, body.new_instance_id, new_input)
    except grpc.aio.AioRpcError as exc:
        # The request was well formed; the instance's history has no such event (or it
        # cannot be rerun from): a conflict with the resource's state, not a bad body.
        if exc.code() in (grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.NOT_FOUND):
            raise ServiceError(409, "invalid_rerun", exc.details() or "rerun refused") from exc
        raise
    if stored_items_before(history, event_id):
        await _copy_line_items(host, instance_id, new_id)
    return StartAccepted(instance_id=new_id, status_url=status_url(new_id))


async def _copy_line_items(host: WorkflowHost, source_id: str, new_id: str) -> None:
    """A rerun from past the aggregation copies the source's result, whose line items
    (kept beside its history) are under the source's key: the new instance gets a copy
    under its own, so purging either one leaves the other whole. Until the copy lands,
    a read falls back to the source's key (see get_workflow). A rerun from before the
    aggregation writes its own, and gets no copy that could land after it."""
    source = line_items_state_key(source_id)
    try:
        stored = await asyncio.to_thread(host.sidecar.get_bulk_state, [source])
        if source in stored:
            await asyncio.to_thread(
                host.sidecar.save_state, line_items_state_key(new_id), stored[source]
            )
    except (RuntimeError, httpx.HTTPError):
        log.exception("rerun %s: could not copy the line items of %s", new_id, source_id)
