"""Refuse request bodies of the wrong media type (415) or size (413) before they are read,
in our error shape. Each app says which media type and size each path takes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from fastapi import Request, Response
from pydantic import Field
from pydantic_settings import BaseSettings

from invoice_shared import policy
from invoice_shared.error_response import error_response

Middleware = Callable[[Request, Callable[[Request], Awaitable[Response]]], Awaitable[Response]]
_WITH_BODY = ("POST", "PUT", "PATCH")


@dataclass(frozen=True)
class BodyRule:
    media_type: str
    max_bytes: int


RuleFor = Callable[[str], BodyRule]  # request path -> what its body must be

# What a service's check answers, for its OpenAPI document (see openapi_errors).
SERVICE_BODY_ERRORS: Mapping[int, str] = {
    413: "The body is larger than the service takes (MAX_JSON_BYTES; for PDF bytes, "
    "MAX_PDF_BYTES).",
    415: "The body is not of the media type the operation takes: application/json, or "
    "application/pdf where the operation says so.",
}


class ServiceBodySettings(BaseSettings):
    max_json_bytes: int = Field(
        default=policy.MAX_SERVICE_JSON_BYTES,
        gt=0,
        description="Largest JSON body a service accepts.",
    )


def body_rules(rule_for: RuleFor) -> Middleware:
    """An HTTP middleware applying `rule_for(path)` to every request that has a body."""

    async def check(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        length = int(request.headers.get("content-length") or 0)
        has_body = length > 0 or "transfer-encoding" in request.headers
        if request.method in _WITH_BODY and has_body:
            rule = rule_for(request.url.path)
            kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if kind != rule.media_type:
                return error_response(
                    415,
                    "unsupported_media_type",
                    f"send {rule.media_type}, not {kind or 'no type'}",
                )
            if length > rule.max_bytes:
                return error_response(
                    413, "too_large", f"the body is {length} bytes; the limit is {rule.max_bytes}"
                )
            if "content-length" not in request.headers and not await _chunked_within(
                request, rule.max_bytes
            ):
                return error_response(
                    413,
                    "too_large",
                    f"the chunked body exceeds the limit of {rule.max_bytes} bytes",
                )
        return await call_next(request)

    return check


async def _chunked_within(request: Request, max_bytes: int) -> bool:
    """Read a body sent without a length (chunked) up to `max_bytes`: False as soon as it
    is longer. Kept for the route as Request.body() would keep it (the middleware's
    request hands a read body on downstream)."""
    received = bytearray()
    async for chunk in request.stream():
        received += chunk
        if len(received) > max_bytes:
            return False
    request._body = bytes(received)  # what Request.body() caches; call_next replays it
    return True


def json_bodies(max_bytes: int, others: Mapping[str, BodyRule] | None = None) -> RuleFor:
    """JSON up to `max_bytes` everywhere, except the paths in `others`."""
    json_rule = BodyRule("application/json", max_bytes)
    exceptions = dict(others or {})
    return lambda path: exceptions.get(path, json_rule)
