"""The host's REST API: start invoice workflows and inspect them."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections import Counter
from collections.abc import AsyncIterator
from typing import Annotated, Any

import grpc
from dapr.ext.workflow.aio import DaprWorkflowClient
from fastapi import APIRouter, Depends, Path, Query, Request, Response, status
from pydantic import TypeAdapter

from invoice_shared.dapr_names import INVOICE_WORKFLOW, TERMINAL_STATUSES
from invoice_shared.models import AggregatedInvoice, ErrorBody, InvoiceRequest, ProcessedInvoice
from invoice_shared.web import ServiceError
from workflow_app.config import Settings, get_settings
from workflow_app.models import (
    ExtractionRef,
    InvoiceWorkflowInput,
    Progress,
    StartAccepted,
    WorkflowView,
)

# The longest a GET may wait for an instance to end (wait_seconds).
MAX_WAIT_SECONDS = 60

router = APIRouter(prefix="/api/workflows", tags=["workflows"])
_refs = TypeAdapter(list[ExtractionRef])

InstanceId = Annotated[str, Path(min_length=1, max_length=200, examples=["INV-2025-001"])]


def get_client(request: Request) -> DaprWorkflowClient:
    return request.app.state.workflow_client


class StartLocks:
    """One lock per instance id, so two racing starts of the same id cannot both pass
    the existence check, while starts of different ids never wait on each other."""

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}
        self._users: Counter[str] = Counter()

    @contextlib.asynccontextmanager
    async def hold(self, instance_id: str) -> AsyncIterator[None]:
        lock = self._locks.setdefault(instance_id, asyncio.Lock())
        self._users[instance_id] += 1
        try:
            async with lock:
                yield
        finally:
            self._users[instance_id] -= 1
            if not self._users[instance_id]:  # last user: forget the id
                del self._users[instance_id]
                del self._locks[instance_id]


def get_start_locks(request: Request) -> StartLocks:
    return request.app.state.start_locks


def status_url(instance_id: str) -> str:
    return f"{router.prefix}/{instance_id}"


@router.post(
    "/invoice",
    status_code=status.HTTP_202_ACCEPTED,
    responses={code: {"model": ErrorBody} for code in (409, 422, 503)},
    summary="Start processing an invoice; its id becomes the workflow instance id",
)
async def start_invoice(
    body: InvoiceRequest,
    client: Annotated[DaprWorkflowClient, Depends(get_client)],
    locks: Annotated[StartLocks, Depends(get_start_locks)],
    settings: Annotated[Settings, Depends(get_settings)],
    response: Response,
) -> StartAccepted:
    accepted = await start_invoice_workflow(body, client, locks, settings)
    response.headers["Location"] = accepted.status_url
    return accepted


async def start_invoice_workflow(
    body: InvoiceRequest,
    client: DaprWorkflowClient,
    locks: StartLocks,
    settings: Settings,
) -> StartAccepted:
    """Schedule invoice_workflow for `body`, once per invoice id."""
    instance_id = body.invoice_id
    payload = InvoiceWorkflowInput(
        **body.model_dump(),
        batch_size=settings.page_batch_size,
        max_direct_pages=settings.max_direct_pages,
        approval_threshold=settings.approval_threshold,
        approval_on_warnings=settings.approval_on_warnings,
        approval_timeout_seconds=settings.approval_timeout_seconds,
        approval_timeout_outcome=settings.approval_timeout_outcome,
    )
    # The runtime's id-reuse policy is a no-op, and it would recreate a finished
    # instance: check first, under a lock so two racing starts cannot both pass.
    async with locks.hold(instance_id):
        if await read_state(client, instance_id, fetch_payloads=False) is not None:
            raise _already_exists(instance_id)
        await _schedule(client, instance_id, payload.model_dump(mode="json"))
    return StartAccepted(instance_id=instance_id, status_url=status_url(instance_id))


async def _schedule(client: DaprWorkflowClient, instance_id: str, payload: Any) -> None:
    """Schedule, riding out a sidecar that is still (re)placing its workflow actors.

    Right after the host or its sidecar restarts, scheduling can stall or fail with
    UNKNOWN/UNAVAILABLE for seconds while placement disseminates; retrying within a
    budget answers the caller once instead of sending them a 503 to retry themselves.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + START_BUDGET_SECONDS
    attempt = 0
    while True:
        try:
            await asyncio.wait_for(
                client.schedule_new_workflow(
                    INVOICE_WORKFLOW, input=payload, instance_id=instance_id
                ),
                timeout=max(1.0, deadline - loop.time()),
            )
            return
        except grpc.aio.AioRpcError as exc:
            if exc.code() == grpc.StatusCode.ALREADY_EXISTS:
                if attempt:  # an earlier attempt of ours got through after all
                    return
                raise _already_exists(instance_id) from exc
            if exc.code() not in _TRANSIENT:
                raise
            if loop.time() >= deadline:
                raise ServiceError(
                    503,
                    "not_started",
                    f"the workflow could not be started yet; retry "
                    f"({exc.code().name}: {exc.details()})",
                ) from exc
        except TimeoutError as exc:
            raise ServiceError(
                503, "not_started", "the sidecar did not accept the workflow in time; retry"
            ) from exc
        attempt += 1
        await asyncio.sleep(min(0.1 * 2**attempt, 2.0))


