"""In-memory stand-ins for what the workflow host reaches through its sidecar: the
workflow client, the workflow engine's extra calls, and the sidecar's HTTP API.

They answer as Dapr 1.18 does where the host can tell the difference: states carry
naive UTC datetimes (as the SDK converts its protobuf timestamps), unknown instances
read as None, history timestamps are protobuf JSON strings, a rerun names its event
in a protobuf request (so an event id beyond uint32 fails as it does for real) and is
refused with INVALID_ARGUMENT or NOT_FOUND. Only their clock differs: it runs at once
(a wait for an instance that does not end times out immediately).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import grpc
import httpx
from dapr.ext.workflow import WorkflowState
from dapr.ext.workflow._durabletask import client as durable
from dapr.ext.workflow._durabletask import task
from dapr.ext.workflow._durabletask.internal import orchestrator_service_pb2 as pb
from fastapi import FastAPI
from google.protobuf.timestamp_pb2 import Timestamp

from invoice_shared.artifacts import blob_key, page_key
from invoice_shared.dapr_names import (
    AGGREGATE_ACTIVITY,
    EXTRACT_APP_ID,
    INVOICE_WORKFLOW,
    SERVICE_APP_IDS,
    SPLIT_ACTIVITY,
    UPLOAD_ACTIVITY,
    UPLOAD_APP_ID,
)
from invoice_shared.models import ErrorBody
from workflow_app.sidecar import Sidecar
from workflow_app.starting import StartLocks

Status = durable.OrchestrationStatus
Json = dict[str, Any]
TERMINAL = {Status.COMPLETED, Status.FAILED, Status.TERMINATED}
# History events a rerun may start from (the sidecar refuses any other).
RERUN_POINTS = {"taskScheduled", "timerCreated", "childWorkflowInstanceCreated"}
# Smallest PNG a browser shows: what the extract service's page renderer answers.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d4944415478da63f8cfc0f01f0005000201e5270fe30000000049454e44ae426082"
)


def rpc_error(code: grpc.StatusCode, details: str) -> grpc.aio.AioRpcError:
    return grpc.aio.AioRpcError(code, grpc.aio.Metadata(), grpc.aio.Metadata(), details)


@dataclass
class Instance:
    name: str
    status: Status
    created_at: dt.datetime
    updated_at: dt.datetime
    input: str | None = None
    output: str | None = None
    custom_status: str | None = None
    failure: task.FailureDetails | None = None
    history: list[Json] = field(default_factory=list)


class FakeWorkflowRuntime:
    """One in-memory task hub, seen through DaprWorkflowClient's calls (`client`) and
    WorkflowEngine's (`engine`), as the host sees the sidecar's."""

    def __init__(self, start: dt.datetime = dt.datetime(2026, 1, 2, 3, 4, 5)) -> None:
        self.instances: dict[str, Instance] = {}
        self.events: list[tuple[str, str, Any]] = []
        self._now = start  # naive UTC, like the SDK's times

    def tick(self) -> dt.datetime:
        self._now += dt.timedelta(seconds=1, microseconds=250_000)
        return self._now

    def add(self, instance_id: str, name: str, status: Status, **fields: Any) -> Instance:
        now = self.tick()
        instance = Instance(name, status, now, now, **fields)
        self.instances[instance_id] = instance
        return instance

    def record(self, instance: Instance, kind: str, details: Json) -> int:
        """Append one event to an instance's history; returns its event id."""
        event_id = len(instance.history)
        stamp = Timestamp()
        stamp.FromDatetime(self.tick())
        instance.history.append(
            {
                "event_id": event_id,
                "timestamp": stamp.ToJsonString(),
                "kind": kind,
                "details": details,
            }
        )
        instance.updated_at = self._now
        return event_id

    def state(self, instance_id: str, fetch_payloads: bool) -> WorkflowState | None:
        instance = self.instances.get(instance_id)
        if instance is None:
            return None
        payloads = (
            (instance.input, instance.output, instance.custom_status)
            if fetch_payloads
            else (None, None, None)
        )
        return WorkflowState(
            durable.WorkflowState(
                instance_id,
                instance.name,
                instance.status,
                instance.created_at,
                instance.updated_at,
                *payloads,
                instance.failure,
            )
        )

    def existing(self, instance_id: str) -> Instance:
        instance = self.instances.get(instance_id)
        if instance is None:
            raise rpc_error(grpc.StatusCode.NOT_FOUND, f"no such instance exists: {instance_id}")
        return instance

    def set_status(self, instance_id: str, status: Status) -> None:
        instance = self.existing(instance_id)
        instance.status = status
        instance.updated_at = self.tick()

    @property
    def client(self) -> FakeWorkflowClient:
        return FakeWorkflowClient(self)

    @property
    def engine(self) -> FakeWorkflowEngine:
        return FakeWorkflowEngine(self)


def progress(stage: str, clock: dt.datetime, **fields: Any) -> str:
    """A custom status as invoice_workflow sets it: Progress JSON, JSON-encoded again by
    the SDK; the workflow's own clock is aware UTC."""
    aware = clock.replace(tzinfo=dt.UTC).isoformat()
    value = {"stage": stage, "started_at": aware, "updated_at": aware, **fields}
    return json.dumps(json.dumps(value))


