"""Refuse request bodies of the wrong media type (415) or size (413) before they are read,
in our error shape. Each app says which media type and size each path takes."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from pydantic import Field
from pydantic_settings import BaseSettings
from starlette.datastructures import URL, Headers
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from invoice_shared import policy
from invoice_shared.error_response import error_response

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


class BodyRules:
    """ASGI middleware applying `rule_for(path)` to every request that has a body.

    Plain ASGI rather than `@app.middleware("http")`, whose per-request task group and
    streams cost 0.35 ms of CPU a request: a page's extraction crosses it once per call.
    """

    def __init__(self, app: ASGIApp, rule_for: RuleFor) -> None:
        self.app, self.rule_for = app, rule_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in _WITH_BODY:
            return await self.app(scope, receive, send)
        headers = Headers(scope=scope)
        length = int(headers.get("content-length") or 0)
        if not (length > 0 or "transfer-encoding" in headers):
            return await self.app(scope, receive, send)
        rule = self.rule_for(URL(scope=scope).path)
        kind = headers.get("content-type", "").split(";")[0].strip().lower()
        if kind != rule.media_type:
            refusal = error_response(
                415, "unsupported_media_type", f"send {rule.media_type}, not {kind or 'no type'}"
            )
            return await refusal(scope, receive, send)
        if length > rule.max_bytes:
            refusal = error_response(
                413, "too_large", f"the body is {length} bytes; the limit is {rule.max_bytes}"
            )
            return await refusal(scope, receive, send)
        if "content-length" not in headers:
            body = await _chunked_within(receive, rule.max_bytes)
            if body is None:
                refusal = error_response(
                    413,
                    "too_large",
                    f"the chunked body exceeds the limit of {rule.max_bytes} bytes",
                )
                return await refusal(scope, receive, send)
            receive = _replayed(body, receive)
        await self.app(scope, receive, send)


async def _chunked_within(receive: Receive, max_bytes: int) -> bytes | None:
    """A body sent without a length (chunked), read up to `max_bytes`: None as soon as it
    is longer."""
    received = bytearray()
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientDisconnect
        received += message.get("body", b"")
        if len(received) > max_bytes:
            return None
        if not message.get("more_body", False):
            return bytes(received)


def _replayed(body: bytes, receive: Receive) -> Receive:
    """`receive` for the app: the body already read, then whatever comes next (a
    disconnect)."""
    pending = [body]

    async def replay() -> Message:
        if pending:
            return {"type": "http.request", "body": pending.pop(), "more_body": False}
        return await receive()

    return replay


def json_bodies(max_bytes: int, others: Mapping[str, BodyRule] | None = None) -> RuleFor:
    """JSON up to `max_bytes` everywhere, except the paths in `others`."""
    json_rule = BodyRule("application/json", max_bytes)
    exceptions = dict(others or {})
    return lambda path: exceptions.get(path, json_rule)
