"""Prometheus metrics: every app's HTTP traffic, and the system's domain metrics.

All are defined here, once, in the process's default registry: alert rules and the
dashboard refer to these names. Each app serves them at /metrics (open, like /healthz:
they carry counts and route templates, never an invoice id or a secret).
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from fastapi import FastAPI, Response
from fastapi.routing import iter_route_contexts
from prometheus_client import (
    CONTENT_TYPE_PLAIN_0_0_4,
    REGISTRY,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from invoice_shared.auth import METRICS_PATH

UNMATCHED = "unmatched"
# Any other method a client sends is counted as "other": labels stay a bounded set.
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

# From a probe or a cached text page (milliseconds) to a slow OCR read (its 60 s limit).
SECONDS_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60)

# HTTP, recorded for every app by RequestMetrics.
HTTP_REQUESTS = Counter(
    "invoice_http_requests_total",
    "HTTP requests answered, by app, method, route template and status.",
    ["app", "method", "route", "status"],
)
HTTP_REQUEST_DURATION = Histogram(
    "invoice_http_request_duration_seconds",
    "Time to answer an HTTP request, by app and route template.",
    ["app", "route"],
    buckets=SECONDS_BUCKETS,
)

# Workflows (the workflow host).
WORKFLOWS_STARTED = Counter("invoice_workflows_started_total", "Invoice workflows started.")
INSTANCES = Gauge("invoice_instances", "Invoice workflow instances, by status.", ["status"])
AWAITING_APPROVAL = Gauge("invoice_awaiting_approval", "Invoices waiting for a human decision.")
OLDEST_AWAITING_APPROVAL = Gauge(
    "invoice_oldest_awaiting_approval_seconds",
    "How long the invoice waiting longest for a decision has waited.",
)
APPROVAL_DECISIONS = Counter(
    "invoice_approval_decisions_total", "Approval decisions received, by decision.", ["decision"]
)

# Extraction (the extract service).
PAGES_EXTRACTED = Counter(
    "invoice_pages_extracted_total",
    "Pages extracted, by how they were read: text layer, OCR or e-invoice XML.",
    ["source"],
)
PAGE_EXTRACTION_SECONDS = Histogram(
    "invoice_page_extraction_seconds",
    "Time to extract one page, by how it was read.",
    ["source"],
    buckets=SECONDS_BUCKETS,
)
FIELDS = Counter(
    "invoice_fields_total",
    "Fields of extracted pages, by field and whether the page gave a value.",
    ["field", "found"],
)
EXTRACTIONS_IN_FLIGHT = Gauge("invoice_extractions_in_flight", "Page extractions running now.")
EXTRACTION_CAPACITY = Gauge(
    "invoice_extraction_capacity", "Page extractions the service runs at once at most."
)


def route_template(routes: Sequence[BaseRoute], scope: Scope) -> str:
    """The template of the route serving this request (`/invoices/{instance_id}`), not its
    path, so there are as many label values as routes; UNMATCHED when none fits.

    A route that fits the path but not the method (a 405) still names it.
    """
    fits_path: str | None = None
    # FastAPI keeps included routers as nodes; this lists the routes inside, with the
    # paths (prefixes included) they answer on.
    for route in iter_route_contexts(routes):
        match, _ = route.matches(scope)
        if match is Match.FULL:
            return route.path or UNMATCHED
        if match is Match.PARTIAL and fits_path is None:
            fits_path = route.path
    return fits_path or UNMATCHED


class RequestMetrics:
    """ASGI middleware counting and timing each HTTP request of one app.

    The route is found before the request is passed on, so requests refused before
    routing (401, 413) are still counted under their route.
    """

    def __init__(self, app: ASGIApp, app_name: str, routes: Sequence[BaseRoute]) -> None:
        self.app = app
        self.app_name = app_name
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        route = route_template(self.routes, scope)
        method = scope["method"] if scope["method"] in _METHODS else "other"
        status = 500  # unless a response starts: an exception escaped every handler

        async def send_noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        started = time.perf_counter()
        try:
            await self.app(scope, receive, send_noting_status)
        finally:
            HTTP_REQUEST_DURATION.labels(self.app_name, route).observe(
                time.perf_counter() - started
            )
            HTTP_REQUESTS.labels(self.app_name, method, route, str(status)).inc()


def add_request_metrics(app: FastAPI, app_name: str) -> None:
    """Count and time `app`'s requests. Add it after every other middleware: the last
    added runs first, and so sees the requests the others refuse."""
    app.add_middleware(RequestMetrics, app_name=app_name, routes=app.router.routes)


def add_metrics_route(app: FastAPI) -> None:
    """GET /metrics: the process's metrics in Prometheus' text format."""

    async def metrics() -> Response:
        return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_PLAIN_0_0_4)

    app.add_api_route(METRICS_PATH, metrics, methods=["GET"], include_in_schema=False)