class FakeWorkflowClient:
    """The calls of DaprWorkflowClient (aio) the host makes."""

    def __init__(self, runtime: FakeWorkflowRuntime) -> None:
        self.runtime = runtime

    async def get_workflow_state(
        self, instance_id: str, *, fetch_payloads: bool = True
    ) -> WorkflowState | None:
        return self.runtime.state(instance_id, fetch_payloads)

    async def schedule_new_workflow(
        self, workflow: str, *, input: Any = None, instance_id: str | None = None
    ) -> str:
        assert instance_id is not None
        if instance_id in self.runtime.instances:
            raise rpc_error(grpc.StatusCode.ALREADY_EXISTS, f"{instance_id} already exists")
        instance = self.runtime.add(instance_id, workflow, Status.RUNNING, input=json.dumps(input))
        self.runtime.record(instance, "executionStarted", {"name": workflow})
        self.runtime.record(instance, "taskScheduled", {"name": UPLOAD_ACTIVITY})
        instance.custom_status = progress("uploading", instance.created_at)
        return instance_id

    async def wait_for_workflow_completion(
        self, instance_id: str, *, fetch_payloads: bool = True, timeout_in_seconds: int = 0
    ) -> WorkflowState | None:
        instance = self.runtime.instances.get(instance_id)
        if instance is not None and instance.status not in TERMINAL:
            raise TimeoutError("Timed-out waiting for the orchestration to complete")
        return self.runtime.state(instance_id, fetch_payloads)

    async def raise_workflow_event(
        self, instance_id: str, event_name: str, *, data: Any = None
    ) -> None:
        # Dapr drops events for instances that have ended or never existed.
        self.runtime.events.append((instance_id, event_name.casefold(), data))

    async def terminate_workflow(
        self, instance_id: str, *, output: Any = None, recursive: bool = True
    ) -> None:
        self.runtime.set_status(instance_id, Status.TERMINATED)

    async def pause_workflow(self, instance_id: str) -> None:
        self.runtime.set_status(instance_id, Status.SUSPENDED)

    async def resume_workflow(self, instance_id: str) -> None:
        self.runtime.set_status(instance_id, Status.RUNNING)

    async def purge_workflow(self, instance_id: str, recursive: bool = True) -> None:
        if self.runtime.existing(instance_id).status not in TERMINAL:
            raise rpc_error(grpc.StatusCode.FAILED_PRECONDITION, "instance is still running")
        del self.runtime.instances[instance_id]


class FakeWorkflowEngine:
    """The calls of workflow_app.engine_api.WorkflowEngine the host makes."""

    def __init__(self, runtime: FakeWorkflowRuntime) -> None:
        self.runtime = runtime

    async def list_instance_ids(self, page_size: int = 500) -> list[str]:
        return list(self.runtime.instances)

    async def history(self, instance_id: str) -> list[Json]:
        return list(self.runtime.existing(instance_id).history)

    async def rerun(self, source_id: str, event_id: int, new_id: str, new_input: str | None) -> str:
        # The request the real engine sends: an event id it cannot carry fails here too.
        request = pb.RerunWorkflowFromEventRequest(
            sourceInstanceID=source_id, eventID=event_id, newInstanceID=new_id
        )
        source = self.runtime.existing(request.sourceInstanceID)
        kinds = {e["event_id"]: e["kind"] for e in source.history}
        if kinds.get(request.eventID) not in RERUN_POINTS:
            raise rpc_error(
                grpc.StatusCode.INVALID_ARGUMENT,
                f"event {request.eventID} is not an activity, timer or child workflow event",
            )
        if new_id in self.runtime.instances:
            raise rpc_error(grpc.StatusCode.ALREADY_EXISTS, f"{new_id} already exists")
        copy = self.runtime.add(
            new_id, source.name, Status.RUNNING, input=new_input or source.input
        )
        copy.history = [e for e in source.history if e["event_id"] <= request.eventID]
        copy.custom_status = progress("uploading", copy.created_at)
        return new_id

    async def close(self) -> None:
        pass


