"""Calling the host's REST API from a load generator (soak, bench) as a careful client
does: resend what a dropped connection or a 503 "retry" interrupted."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx


async def call_api(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    *,
    patience: float = 0.0,
    **kwargs: Any,
) -> httpx.Response:
    """One request, sent again if the connection drops (a pooled keep-alive connection
    the server closed just as we reused it answers ReadError) or the API says 503.

    Four tries by default; with `patience` (seconds), as many as fit in it, for a client
    that outlives restarts of the host (a restart with a sidecar to heal takes ~40 s)."""
    deadline = time.monotonic() + patience
    attempt = 0
    while True:
        last = attempt >= 3 and time.monotonic() >= deadline
        try:
            response = await client.request(method, url, **kwargs)
        except httpx.TransportError:
            if last:
                raise
        else:
            if response.status_code != 503 or last:
                return response
        await asyncio.sleep(min(0.5 * (attempt + 1), 2.0))
        attempt += 1
