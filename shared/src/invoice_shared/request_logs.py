"""Which invoice a request concerns, for every line logged while it is handled.

Two parts: a middleware opens an empty log context around each request, and a route
dependency fills it from the request (a path parameter `instance_id`, an `invoice_id`
in the query or the JSON body). The dependency runs once the route is known and FastAPI
has read the body; filling the context opened outside it means the exception handler
that logs a refusal also sees the ids.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from invoice_shared.logs import bind_log_context, log_context

_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


class RequestLogScope:
    """ASGI middleware: each HTTP request gets a log context of its own."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        with log_context():
            await self.app(scope, receive, send)


def request_ids(
    path_params: Mapping[str, Any], query: Mapping[str, str], body: object
) -> dict[str, str]:
    """The invoice and instance a request names (pure)."""
    ids: dict[str, str] = {}
    instance_id = path_params.get("instance_id")
    if isinstance(instance_id, str):
        ids["instance_id"] = instance_id
    invoice_id = body.get("invoice_id") if isinstance(body, dict) else None
    invoice_id = invoice_id if isinstance(invoice_id, str) else query.get("invoice_id")
    if invoice_id:
        ids["invoice_id"] = invoice_id
    return ids


def _is_json(content_type: str) -> bool:
    kind = content_type.split(";")[0].strip().lower()
    return kind == "application/json" or kind.endswith("+json")


async def bind_request_ids(request: Request) -> None:
    """Route dependency: put the ids the request names into its log context."""
    body: object = None
    if request.method in _BODY_METHODS and _is_json(request.headers.get("content-type", "")):
        # FastAPI has already read and parsed a JSON body it validates: this is its cache.
        try:
            body = await request.json()
        except ValueError:
            body = None
    bind_log_context(**request_ids(request.path_params, request.query_params, body))
