"""Tracing: a request continues its caller's trace, and the calls it makes carry it on;
spans go to an OTLP collector only when one is configured."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, format_span_id, format_trace_id
from pydantic import ValidationError

from invoice_shared.telemetry import TelemetrySettings, setup_tracing

from .tracing_probe import INCOMING, PARENT_ID, TRACE_ID, calling_app, get, loopback_server

PROBE = Path(__file__).with_name("tracing_probe.py")


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    yield exporter
    # The provider lives on for the rest of the run: a stopped exporter keeps nothing.
    exporter.shutdown()


def _parent_id(traceparent: str) -> str:
    return traceparent.split("-")[2]


@pytest.mark.parametrize("route", ["/async-call", "/sync-call"])
def test_a_request_continues_its_callers_trace_and_passes_it_on(
    spans: InMemorySpanExporter, route: str
):
    with loopback_server() as target:
        app = calling_app(target.url)
        setup_tracing(app, "trace-test", TelemetrySettings(), exporter=spans)
        assert get(app, route, {"traceparent": INCOMING}).status_code == 200
        assert get(app, "/healthz", {"traceparent": INCOMING}).status_code == 200

    finished = spans.get_finished_spans()
    servers = [s for s in finished if s.kind is SpanKind.SERVER]
    clients = [s for s in finished if s.kind is SpanKind.CLIENT]
    # One server span (not one per instrumentation, nor one for /healthz) and one call.
    assert [s.name for s in servers] == [f"GET {route}"]
    assert len(clients) == 1
    server, client = servers[0], clients[0]
    assert format_trace_id(server.context.trace_id) == TRACE_ID
    assert server.parent is not None and format_span_id(server.parent.span_id) == PARENT_ID
    assert client.parent is not None and client.parent.span_id == server.context.span_id
    assert server.resource.attributes["service.name"] == "trace-test"

    [outgoing] = [r["headers"]["traceparent"] for r in target.requests]
    assert outgoing.startswith(f"00-{TRACE_ID}-")
    assert _parent_id(outgoing) == format_span_id(client.context.span_id)


def test_sampling_rate_is_a_share():
    assert TelemetrySettings().trace_sampling_rate == 1.0
    assert TelemetrySettings().otel_exporter_otlp_endpoint is None
    with pytest.raises(ValidationError):
        TelemetrySettings(trace_sampling_rate=1.5)


def _probe(**env: str) -> dict:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    done = subprocess.run(
        [sys.executable, "-W", "error", str(PROBE)],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_without_an_endpoint_nothing_is_recorded_but_the_trace_is_passed_on():
    report = _probe()
    # The API's own provider: no SDK, no spans made, no exporter.
    assert report["provider"] == "ProxyTracerProvider"
    assert report["exported"] == []
    # The caller's trace and its span go on unchanged: no span of ours in between.
    assert report["outgoing"] == [INCOMING, INCOMING]


def test_with_an_endpoint_spans_are_exported_once_over_otlp_http():
    report = _probe(PROBE_EXPORT="1")
    assert report["provider"] == "TracerProvider"
    exported = report["exported"]
    assert {s["path"] for s in exported} == {"/v1/traces"}
    assert {s["service"] for s in exported} == {"probe-service"}
    assert {s["trace_id"] for s in exported} == {TRACE_ID}
    # Two requests (one per app), each a server span and a client span: exported once.
    names = sorted(s["name"] for s in exported)
    assert names == ["GET", "GET", "GET /sync-call", "GET /sync-call"]
    assert all(o.startswith(f"00-{TRACE_ID}-") and o != INCOMING for o in report["outgoing"])
