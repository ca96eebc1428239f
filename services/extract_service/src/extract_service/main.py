"""Extract service: `uvicorn extract_service.main:app` (built on first use, see lazy_app)."""

from fastapi import FastAPI
from pydantic import SecretStr

from extract_service.bounded import warm_pool
from extract_service.config import Settings
from extract_service.extraction_metrics import declare_series, watch_load
from extract_service.load import IN_FLIGHT
from extract_service.routes import router
from invoice_shared.dapr_names import EXTRACT_APP_ID
from invoice_shared.web import create_service_app, lazy_app


def create_app(settings: Settings | None = None, *, app_token: SecretStr | None = None) -> FastAPI:
    """The extract service; settings and APP_API_TOKEN come from the environment unless given."""
    settings = settings if settings is not None else Settings()
    declare_series()
    watch_load(settings.extraction_workers)
    warm_pool(settings.max_stream_bytes, settings.extraction_workers)

    def gauges() -> dict[str, int]:
        return {
            "extractions_in_flight": IN_FLIGHT.current,
            "peak_extractions_in_flight": IN_FLIGHT.peak,
            "extraction_workers": settings.extraction_workers,
        }

    return create_service_app(EXTRACT_APP_ID, router, settings, app_token, gauges)


__getattr__ = lazy_app(__name__, create_app)
