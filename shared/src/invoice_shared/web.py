"""What every FastAPI app in the system shares: one error shape, health, logging,
metrics and tracing."""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Request, Response, Security, params
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import APIKeyHeader
from pydantic import BaseModel, SecretStr
from pydantic_settings import BaseSettings
from starlette.exceptions import HTTPException

from invoice_shared.auth import (
    APP_TOKEN_HEADER,
    AppTokenSettings,
    load_secret,
    require_credentials,
)
from invoice_shared.body_rules import (
    SERVICE_BODY_ERRORS,
    BodyRules,
    RuleFor,
    ServiceBodySettings,
    json_bodies,
)
from invoice_shared.docs import serve_docs
from invoice_shared.error_response import error_response
from invoice_shared.http_errors import UNREADABLE_BODY, error_kind, explain
from invoice_shared.logs import configure_logging as _configure_logging
from invoice_shared.metrics import add_metrics_route, add_request_metrics
from invoice_shared.models import ErrorBody
from invoice_shared.openapi_errors import BODY_ERRORS, document_errors
from invoice_shared.request_logs import RequestLogScope, bind_request_ids
from invoice_shared.sidecar_status import status_router
from invoice_shared.telemetry import setup_tracing, tracing_lifespan

# Routers whose requests may concern an invoice take this: their log lines name it.
LOG_REQUEST_IDS: list[params.Depends] = [Depends(bind_request_ids)]
# A service's routes state the sidecar's token in OpenAPI (require_credentials enforces
# it) and the 401 that answers a call without it.
SIDECAR_TOKEN: list[params.Depends] = [
    Security(
        APIKeyHeader(
            name=APP_TOKEN_HEADER,
            auto_error=False,
            description="APP_API_TOKEN: the service's own Dapr sidecar sends it",
        )
    )
]
UNAUTHORIZED: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "Not called through the service's own sidecar"}
}


class ServiceError(Exception):
    """An error with an HTTP status, a machine-readable kind and a human message.

    4xx means the input is at fault and retrying the same call cannot help; the
    workflow host turns those into non-retryable activity failures.
    """

    def __init__(self, status_code: int, error: str, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.error = error
        self.message = message


def json_of(model: BaseModel) -> Response:
    """`model` as the response, serialised by pydantic in one pass (the route names it
    as `response_model` for its document). A sync route that returns the model itself
    has FastAPI validate it again, in a worker thread, before serialising it: 0.44 ms of
    CPU against 0.01 for one page's extraction, measured through FastAPI's
    serialize_response. Only for models built validated: nothing checks them again."""
    return Response(model.model_dump_json(), media_type="application/json")


def error_text(body: str, fallback: str, limit: int = 500) -> str:
    """What an error answer says: the `message` of our ErrorBody, FastAPI's or Dapr's
    `detail`, or the raw body (`fallback` when it is empty), at most `limit` characters."""
    try:
        parsed = json.loads(body)
    except ValueError:
        return body[:limit] or fallback
    if isinstance(parsed, dict):
        return str(parsed.get("message") or parsed.get("detail") or parsed)[:limit]
    return str(parsed)[:limit]


def _describe_validation(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ()) if p != "body") or "body"
        parts.append(f"{where}: {err.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request body"


def _decode_error(exc: RequestValidationError) -> str | None:
    """Why the body is not JSON, if that is what `exc` reports.

    FastAPI reports JSON it cannot decode as a validation error; here it is a 400 like a
    body that is not UTF-8 (which FastAPI answers itself), so that 422 always means
    "read, but not what the schema says".
    """
    for err in exc.errors():
        if err.get("type") == "json_invalid":
            return str(err.get("ctx", {}).get("error") or "invalid JSON")
    return None


def install_error_handlers(app: FastAPI) -> None:
    """Map our errors, FastAPI's validation errors and the framework's own (404, 405,
    400) onto `ErrorBody`, and state them in the app's OpenAPI document."""
    document_errors(app, BODY_ERRORS)

    @app.exception_handler(ServiceError)
    async def _service_error(request: Request, exc: ServiceError) -> JSONResponse:
        # One line per refusal: what was asked, what was wrong (also how tests count calls).
        logging.getLogger(app.title).warning(
            "%s %s -> %d %s: %s",
            request.method,
            request.url.path,
            exc.status_code,
            exc.error,
            exc.message,
        )
        return error_response(exc.status_code, exc.error, exc.message)

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        logging.getLogger(app.title).exception("unhandled error")
        return error_response(500, "internal_error", f"{type(exc).__name__}: {exc}")

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        reason = _decode_error(exc)
        if reason is not None:
            return error_response(400, error_kind(400), f"{UNREADABLE_BODY} ({reason})")
        return error_response(422, "invalid_request", _describe_validation(exc))

    @app.exception_handler(HTTPException)
    async def _framework_error(request: Request, exc: HTTPException) -> JSONResponse:
        message, headers = explain(
            exc.status_code, str(exc.detail), exc.headers, request.app.router.routes, request.scope
        )
        response = error_response(exc.status_code, error_kind(exc.status_code), message)
        response.headers.update(headers)
        return response


def add_health_route(app: FastAPI) -> None:
    @app.get("/healthz", tags=["health"], summary="Liveness: the process serves HTTP")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}


