"""Distributed tracing with OpenTelemetry: a span per request, W3C `traceparent` passed on.

Incoming requests continue the caller's trace, and every httpx call (sync or async)
carries it on, so one invoice's calls through the sidecars form one trace. Spans are
exported (OTLP over HTTP) only when OTEL_EXPORTER_OTLP_ENDPOINT is set; without it no
SDK is installed, and the API's no-op tracer still hands the incoming trace on.
"""

from __future__ import annotations

import asyncio
import logging
import random
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager

from fastapi import FastAPI
from opentelemetry import context, propagate, trace
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor, SpanExporter
from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from pydantic import Field
from pydantic_settings import BaseSettings

from invoice_shared.auth import HEALTH_PATHS, METRICS_PATH

log = logging.getLogger(__name__)

# Probes and scrapes come every few seconds and say nothing about an invoice.
UNTRACED_PATHS = (*sorted(HEALTH_PATHS), METRICS_PATH)
FLUSH_TIMEOUT_MILLIS = 5_000


class TelemetrySettings(BaseSettings):
    otel_exporter_otlp_endpoint: str | None = Field(
        default=None,
        description="OTLP/HTTP collector base URL, e.g. http://127.0.0.1:4318; unset: no export.",
    )
    otel_service_name: str | None = Field(
        default=None, description="service.name of the spans; the app id when unset."
    )
    trace_sampling_rate: float = Field(
        default=1.0, ge=0.0, le=1.0, description="Share of new traces sampled; 1 = all."
    )


class _Tracing:
    """What this process has set up once, whichever app asked first."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.process_wide = False
        self.provider: TracerProvider | None = None
        self.exporting = False


_tracing = _Tracing()


def _instrument_process() -> None:
    """The propagator and httpx, once per process."""
    if _tracing.process_wide:
        return
    propagate.set_global_textmap(TraceContextTextMapPropagator())
    instrumentor = HTTPXClientInstrumentor()
    if not instrumentor.is_instrumented_by_opentelemetry:
        instrumentor.instrument()
    _tracing.process_wide = True


def _sdk_provider(service_name: str, sampling_rate: float) -> TracerProvider:
    """The process's SDK provider, installed globally on first use."""
    if _tracing.provider is None:
        _tracing.provider = TracerProvider(
            resource=Resource.create({SERVICE_NAME: service_name}),
            sampler=ParentBased(TraceIdRatioBased(sampling_rate)),
        )
        trace.set_tracer_provider(_tracing.provider)
    return _tracing.provider


def _otlp_processor(endpoint: str) -> BatchSpanProcessor:
    # Imported here: the exporter pulls in requests and protobuf, needed only to export.
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    return BatchSpanProcessor(OTLPSpanExporter(endpoint=f"{endpoint.rstrip('/')}/v1/traces"))


def setup_tracing(
    app: FastAPI,
    service_name: str,
    settings: TelemetrySettings | None = None,
    *,
    exporter: SpanExporter | None = None,
) -> None:
    """Trace `app`'s requests (not its probes or /metrics) and every httpx call.

    The provider, the OTLP exporter, the propagator and httpx are set up once per
    process; each app passed in is instrumented. `exporter` (tests) also receives
    every span from now on, synchronously.
    """
    settings = settings if settings is not None else TelemetrySettings()
    name = settings.otel_service_name or service_name
    endpoint = settings.otel_exporter_otlp_endpoint
    with _tracing.lock:
        _instrument_process()
        if endpoint or exporter is not None:
            provider = _sdk_provider(name, settings.trace_sampling_rate)
            if endpoint and not _tracing.exporting:
                provider.add_span_processor(_otlp_processor(endpoint))
                _tracing.exporting = True
                log.info("exporting traces of %s to %s", name, endpoint)
            if exporter is not None:
                provider.add_span_processor(SimpleSpanProcessor(exporter))
    FastAPIInstrumentor.instrument_app(
        app,
        excluded_urls=",".join(f"{path}$" for path in UNTRACED_PATHS),
        # One span per request: not one more per chunk of body read or written.
        exclude_spans=["receive", "send"],
    )


def shutdown_tracing() -> None:
    """Send the spans still buffered (at app shutdown; it blocks up to a few seconds).

    The provider stays usable, since several apps may share a process (tests do); the
    SDK shuts it down itself when the process exits.
    """
    provider = _tracing.provider
    if provider is not None and not provider.force_flush(FLUSH_TIMEOUT_MILLIS):
        log.warning("some spans were not exported within %d ms", FLUSH_TIMEOUT_MILLIS)


@asynccontextmanager
async def tracing_lifespan(_: FastAPI) -> AsyncIterator[None]:
    """An app lifespan that flushes the spans at shutdown."""
    try:
        yield
    finally:
        await asyncio.to_thread(shutdown_tracing)


@contextmanager
def untraced() -> Iterator[None]:
    """Calls made inside (probes, periodic sweeps) carry a `traceparent` that says "not
    sampled": neither our spans nor the sidecar's are recorded for them. Without it, a
    sidecar sampling every request would record a trace per readiness probe, every
    second."""
    unsampled = trace.SpanContext(
        trace_id=random.getrandbits(128) or 1,
        span_id=random.getrandbits(64) or 1,
        is_remote=False,
        trace_flags=trace.TraceFlags(trace.TraceFlags.DEFAULT),
    )
    token = context.attach(trace.set_span_in_context(trace.NonRecordingSpan(unsampled)))
    try:
        yield
    finally:
        context.detach(token)
