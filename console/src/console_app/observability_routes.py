"""Pages over the stack's telemetry: an invoice's trace as a waterfall (Jaeger) and the
last hour's throughput, latency and failures (Prometheus). `/charts`, not `/metrics`:
every app of the stack serves Prometheus's text at `/metrics`."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from console_app import charts
from console_app.contract import page
from console_app.host_api import HostError
from console_app.observability import (
    chart_results,
    common_failure,
    prometheus_for,
    trace_view,
)
from console_app.routes import Api, InstanceId, SessionDep, _page, templates
from invoice_shared.dapr_names import TERMINAL_STATUSES

router = APIRouter()
# The chart macro draws with the module's geometry and number format.
templates.env.globals["charts"] = charts
templates.env.globals["chart_number"] = charts.number


# Neither the host nor Jaeger fails these pages: each says in words what it could not get.
@router.get("/invoices/{instance_id}/trace", response_class=HTMLResponse, responses=page(422))
async def invoice_trace(
    request: Request,
    instance_id: InstanceId,
    api: Api,
    session: SessionDep,
    trace: str | None = None,
) -> HTMLResponse:
    try:
        status: str | None = (await api.instance(instance_id)).get("status")
    except HostError:
        status = None  # purged, or the host is down: the trace may still be in Jaeger
    view = await trace_view(request, instance_id, trace)
    return _page(
        request,
        "trace.html",
        session,
        instance_id=instance_id,
        view=view,
        running=status is not None and status not in TERMINAL_STATUSES,
    )


@router.get("/charts", response_class=HTMLResponse, responses=page())
async def charts_page(request: Request, session: SessionDep) -> HTMLResponse:
    prometheus = prometheus_for(request)
    now = time.time()
    results = []
    if prometheus is not None:
        async with prometheus:
            results = await chart_results(prometheus, now)
    return _page(
        request,
        "charts.html",
        session,
        configured=prometheus is not None,
        results=results,
        failure=common_failure(results),
        as_of=datetime.fromtimestamp(now, tz=UTC),
    )
