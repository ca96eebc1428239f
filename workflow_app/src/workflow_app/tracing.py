"""Tracing of the host's calls to its sidecar's workflow API (gRPC).

The workflow SDK instruments synchronous gRPC channels as soon as it is imported, when
opentelemetry-instrumentation-grpc is installed. Its worker's channel is one of them:
every work item result it reports would become a trace of its own, with no parent. What
should carry the trace is the asyncio client behind the REST API (starting a workflow,
raising an event), so that one is instrumented instead.
"""

from __future__ import annotations

from opentelemetry.instrumentation.grpc import GrpcAioInstrumentorClient, GrpcInstrumentorClient


def trace_workflow_client_calls() -> None:
    """Idempotent: each instrumentor does its work once per process."""
    sync_client = GrpcInstrumentorClient()  # type: ignore[no-untyped-call]  # unannotated in 0.66b2
    if sync_client.is_instrumented_by_opentelemetry:
        sync_client.uninstrument()
    aio_client = GrpcAioInstrumentorClient()  # type: ignore[no-untyped-call]
    if not aio_client.is_instrumented_by_opentelemetry:
        aio_client.instrument()
