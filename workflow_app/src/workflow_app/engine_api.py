"""Workflow calls the SDK's DaprWorkflowClient (1.18.3) does not wrap: listing
instances, reading an instance's history, rerunning from an event (dapr/dapr#9729) and
purging by force.

The sidecar serves them on its workflow gRPC API, the same one `dapr workflow` uses;
we call it with the protobuf stubs vendored in dapr-ext-workflow.
"""

from __future__ import annotations

from typing import Any

import grpc
from dapr.ext.workflow._durabletask.internal import orchestrator_service_pb2 as pb
from dapr.ext.workflow._durabletask.internal import orchestrator_service_pb2_grpc as pb_grpc
from google.protobuf import json_format, wrappers_pb2

# No call to the sidecar (here or in state_reads) waits longer than this; a start has
# its own budget (starting.START_BUDGET_SECONDS).
CALL_TIMEOUT_SECONDS = 10.0


class WorkflowEngine:
    def __init__(self, host: str, grpc_port: int, api_token: str | None = None) -> None:
        self._target = f"{host}:{grpc_port}"
        self._metadata = (("dapr-api-token", api_token),) if api_token else ()
        self._channel: grpc.aio.Channel | None = None
        self._stub: pb_grpc.TaskHubSidecarServiceStub | None = None

    def _sidecar(self) -> pb_grpc.TaskHubSidecarServiceStub:
        # Created on first use: an aio channel belongs to the event loop it is made on.
        if self._stub is None:
            self._channel = grpc.aio.insecure_channel(self._target)
            # The SDK's vendored gRPC stubs carry no annotations.
            self._stub = pb_grpc.TaskHubSidecarServiceStub(self._channel)  # type: ignore[no-untyped-call]
        return self._stub

    async def close(self) -> None:
        if self._channel is not None:
            await self._channel.close()

    async def list_instance_ids(self, page_size: int = 500) -> list[str]:
        ids: list[str] = []
        token = ""
        while True:
            request = pb.ListInstanceIDsRequest(pageSize=page_size, continuationToken=token or None)
            response = await self._sidecar().ListInstanceIDs(
                request, metadata=self._metadata, timeout=CALL_TIMEOUT_SECONDS
            )
            ids.extend(response.instanceIds)
            token = response.continuationToken if response.HasField("continuationToken") else ""
            if not token:
                return ids

    async def history(self, instance_id: str) -> list[dict[str, Any]]:
        """Every history event, as JSON: {event_id, timestamp, kind, details}."""
        response = await self._sidecar().GetInstanceHistory(
            pb.GetInstanceHistoryRequest(instanceId=instance_id),
            metadata=self._metadata,
            timeout=CALL_TIMEOUT_SECONDS,
        )
        events = []
        for event in response.events:
            kind = event.WhichOneof("eventType") or "unknown"
            events.append(
                {
                    "event_id": event.eventId,
                    "timestamp": event.timestamp.ToJsonString(),
                    "kind": kind,
                    "details": json_format.MessageToDict(getattr(event, kind))
                    if kind != "unknown"
                    else {},
                }
            )
        return events

    async def force_purge(self, instance_id: str) -> None:
        """Delete the instance's state and reminders without going through its actor,
        which may be stuck (see fanout_deadlock); the SDK's purge has no force flag."""
        await self._sidecar().PurgeInstances(
            pb.PurgeInstancesRequest(instanceId=instance_id, force=True),
            metadata=self._metadata,
            timeout=CALL_TIMEOUT_SECONDS,
        )

    async def rerun(self, source_id: str, event_id: int, new_id: str, new_input: str | None) -> str:
        """Start `new_id` from `source_id`'s history up to `event_id`; returns its id."""
        request = pb.RerunWorkflowFromEventRequest(
            sourceInstanceID=source_id, eventID=event_id, newInstanceID=new_id
        )
        if new_input is not None:
            request.overwriteInput = True
            request.input.CopyFrom(wrappers_pb2.StringValue(value=new_input))
        response = await self._sidecar().RerunWorkflowFromEvent(
            request, metadata=self._metadata, timeout=CALL_TIMEOUT_SECONDS
        )
        return str(response.newInstanceID)