def configure_logging() -> None:
    """JSON lines on stderr (LOG_FORMAT=text: plain ones); level from LOG_LEVEL."""
    _configure_logging()


def add_observability(app: FastAPI, app_id: str) -> None:
    """/metrics, request metrics, a log context per request and tracing.

    Call it after adding every other middleware: the last added runs first, so the
    request metrics also count the requests the credential check refuses.
    """
    add_metrics_route(app)
    app.add_middleware(RequestLogScope)
    add_request_metrics(app, app_id)
    setup_tracing(app, app_id)


def create_service_app(
    title: str,
    router: APIRouter,
    settings: BaseSettings | None = None,
    app_token: SecretStr | None = None,
    gauges: Callable[[], dict[str, int]] | None = None,
    bodies: RuleFor | None = None,
) -> FastAPI:
    """A service app: our error shape, /healthz, /status (its sidecar and `gauges`),
    calls only from its own sidecar (`app_token`, else APP_API_TOKEN, required), bodies
    as `bodies` says (else JSON up to MAX_JSON_BYTES), and the service's own routes,
    which read `settings` through `app_settings`; /metrics and tracing (see
    add_observability)."""
    configure_logging()
    app = FastAPI(
        title=title, version="0.1.0", docs_url=None, redoc_url=None, lifespan=tracing_lifespan
    )
    serve_docs(app)
    app.state.settings = settings
    install_error_handlers(app)
    app.add_middleware(
        BodyRules, rule_for=bodies or json_bodies(ServiceBodySettings().max_json_bytes)
    )
    document_errors(app, SERVICE_BODY_ERRORS)
    add_health_route(app)
    app.include_router(
        status_router(title, gauges), dependencies=SIDECAR_TOKEN, responses=UNAUTHORIZED
    )
    require_credentials(app, app_token or load_secret(AppTokenSettings, "APP_API_TOKEN"))
    app.include_router(
        router, dependencies=[*SIDECAR_TOKEN, *LOG_REQUEST_IDS], responses=UNAUTHORIZED
    )
    add_observability(app, title)
    return app


def app_settings(request: Request) -> Any:
    """Dependency: the settings the app was built with (its factory's `settings`)."""
    return request.app.state.settings


def lazy_app(module: str, factory: Callable[[], FastAPI]) -> Callable[[str], FastAPI]:
    """A module `__getattr__` that builds `app` with `factory` when it is first asked for.

    `uvicorn <module>:app` looks the app up by name, so it is built then; importing the
    module reads no settings or secrets, and tests build their own apps with the factory.
    """
    built: list[FastAPI] = []

    def __getattr__(name: str) -> FastAPI:
        if name != "app":
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        if not built:
            built.append(factory())
        return built[0]

    return __getattr__


@contextlib.contextmanager
def about(invoice_id: str) -> Iterator[None]:
    """Prefix refusals raised inside with the invoice they concern (for logs and users)."""
    try:
        yield
    except ServiceError as exc:
        exc.message = f"invoice {invoice_id}: {exc.message}"
        raise
