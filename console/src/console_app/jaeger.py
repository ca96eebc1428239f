"""The console's client of Jaeger's query API: an invoice's traces, found by the
instance id its spans carry, and one trace by id."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from console_app.trace_layout import INSTANCE_ID_TAGS
from invoice_shared.dapr_names import WORKFLOW_APP_ID

Json = dict[str, Any]

SEARCH_LIMIT = 20
# Jaeger keeps traces in memory (bounded by count, not age): a week covers what it holds
# for this stack, and the API needs some window (it defaults to its own otherwise).
LOOKBACK_SECONDS = 7 * 24 * 3600
# Jaeger prints trace ids as hex, without leading zeros when the high half is zero.
TRACE_ID = re.compile(r"[0-9a-fA-F]{1,32}")


class JaegerError(Exception):
    """Jaeger did not answer, or refused; `message` says which, in words."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class TraceRef:
    trace_id: str
    started_us: int  # its earliest span's start
    span_count: int


def _traces(body: Json | None) -> list[Json]:
    """The traces of an answer (`data`), leaving out anything that is not one."""
    data = (body or {}).get("data")
    return [t for t in data if isinstance(t, dict)] if isinstance(data, list) else []


def trace_refs(traces: list[Json]) -> list[TraceRef]:
    """The traces of a search answer, newest first."""
    refs = [
        TraceRef(
            trace_id=str(trace["traceID"]),
            started_us=min(
                (int(s.get("startTime", 0)) for s in trace.get("spans") or []), default=0
            ),
            span_count=len(trace.get("spans") or []),
        )
        for trace in traces
        if trace.get("traceID")
    ]
    return sorted(refs, key=lambda ref: ref.started_us, reverse=True)


def _jaeger_message(response: httpx.Response) -> str:
    try:
        errors = response.json().get("errors") or []
    except (ValueError, AttributeError):
        errors = []
    said = "; ".join(str(e.get("msg", e)) for e in errors if isinstance(e, dict))
    return said or response.text[:300] or response.reason_phrase


class Jaeger:
    def __init__(
        self,
        base_url: str,
        timeout: float,
        transport: httpx.AsyncBaseTransport | None = None,
        service: str = WORKFLOW_APP_ID,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._base_url = base_url
        self._service = service
        self._clock = clock
        self._http = httpx.AsyncClient(base_url=base_url, timeout=timeout, transport=transport)

    async def __aenter__(self) -> Jaeger:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self._http.aclose()

    async def _get(self, path: str, params: dict[str, Any] | None = None) -> Json | None:
        """Jaeger's JSON answer; None when it has no such thing (404)."""
        try:
            response = await self._http.get(path, params=params)
        except httpx.HTTPError as exc:
            raise JaegerError(f"Jaeger did not answer at {self._base_url}: {exc!r}") from exc
        if response.status_code == 404:
            return None
        if not response.is_success:
            raise JaegerError(
                f"Jaeger answered {response.status_code}: {_jaeger_message(response)}"
            )
        try:
            body = response.json()
        except ValueError as exc:
            raise JaegerError(f"Jaeger's answer is not JSON: {response.text[:200]!r}") from exc
        return body if isinstance(body, dict) else None

    async def find_traces(self, instance_id: str) -> list[TraceRef]:
        """The traces with a span tagged with `instance_id`, newest first.

        The SDK's activity spans are tried first: they reach Jaeger as each step ends,
        whereas the runtime's orchestration span only when the workflow does."""
        now_us = int(self._clock() * 1_000_000)
        for key in INSTANCE_ID_TAGS:
            params = {
                "service": self._service,
                "tags": json.dumps({key: instance_id}),
                "limit": SEARCH_LIMIT,
                "start": now_us - LOOKBACK_SECONDS * 1_000_000,
                "end": now_us,
            }
            body = await self._get("/api/traces", params)
            found = trace_refs(_traces(body))
            if found:
                return found
        return []

    async def trace(self, trace_id: str) -> Json | None:
        """The whole trace (every service's spans), or None when Jaeger has not got it."""
        if not TRACE_ID.fullmatch(trace_id):
            raise JaegerError(f"{trace_id!r} is not a trace id")
        body = await self._get(f"/api/traces/{trace_id}")
        traces = _traces(body)
        return next(
            (t for t in traces if t.get("traceID") == trace_id), traces[0] if traces else None
        )
