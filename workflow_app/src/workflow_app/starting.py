"""Starting invoice_workflow once per invoice id, whichever endpoint asks."""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import grpc
from dapr.ext.workflow.aio import DaprWorkflowClient

from invoice_shared.dapr_names import INVOICE_WORKFLOW
from invoice_shared.metrics import WORKFLOWS_STARTED
from invoice_shared.models import InvoiceRequest
from invoice_shared.web import ServiceError
from workflow_app.config import Settings
from workflow_app.models import InvoiceWorkflowInput, StartAccepted
from workflow_app.state_reads import TRANSIENT, read_state

WORKFLOWS_PATH = "/api/workflows"
# A start may wait out a placement update after a restart, longer than other calls.
START_BUDGET_SECONDS = 30.0


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


def status_url(instance_id: str) -> str:
    """Where GET answers with the instance's status."""
    return f"{WORKFLOWS_PATH}/{instance_id}"


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
        max_children=settings.max_child_workflows,
        approval_threshold=settings.approval_threshold,
        approval_on_warnings=settings.approval_on_warnings,
        approval_timeout_seconds=settings.approval_timeout_seconds,
        approval_timeout_outcome=settings.approval_timeout_outcome,
        stall_seconds=settings.stall_seconds,
    )
    # The runtime's id-reuse policy is a no-op, and it would recreate a finished
    # instance: check first, under a lock so two racing starts cannot both pass.
    async with locks.hold(instance_id):
        if await read_state(client, instance_id, fetch_payloads=False) is not None:
            raise already_exists(instance_id)
        await _schedule(client, instance_id, payload.model_dump(mode="json"))
    WORKFLOWS_STARTED.inc()
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
                raise already_exists(instance_id) from exc
            if exc.code() not in TRANSIENT:
                raise
            if loop.time() >= deadline:
                if await _landed(client, instance_id):
                    return
                raise ServiceError(
                    503,
                    "not_started",
                    f"the workflow could not be started yet; retry "
                    f"({exc.code().name}: {exc.details()})",
                ) from exc
        except TimeoutError as exc:
            # The sidecar may have taken it just as the budget ran out (seen after a
            # sidecar restart): a 503 then would make the caller's retry a 409.
            if await _landed(client, instance_id):
                return
            raise ServiceError(
                503, "not_started", "the sidecar did not accept the workflow in time; retry"
            ) from exc
        attempt += 1
        await asyncio.sleep(min(0.1 * 2**attempt, 2.0))


async def _landed(client: DaprWorkflowClient, instance_id: str) -> bool:
    """Whether an attempt of ours got through after all (one quick look)."""
    try:
        state = await asyncio.wait_for(
            client.get_workflow_state(instance_id, fetch_payloads=False), timeout=5.0
        )
    except (TimeoutError, grpc.aio.AioRpcError):
        return False
    return state is not None


def already_exists(instance_id: str) -> ServiceError:
    """409 for a start of an id that is taken, pointing at the instance that has it."""
    return ServiceError(
        409,
        "already_exists",
        f"a workflow with id {instance_id!r} already exists; no second run was started "
        f"(see {status_url(instance_id)})",
    )