def _already_exists(instance_id: str) -> ServiceError:
    return ServiceError(
        409,
        "already_exists",
        f"a workflow with id {instance_id!r} already exists; no second run was started "
        f"(see {status_url(instance_id)})",
    )


@router.get(
    "/{instance_id}",
    responses={404: {"model": ErrorBody}},
    summary="Status, progress and result of one workflow instance",
)
async def get_workflow(
    instance_id: InstanceId,
    client: Annotated[DaprWorkflowClient, Depends(get_client)],
    wait_seconds: Annotated[
        int,
        Query(
            ge=0,
            le=MAX_WAIT_SECONDS,
            description="Wait up to this long for the instance to end before answering "
            "(the sidecar watches its status: no polling); 0 answers at once.",
        ),
    ] = 0,
) -> WorkflowView:
    state = await read_state(client, instance_id)
    if state is None:
        raise ServiceError(404, "not_found", f"no workflow instance with id {instance_id!r}")
    if wait_seconds and state.runtime_status.name not in TERMINAL_STATUSES:
        state = await _wait_for_end(client, instance_id, wait_seconds) or state
    return view_of(instance_id, state)


async def _wait_for_end(client: DaprWorkflowClient, instance_id: str, seconds: int):  # type: ignore[no-untyped-def]
    """The instance's state once it ends, or None if it has not within `seconds` (or the
    watch broke off: the caller then answers with what it read before)."""
    try:
        return await client.wait_for_workflow_completion(
            instance_id, fetch_payloads=True, timeout_in_seconds=seconds
        )
    except (TimeoutError, grpc.aio.AioRpcError):
        return None


# Codes a read of workflow state can fail with while the instance is mid-step (with Redis,
# the runtime may read an instance's metadata before the keys it names are written) or
# while the sidecar restarts; both pass within moments. A sidecar shutting down cancels the
# calls it is serving (CANCELLED "context canceled"): a retry reaches the next one.
_TRANSIENT = {grpc.StatusCode.UNKNOWN, grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.CANCELLED}
# No request waits on the sidecar for longer than this...
CALL_TIMEOUT_SECONDS = 10.0
# ...except a start, which may wait out a placement update after a restart.
START_BUDGET_SECONDS = 30.0
_READ_ATTEMPTS = 6


async def read_state(client: DaprWorkflowClient, instance_id: str, fetch_payloads: bool = True):  # type: ignore[no-untyped-def]
    """get_workflow_state, retried briefly on transient errors; 503 if they persist."""
    for attempt in range(_READ_ATTEMPTS):
        try:
            return await asyncio.wait_for(
                client.get_workflow_state(instance_id, fetch_payloads=fetch_payloads),
                timeout=CALL_TIMEOUT_SECONDS,
            )
        except TimeoutError as exc:
            raise ServiceError(
                503, "state_unavailable", "the sidecar did not answer in time; retry"
            ) from exc
        except grpc.aio.AioRpcError as exc:
            if exc.code() not in _TRANSIENT:
                raise
            if attempt == _READ_ATTEMPTS - 1:
                raise ServiceError(
                    503,
                    "state_unavailable",
                    f"the state of {instance_id!r} could not be read just now; retry "
                    f"({exc.code().name}: {exc.details()})",
                ) from exc
            await asyncio.sleep(0.05 * 2**attempt)
    raise AssertionError("unreachable")


def view_of(instance_id: str, state) -> WorkflowView:  # type: ignore[no-untyped-def]
    status_name = state.runtime_status.name
    progress = _progress(state.serialized_custom_status)
    result: ProcessedInvoice | AggregatedInvoice | list[ExtractionRef] | None = None
    if status_name == "COMPLETED" and state.serialized_output:
        if state.name == INVOICE_WORKFLOW:
            output = json.loads(state.serialized_output)
            # v2 adds the approval; v1 instances return the bare invoice.
            model = ProcessedInvoice if "approval" in output else AggregatedInvoice
            result = model.model_validate(output)
        else:
            result = _refs.validate_json(state.serialized_output)
    failure = state.failure_details
    return WorkflowView(
        instance_id=instance_id,
        workflow_name=state.name,
        status=status_name,
        stage=progress.stage if progress else None,
        pages_done=progress.pages_done if progress else 0,
        pages_total=progress.pages_total if progress else None,
        result=result,
        error=failure.message if failure is not None else None,
        started_at=progress.started_at if progress else None,
        updated_at=progress.updated_at if progress else None,
    )


def _progress(raw: str | None) -> Progress | None:
    if not raw:
        return None
    try:
        # The SDK stores the custom status JSON-encoded, so a JSON string holds our JSON.
        value = json.loads(raw)
        return (
            Progress.model_validate_json(value)
            if isinstance(value, str)
            else Progress.model_validate(value)
        )
    except ValueError:
        return None
