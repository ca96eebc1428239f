"""Reading workflow state over the sidecar, riding out the moments it cannot answer."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import grpc
import httpx
from dapr.ext.workflow import WorkflowState
from dapr.ext.workflow.aio import DaprWorkflowClient
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from invoice_shared.dapr_names import TERMINAL_STATUSES
from invoice_shared.error_response import error_response
from invoice_shared.web import ServiceError
from workflow_app.engine_api import CALL_TIMEOUT_SECONDS, WorkflowEngine
from workflow_app.local_ends import LOCAL_ENDS, LocalEnds
from workflow_app.sidecar import Sidecar

T = TypeVar("T")

# Codes a read of workflow state can fail with while the instance is mid-step (with Redis,
# the runtime may read an instance's metadata before the keys it names are written) or
# while the sidecar restarts; both pass within moments. A sidecar shutting down cancels the
# calls it is serving (CANCELLED "context canceled"): a retry reaches the next one.
TRANSIENT = {grpc.StatusCode.UNKNOWN, grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.CANCELLED}
_READ_ATTEMPTS = 6


async def _retried(read: Callable[[], Awaitable[T]], what: str) -> T:
    """`read()`, retried briefly on transient errors; 503 with `what` if they persist."""
    for attempt in range(_READ_ATTEMPTS):
        try:
            return await asyncio.wait_for(read(), timeout=CALL_TIMEOUT_SECONDS)
        except TimeoutError as exc:
            raise ServiceError(
                503, "state_unavailable", "the sidecar did not answer in time; retry"
            ) from exc
        except grpc.aio.AioRpcError as exc:
            if exc.code() not in TRANSIENT:
                raise
            if attempt == _READ_ATTEMPTS - 1:
                raise ServiceError(
                    503,
                    "state_unavailable",
                    f"{what} could not be read just now; retry "
                    f"({exc.code().name}: {exc.details()})",
                ) from exc
            await asyncio.sleep(0.05 * 2**attempt)
    raise AssertionError("unreachable")


async def read_state(
    client: DaprWorkflowClient, instance_id: str, fetch_payloads: bool = True
) -> WorkflowState | None:
    """get_workflow_state, retried briefly on transient errors; 503 if they persist."""
    return await _retried(
        lambda: client.get_workflow_state(instance_id, fetch_payloads=fetch_payloads),
        f"the state of {instance_id!r}",
    )


async def read_history(engine: WorkflowEngine, instance_id: str) -> list[dict[str, Any]]:
    """The instance's history, retried the same way (the fault test once read it while a
    late event was being saved: "inbox key declared in metadata but missing")."""
    return await _retried(lambda: engine.history(instance_id), f"the history of {instance_id!r}")


async def existing_state(
    client: DaprWorkflowClient, instance_id: str, fetch_payloads: bool = True
) -> WorkflowState:
    """read_state, or 404 when there is no such instance."""
    state = await read_state(client, instance_id, fetch_payloads=fetch_payloads)
    if state is None:
        raise ServiceError(404, "not_found", f"no workflow instance with id {instance_id!r}")
    return state


# The runtime (1.18) deactivates a running workflow's actor whenever one of its reminders
# finds the inbox already drained (events that arrived together were handled in one run),
# and that closes every watch on the instance; the sidecar attaches the watch again only
# after a fixed second (its DaprBuiltInActorNotFoundRetries policy, which a resiliency
# spec cannot change; dapr/dapr-agents#520 is the same). A 10-page invoice, which ends
# within that second, took 1.4 s instead of 0.4. Status reads beside the watch end the
# wait soon after the end: the first ones close together (short invoices end within a
# second of losing their watch), then every RECHECK_SECONDS. When this host ran the last
# step, it knows at once (local_ends.py) and a few quick reads confirm the end.
RECHECK_SECONDS = 0.25
FIRST_RECHECK_SECONDS = 0.05


async def wait_for_end(
    client: DaprWorkflowClient, instance_id: str, seconds: int, ends: LocalEnds = LOCAL_ENDS
) -> WorkflowState | None:
    """The instance's state once it ends, or None if it has not within `seconds` (or the
    watch broke off: the caller then answers with what it read before)."""
    with ends.watch(instance_id) as ended_here:
        watch = asyncio.ensure_future(_watched_end(client, instance_id, seconds))
        check = asyncio.ensure_future(_checked_end(client, instance_id, seconds))
        noticed = asyncio.ensure_future(_confirmed_end(client, instance_id, ended_here))
        waiting = {watch, check, noticed}
        try:
            while True:
                done, waiting = await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
                if watch.done():
                    return watch.result()
                if any(task.result() for task in done):  # a status read saw the end
                    break
                if check.done():  # the reads stop just short of the deadline: the
                    return await watch  # watch's own timeout ends it
            try:
                return await read_state(client, instance_id)
            except ServiceError:  # unreadable just now: answer with what was read before
                return None
        finally:
            for task in (watch, check, noticed):
                task.cancel()


async def _watched_end(
    client: DaprWorkflowClient, instance_id: str, seconds: int
) -> WorkflowState | None:
    try:
        return await client.wait_for_workflow_completion(
            instance_id, fetch_payloads=True, timeout_in_seconds=seconds
        )
    except (TimeoutError, grpc.aio.AioRpcError):
        return None


async def _checked_end(client: DaprWorkflowClient, instance_id: str, seconds: int) -> bool:
    """True once a status read finds the instance ended; False at the deadline (the
    watch is the primary)."""
    deadline = asyncio.get_running_loop().time() + seconds
    pause = FIRST_RECHECK_SECONDS
    while asyncio.get_running_loop().time() + pause < deadline:
        await asyncio.sleep(pause)
        pause = min(2 * pause, RECHECK_SECONDS)
        if await _reads_ended(client, instance_id):
            return True
    return False


async def _reads_ended(client: DaprWorkflowClient, instance_id: str) -> bool:
    """Whether a status read finds the instance ended now; a failed read is a no."""
    try:
        state = await client.get_workflow_state(instance_id, fetch_payloads=False)
    except grpc.aio.AioRpcError:
        return False
    return state is not None and state.runtime_status.name in TERMINAL_STATUSES


# The runtime records an end a few milliseconds after the workflow function returns (the
# host still has to send it the result): reads this far apart confirm it, then give up.
CONFIRM_PAUSES = (0.005, 0.01, 0.01, 0.02, 0.02, 0.05, 0.05, 0.1)


async def _confirmed_end(
    client: DaprWorkflowClient, instance_id: str, ended_here: asyncio.Event
) -> bool:
    """True once the workflow function ended in this host and a status read shows the
    runtime has recorded it; False if the reads never do (the others go on waiting)."""
    await ended_here.wait()
    for pause in CONFIRM_PAUSES:
        await asyncio.sleep(pause)
        if await _reads_ended(client, instance_id):
            return True
    return False


async def stored_line_items(sidecar: Sidecar, keys: list[str]) -> Any:
    """The line items kept under the first of `keys` that has them, or None; 503 when
    the state store cannot be read just now."""
    try:
        stored = await asyncio.to_thread(sidecar.get_bulk_state, keys)
    except (RuntimeError, httpx.HTTPError) as exc:
        raise ServiceError(
            503, "state_unavailable", f"the line items under {keys[0]!r} could not be read; retry"
        ) from exc
    return next((stored[key] for key in keys if key in stored), None)


def install_sidecar_error_handler(app: FastAPI) -> None:
    """A call to the sidecar that fails for a passing reason (it is restarting, or a
    heal just asked it to) is a 503 saying to retry, not a 500: the request may be
    repeated as it is."""

    @app.exception_handler(grpc.aio.AioRpcError)
    async def _sidecar_error(request: Request, exc: grpc.aio.AioRpcError) -> JSONResponse:
        if exc.code() not in (*TRANSIENT, grpc.StatusCode.DEADLINE_EXCEEDED):
            logging.getLogger(app.title).error(
                "%s %s: the sidecar refused: %s", request.method, request.url.path, exc
            )
            return error_response(500, "internal_error", f"{exc.code().name}: {exc.details()}")
        return error_response(
            503,
            "sidecar_unavailable",
            f"the sidecar could not take this just now; retry ({exc.code().name})",
        )
