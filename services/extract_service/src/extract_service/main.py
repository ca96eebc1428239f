"""Extract service: `uvicorn extract_service.main:app` (built on first use, see lazy_app)."""

from fastapi import FastAPI
from pydantic import SecretStr

from extract_service.config import Settings
from extract_service.routes import router
from invoice_shared.dapr_names import EXTRACT_APP_ID
from invoice_shared.web import create_service_app, lazy_app


def create_app(settings: Settings | None = None, *, app_token: SecretStr | None = None) -> FastAPI:
    """The extract service; settings and APP_API_TOKEN come from the environment unless given."""
    return create_service_app(
        EXTRACT_APP_ID, router, settings if settings is not None else Settings(), app_token
    )


__getattr__ = lazy_app(__name__, create_app)
