"""A traced app whose handlers call out, and a loopback server noting what reaches it.

test_telemetry uses both in its own process, and runs this file as a script in a fresh
one (tracing is set up once per process): `python tracing_probe.py` serves one request
carrying INCOMING through a service set up from the environment, and prints as JSON
the tracer provider it ended with, the traceparent each outgoing call carried, and the
spans an OTLP collector (another loopback server) received.
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
from fastapi import FastAPI

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT_ID = "00f067aa0ba902b7"
INCOMING = f"00-{TRACE_ID}-{PARENT_ID}-01"


class Sink:
    """What a loopback server received: per request, its path, headers and body."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.url = ""


@contextmanager
def loopback_server() -> Iterator[Sink]:
    sink = Sink()

    class Handler(BaseHTTPRequestHandler):
        def _note(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            sink.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
            self.send_response(200)
            self.send_header("content-length", "0")
            self.end_headers()

        do_GET = do_POST = _note

        def log_message(self, format: str, *args: object) -> None:
            pass  # the test reads what the sink noted, not the server's access log

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    sink.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield sink
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def calling_app(target: str) -> FastAPI:
    """An app whose routes each call `target`: one async, one sync (in a worker thread,
    as FastAPI runs plain `def` routes, like the services' own)."""
    app = FastAPI()

    @app.get("/async-call")
    async def async_call() -> dict[str, str]:
        async with httpx.AsyncClient() as client:
            await client.get(f"{target}/from-async")
        return {"called": "async"}

    @app.get("/sync-call")
    def sync_call() -> dict[str, str]:
        with httpx.Client() as client:
            client.get(f"{target}/from-sync")
        return {"called": "sync"}

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


def get(app: FastAPI, path: str, headers: dict[str, str]) -> httpx.Response:
    async def call() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
            return await client.get(path, headers=headers)

    return asyncio.run(call())


def _exported_spans(collector: Sink) -> list[dict[str, str]]:
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
        ExportTraceServiceRequest,
    )

    spans = []
    for request in collector.requests:
        export = ExportTraceServiceRequest.FromString(request["body"])
        for resource_spans in export.resource_spans:
            attributes = {a.key: a.value.string_value for a in resource_spans.resource.attributes}
            for scope_spans in resource_spans.scope_spans:
                for span in scope_spans.spans:
                    spans.append(
                        {
                            "path": request["path"],
                            "service": attributes.get("service.name", ""),
                            "name": span.name,
                            "trace_id": span.trace_id.hex(),
                        }
                    )
    return spans


def main() -> None:
    from opentelemetry import trace

    from invoice_shared.telemetry import setup_tracing, shutdown_tracing

    with loopback_server() as target, loopback_server() as collector:
        if os.environ.get("PROBE_EXPORT") == "1":
            os.environ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.url
        # Two apps in one process: the second must not add a second exporter.
        apps = [calling_app(target.url), calling_app(target.url)]
        for app in apps:
            setup_tracing(app, "probe-service")
        for app in apps:
            assert get(app, "/sync-call", {"traceparent": INCOMING}).status_code == 200
        shutdown_tracing()
        report = {
            "provider": type(trace.get_tracer_provider()).__name__,
            "outgoing": [r["headers"].get("traceparent") for r in target.requests],
            "exported": _exported_spans(collector),
        }
    print(json.dumps(report))


if __name__ == "__main__":
    main()
