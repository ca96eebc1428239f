"""The one shape every error answer has (ErrorBody), as a response."""

from __future__ import annotations

from fastapi.responses import JSONResponse

from invoice_shared.models import ErrorBody

# A 503 is a passing condition (a sidecar restarting, a read racing a write): it says
# when to try again, as HTTP clients and proxies expect.
RETRY_AFTER_SECONDS = 1


def error_response(status_code: int, error: str, message: str) -> JSONResponse:
    body = ErrorBody(error=error, message=message)
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)} if status_code == 503 else None
    return JSONResponse(status_code=status_code, content=body.model_dump(), headers=headers)