def seed_finished_invoice(runtime: FakeWorkflowRuntime, instance_id: str, pages: int = 2) -> None:
    """A COMPLETED invoice_workflow with the history and result a real run leaves."""
    sha = hashlib.sha256(instance_id.encode()).hexdigest()
    instance = runtime.add(instance_id, INVOICE_WORKFLOW, Status.RUNNING)
    runtime.record(instance, "executionStarted", {"name": INVOICE_WORKFLOW})
    upload = runtime.record(instance, "taskScheduled", {"name": UPLOAD_ACTIVITY})
    runtime.record(instance, "taskCompleted", {"taskScheduledId": upload})
    split = runtime.record(instance, "taskScheduled", {"name": SPLIT_ACTIVITY})
    page_list = [
        {
            "invoice_id": instance_id,
            "source_sha256": sha,
            "page_number": n,
            "page_count": pages,
            "blob_key": page_key(sha, n),
            "width_pt": 595.0,
            "height_pt": 842.0,
            "rotation": 0,
            "has_text_layer": True,
        }
        for n in range(1, pages + 1)
    ]
    split_result = {"invoice_id": instance_id, "source_sha256": sha, "page_count": pages}
    result = json.dumps({**split_result, "pages": page_list})
    runtime.record(instance, "taskCompleted", {"taskScheduledId": split, "result": result})
    aggregate = runtime.record(instance, "taskScheduled", {"name": AGGREGATE_ACTIVITY})
    runtime.record(instance, "taskCompleted", {"taskScheduledId": aggregate})
    decided = runtime.tick().replace(tzinfo=dt.UTC).isoformat()
    instance.output = json.dumps(
        {
            "invoice_id": instance_id,
            "invoice_number": "2025-001",
            "invoice_date": "2025-01-15",
            "due_date": "2025-02-14",
            "currency": "EUR",
            "total": 119.0,
            "page_count": pages,
            "line_items": [
                {"description": "Paper", "quantity": 1.0, "unit_price": 100.0, "amount": 100.0}
            ],
            "approval": {"status": "auto_approved", "decided_at": decided, "reason": "clean"},
        }
    )
    instance.custom_status = progress("completed", instance.created_at, pages_done=pages)
    runtime.set_status(instance_id, Status.COMPLETED)


def seed_invoice_awaiting_approval(runtime: FakeWorkflowRuntime, instance_id: str) -> None:
    instance = runtime.add(instance_id, INVOICE_WORKFLOW, Status.RUNNING)
    runtime.record(instance, "executionStarted", {"name": INVOICE_WORKFLOW})
    runtime.record(instance, "taskScheduled", {"name": UPLOAD_ACTIVITY})
    waiting = {"reason": "total 12000.00 exceeds the approval threshold", "total": 12000.0}
    instance.custom_status = progress(
        "awaiting_approval", instance.created_at, pages_done=1, pages_total=1, waiting_for=waiting
    )


class FakeSidecarApi:
    """The sidecar's HTTP API as the host uses it: service invocation of the upload and
    extract services, their /status, the state store and the metadata."""

    def __init__(self) -> None:
        self.stored: dict[str, bytes] = {}

    def handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path.startswith("/v1.0/invoke/"):
            app_id, _, method = path.removeprefix("/v1.0/invoke/").partition("/method/")
            return self._invoke(app_id, method, request)
        if path == "/v1.0/metadata":
            return httpx.Response(200, json={"id": "workflow-app", "runtimeVersion": "1.18.3"})
        if path.endswith("/bulk"):
            keys = json.loads(request.content)["keys"]
            return httpx.Response(200, json=[{"key": key} for key in keys])
        if path.endswith("/transaction"):
            return httpx.Response(204)
        return httpx.Response(404, text="no such Dapr API")

    def _invoke(self, app_id: str, method: str, request: httpx.Request) -> httpx.Response:
        if method == "status" and app_id in SERVICE_APP_IDS:
            return httpx.Response(200, json={"app_id": app_id, "sidecar_error": "not read"})
        if (app_id, method) == (UPLOAD_APP_ID, "upload/file"):
            data = request.content
            if b"%PDF-" not in data[:1024]:
                return _refusal(422, "not_a_pdf", "the upload is not a PDF")
            sha = hashlib.sha256(data).hexdigest()
            self.stored[blob_key(sha)] = data
            stored = {
                "invoice_id": request.url.params["invoice_id"],
                "source": "upload",
                "blob_key": blob_key(sha),
                "sha256": sha,
                "size_bytes": len(data),
            }
            return httpx.Response(200, json=stored)
        if (app_id, method) == (EXTRACT_APP_ID, "pages/image"):
            return httpx.Response(200, content=PNG, headers={"content-type": "image/png"})
        return httpx.Response(500, text=f"no app {app_id} with a method {method}")


def _refusal(status: int, error: str, message: str) -> httpx.Response:
    return httpx.Response(status, json=ErrorBody(error=error, message=message).model_dump())


def fake_host(sidecar_api: FakeSidecarApi) -> SimpleNamespace:
    """What the host's routes use of workflow_app.runtime.WorkflowHost."""
    transport = httpx.MockTransport(sidecar_api.handle)
    return SimpleNamespace(
        readiness=SimpleNamespace(check=lambda: (True, "connected")),
        sidecar=Sidecar("127.0.0.1", 3500, 5.0, "sidecar-token", transport=transport),
    )


def with_fake_runtime(
    app: FastAPI, runtime: FakeWorkflowRuntime, sidecar_api: FakeSidecarApi
) -> FastAPI:
    """`app` (the host's) with a lifespan that puts the fakes where the real one puts
    the sidecar's clients, and starts no workflow runtime."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        app.state.workflow_client = runtime.client
        app.state.engine = runtime.engine
        app.state.host = fake_host(sidecar_api)
        app.state.start_locks = StartLocks()
        yield

    app.router.lifespan_context = lifespan
    return app
