"""Upload service: `uvicorn upload_service.main:app` (built on first use, see lazy_app)."""

from fastapi import FastAPI
from pydantic import SecretStr

from invoice_shared.body_rules import BodyRule, ServiceBodySettings, json_bodies
from invoice_shared.dapr_names import UPLOAD_APP_ID
from invoice_shared.web import create_service_app, lazy_app
from upload_service.config import Settings
from upload_service.routes import UPLOAD_FILE_PATH, router


def create_app(settings: Settings | None = None, *, app_token: SecretStr | None = None) -> FastAPI:
    """The upload service; settings and APP_API_TOKEN come from the environment unless given."""
    settings = settings if settings is not None else Settings()
    # PDF bytes go to /upload/file; every other body is JSON.
    pdf = BodyRule("application/pdf", settings.max_pdf_bytes)
    bodies = json_bodies(ServiceBodySettings().max_json_bytes, {UPLOAD_FILE_PATH: pdf})
    return create_service_app(UPLOAD_APP_ID, router, settings, app_token, bodies=bodies)


__getattr__ = lazy_app(__name__, create_app)
