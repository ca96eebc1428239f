"""The errors every app's OpenAPI document states, beyond what each route declares.

FastAPI documents a 422 of its own shape (HTTPValidationError) that no app answers with,
and nothing for a body it cannot read. Every app answers both with ErrorBody
(web.install_error_handlers); every app also refuses bodies of the wrong type or size
before reading them (invoice_shared.body_rules). These functions say so in the document.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from fastapi import FastAPI

from invoice_shared.models import ErrorBody

Json = dict[str, Any]
ERROR_BODY_REF = "#/components/schemas/ErrorBody"
_FASTAPI_ERROR_SCHEMAS = ("HTTPValidationError", "ValidationError")
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

# Every operation that reads a body can answer these.
BODY_ERRORS: Mapping[int, str] = {
    400: "The body could not be read: malformed JSON or form data, or not UTF-8.",
    422: "The request does not fit the schema; the message says where and why.",
}


def _error_response(description: str) -> Json:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": ERROR_BODY_REF}}},
    }


def with_error_responses(spec: Json, errors: Mapping[int, str]) -> Json:
    """`spec` with `errors` on every operation that takes a body, every 422 in our
    shape and FastAPI's own error schemas gone (pure apart from updating `spec`)."""
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("ErrorBody", ErrorBody.model_json_schema())
    for path_item in spec.get("paths", {}).values():
        for method in _METHODS:
            operation = path_item.get(method)
            if operation is None:
                continue
            responses = operation.setdefault("responses", {})
            if "requestBody" in operation:
                for code, description in errors.items():
                    responses.setdefault(str(code), _error_response(description))
            if "422" in responses:
                responses["422"] = _error_response(
                    responses["422"].get("description") or BODY_ERRORS[422]
                )
    for name in _FASTAPI_ERROR_SCHEMAS:
        schemas.pop(name, None)
    return spec


def document_errors(app: FastAPI, errors: Mapping[int, str]) -> None:
    """Make `app`'s /openapi.json state `errors` on every operation with a body."""
    build: Callable[[], Json] = app.openapi

    def openapi() -> Json:
        # FastAPI caches the document it builds; updating it in place is idempotent.
        return with_error_responses(build(), errors)

    app.openapi = openapi  # type: ignore[method-assign]
