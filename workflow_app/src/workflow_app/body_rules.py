"""Refuse request bodies of the wrong type (415) or size (413) before they are read."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import Request, Response

from invoice_shared.web import error_response
from workflow_app.config import Settings

Middleware = Callable[[Request, Callable[[Request], Awaitable[Response]]], Awaitable[Response]]

UPLOAD_PATH = "/api/invoices"
# What `check` answers, for every operation with a body (see openapi_errors).
BODY_RULE_ERRORS = {
    413: "The body is larger than the host takes (MAX_JSON_BYTES; for a PDF upload, "
    "MAX_UPLOAD_BYTES).",
    415: "The body is not of the media type the operation takes: application/json, or "
    "multipart/form-data for a PDF upload.",
}
# Multipart framing around the file: boundaries, headers, the invoice_id field.
_MULTIPART_SLACK = 64 * 1024


def body_rules(settings: Settings) -> Middleware:
    async def check(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        length = int(request.headers.get("content-length") or 0)
        has_body = length > 0 or "transfer-encoding" in request.headers
        if request.method in ("POST", "PUT", "PATCH") and has_body:
            kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if request.url.path == UPLOAD_PATH:
                expected, limit = "multipart/form-data", settings.max_upload_bytes
                limit += _MULTIPART_SLACK
            else:
                expected, limit = "application/json", settings.max_json_bytes
            if kind != expected:
                return error_response(
                    415, "unsupported_media_type", f"send {expected}, not {kind or 'no type'}"
                )
            if length > limit:
                return error_response(
                    413, "too_large", f"the body is {length} bytes; the limit is {limit}"
                )
        return await call_next(request)

    return check
