"""What the pages learn from Jaeger and Prometheus. Both are optional: unset, the page
says so; down, it says that in words. Neither ever fails the page it is part of."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from fastapi import Request

from console_app import charts
from console_app.config import Settings
from console_app.jaeger import Jaeger, JaegerError, TraceRef
from console_app.prometheus import Prometheus, PrometheusError
from console_app.trace_layout import Waterfall, layout


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def jaeger_for(request: Request) -> Jaeger | None:
    settings = _settings(request)
    if settings.jaeger_url is None:
        return None
    return Jaeger(
        settings.jaeger_url,
        settings.telemetry_timeout_seconds,
        transport=request.app.state.jaeger_transport,  # None: the network (tests pass a fake)
    )


def prometheus_for(request: Request) -> Prometheus | None:
    settings = _settings(request)
    if settings.prometheus_url is None:
        return None
    return Prometheus(
        settings.prometheus_url,
        settings.telemetry_timeout_seconds,
        transport=request.app.state.prometheus_transport,
    )


@dataclass(frozen=True)
class TraceSearch:
    """An invoice's traces in Jaeger, newest first, or why there are none to show."""

    configured: bool
    refs: list[TraceRef] = field(default_factory=list)
    error: str | None = None

    @property
    def newest(self) -> TraceRef | None:
        return self.refs[0] if self.refs else None


async def _search(jaeger: Jaeger, instance_id: str) -> TraceSearch:
    try:
        return TraceSearch(configured=True, refs=await jaeger.find_traces(instance_id))
    except JaegerError as error:
        return TraceSearch(configured=True, error=error.message)


async def search_traces(request: Request, instance_id: str) -> TraceSearch:
    jaeger = jaeger_for(request)
    if jaeger is None:
        return TraceSearch(configured=False)
    async with jaeger:
        return await _search(jaeger, instance_id)


@dataclass(frozen=True)
class TraceView:
    search: TraceSearch
    chosen: TraceRef | None = None
    waterfall: Waterfall | None = None
    error: str | None = None


async def trace_view(request: Request, instance_id: str, wanted: str | None) -> TraceView:
    """The invoice's trace laid out: the one asked for if it is the invoice's, else the
    newest (an id started again after a purge has a trace per run)."""
    jaeger = jaeger_for(request)
    if jaeger is None:
        return TraceView(TraceSearch(configured=False))
    async with jaeger:
        search = await _search(jaeger, instance_id)
        chosen = next((r for r in search.refs if r.trace_id == wanted), search.newest)
        if chosen is None:
            return TraceView(search)
        try:
            trace = await jaeger.trace(chosen.trace_id)
        except JaegerError as error:
            return TraceView(search, chosen, error=error.message)
    if trace is None:  # found a moment ago, evicted since: Jaeger keeps a bounded number
        return TraceView(search, chosen, error=f"Jaeger no longer holds trace {chosen.trace_id}.")
    return TraceView(search, chosen, layout(trace))


@dataclass(frozen=True)
class ChartResult:
    spec: charts.ChartSpec
    chart: charts.Chart | None
    error: str | None


async def chart_results(prometheus: Prometheus, now: float) -> list[ChartResult]:
    """Every chart over the last hour, queried together; each fails on its own."""
    start = now - charts.WINDOW_SECONDS

    async def one(spec: charts.ChartSpec) -> ChartResult:
        try:
            series = await prometheus.query_range(spec.query, start, now, charts.STEP_SECONDS)
        except PrometheusError as error:
            return ChartResult(spec, None, error.message)
        return ChartResult(spec, charts.draw(spec, series, start, now), None)

    return list(await asyncio.gather(*(one(spec) for spec in charts.CHARTS)))


def common_failure(results: list[ChartResult]) -> str | None:
    """The one reason every chart failed (Prometheus down), said once rather than per chart."""
    errors = {r.error for r in results}
    return errors.pop() if len(errors) == 1 and None not in errors else None
