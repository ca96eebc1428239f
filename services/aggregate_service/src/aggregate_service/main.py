"""Aggregate service: `uvicorn aggregate_service.main:app` (built on first use, see lazy_app)."""

from fastapi import FastAPI
from pydantic import SecretStr

from aggregate_service.routes import router
from invoice_shared.dapr_names import AGGREGATE_APP_ID
from invoice_shared.web import create_service_app, lazy_app


def create_app(*, app_token: SecretStr | None = None) -> FastAPI:
    """The aggregate service (it has no settings); APP_API_TOKEN from the environment
    unless given."""
    return create_service_app(AGGREGATE_APP_ID, router, app_token=app_token)


__getattr__ = lazy_app(__name__, create_app)
