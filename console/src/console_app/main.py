"""The console: `uvicorn console_app.main:app --port 9999` (built on first use)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from console_app.config import Settings
from console_app.errors import install_error_pages
from console_app.observability_routes import router as observability_router
from console_app.routes import router
from console_app.sessions import Sessions
from invoice_shared.web import add_health_route, configure_logging, lazy_app

STATIC = Path(__file__).parent / "static"
DESCRIPTION = (
    "The operator's console: HTML pages and forms over the workflow host's REST API. "
    "POST /signin with the host's API key opens a session (a cookie); every form post "
    "carries that session's CSRF token, found in the `csrf` field of its pages' forms."
)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings if settings is not None else Settings()
    configure_logging()
    # /openapi.json for tools and contract checks; no /docs or /redoc: the pages are the UI.
    app = FastAPI(
        title="invoice-console",
        version="0.1.0",
        description=DESCRIPTION,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.sessions = Sessions(settings.session_hours * 3600)
    # None: the network; tests put fakes here.
    app.state.host_transport = None
    app.state.jaeger_transport = None
    app.state.prometheus_transport = None
    add_health_route(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(router)
    app.include_router(observability_router)
    install_error_pages(app)
    return app


__getattr__ = lazy_app(__name__, create_app)
