"""The console's client of Prometheus's HTTP API: range queries, as series of points."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import httpx

Json = dict[str, Any]


class PrometheusError(Exception):
    """Prometheus did not answer, or refused the query; `message` says which."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Series:
    labels: dict[str, str]
    points: list[tuple[float, float]]  # (unix seconds, value)


def parse_matrix(body: Json) -> list[Series]:
    """The series of a `matrix` answer. Points that are not numbers are dropped:
    a quantile over no observations is NaN, which is a gap, not a value."""
    data = body.get("data") or {}
    if data.get("resultType") != "matrix":
        raise PrometheusError(f"Prometheus answered a {data.get('resultType')!r}, not a matrix")
    try:
        return [
            Series(
                labels=dict(result.get("metric") or {}),
                points=[
                    (float(at), value)
                    for at, text in result.get("values") or []
                    if math.isfinite(value := float(text))
                ],
            )
            for result in data.get("result") or []
        ]
    except (AttributeError, TypeError, ValueError) as exc:
        raise PrometheusError(f"Prometheus's matrix is not one of numbers: {exc}") from exc


class Prometheus:
    def __init__(
        self, base_url: str, timeout: float, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self._base_url = base_url
        self._http = httpx.AsyncClient(base_url=base_url, timeout=timeout, transport=transport)

    async def __aenter__(self) -> Prometheus:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self._http.aclose()

    async def query_range(self, query: str, start: float, end: float, step: float) -> list[Series]:
        params = {"query": query, "start": f"{start:.3f}", "end": f"{end:.3f}", "step": f"{step:g}"}
        try:
            response = await self._http.get("/api/v1/query_range", params=params)
        except httpx.HTTPError as exc:
            raise PrometheusError(
                f"Prometheus did not answer at {self._base_url}: {exc!r}"
            ) from exc
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise PrometheusError(
                f"Prometheus answered {response.status_code}: {response.text[:200]!r}"
            )
        if body.get("status") != "success":
            raise PrometheusError(
                f"Prometheus refused the query ({body.get('errorType', response.status_code)}): "
                f"{body.get('error', '')}"
            )
        return parse_matrix(body)
