"""Who may call an app.

Two credentials, checked in constant time:
- `APP_API_TOKEN`: the app's own Dapr sidecar sends it as `dapr-api-token` on every
  call it forwards (service invocation, /dapr/config). A service accepts nothing else.
- `INVOICE_API_KEY` (host only): people and programs using the public REST API send it
  as `X-API-Key` or `Authorization: Bearer`.
Health probes and /metrics stay open, so orchestrators and Prometheus need no secret.
"""

from __future__ import annotations

import hmac
from collections.abc import Collection, Mapping

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings
from starlette.datastructures import URL, Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from invoice_shared.models import ErrorBody

APP_TOKEN_HEADER = "dapr-api-token"
API_KEY_HEADER = "X-API-Key"
MIN_SECRET_LENGTH = 16
HEALTH_PATHS = frozenset({"/healthz", "/readyz"})
METRICS_PATH = "/metrics"
# What probes and the metrics scraper fetch: counts and states, no invoice data.
OPEN_PATHS = HEALTH_PATHS | {METRICS_PATH}
DAPR_CALLBACKS = "/dapr/"


class AppTokenSettings(BaseSettings):
    app_api_token: SecretStr = Field(
        min_length=MIN_SECRET_LENGTH,
        description="Shared with this app's sidecar (its APP_API_TOKEN); required.",
    )


class ApiKeySettings(BaseSettings):
    invoice_api_key: SecretStr = Field(
        min_length=MIN_SECRET_LENGTH,
        description="Key for the host's public REST API; required.",
    )


class MissingSecretError(RuntimeError):
    """A required secret is absent or too short: the app refuses to start."""


def load_secret(settings_class: type[BaseSettings], name: str) -> SecretStr:
    """Read one required secret from the environment, or say plainly what is missing."""
    try:
        secret = getattr(settings_class(), name.lower())
    except ValidationError as exc:
        raise MissingSecretError(
            f"{name} must be set to a secret of at least {MIN_SECRET_LENGTH} characters "
            "(`make up` generates one per stack; see README, Security)"
        ) from exc
    assert isinstance(secret, SecretStr)
    return secret


def api_key_headers(api_key: str) -> dict[str, str]:
    """What a client of the host's public API sends with every request."""
    return {API_KEY_HEADER: api_key}


def _same(given: str | None, expected: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


def _bearer(headers: Mapping[str, str]) -> str | None:
    scheme, _, value = headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def refusal(
    path: str,
    headers: Mapping[str, str],
    app_token: str,
    api_key: str | None = None,
    open_paths: Collection[str] = OPEN_PATHS,
) -> str | None:
    """Why this request may not pass, or None if it may (pure; headers lower-cased).

    With an `api_key` (the host), the sidecar's token opens only Dapr's own callbacks
    (/dapr/...): a call forwarded by service invocation carries it too, and must not
    reach the public API without the key.
    """
    if path in open_paths:
        return None
    from_sidecar = _same(headers.get(APP_TOKEN_HEADER), app_token)
    if api_key is None:
        if from_sidecar:
            return None
        return "this service takes calls only through its Dapr sidecar (dapr-api-token)"
    if from_sidecar and path.startswith(DAPR_CALLBACKS):
        return None
    offered = headers.get(API_KEY_HEADER.lower()) or _bearer(headers)
    if offered is None:
        return "an API key is required: send X-API-Key or Authorization: Bearer"
    if not _same(offered, api_key):
        return "the API key is not valid"
    return None


def require_credentials(
    app: FastAPI,
    app_token: SecretStr,
    api_key: SecretStr | None = None,
    open_paths: Collection[str] = OPEN_PATHS,
) -> None:
    """Refuse with 401 every request `refusal` does not let through."""
    app.add_middleware(
        _Credentials,
        token=app_token.get_secret_value(),
        key=api_key.get_secret_value() if api_key is not None else None,
        open_paths=open_paths,
    )


class _Credentials:
    """Plain ASGI rather than `@app.middleware("http")`, whose per-request task group
    and streams cost 0.35 ms of CPU a request."""

    def __init__(
        self, app: ASGIApp, token: str, key: str | None, open_paths: Collection[str]
    ) -> None:
        self.app, self.token, self.key, self.open_paths = app, token, key, open_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = URL(scope=scope).path
        reason = refusal(path, Headers(scope=scope), self.token, self.key, self.open_paths)
        if reason is None:
            return await self.app(scope, receive, send)
        body = ErrorBody(error="unauthorized", message=reason)
        response = JSONResponse(status_code=401, content=body.model_dump())
        response.headers["WWW-Authenticate"] = (
            "Bearer" if self.key is not None else "dapr-api-token"
        )
        await response(scope, receive, send)
