"""The console: `uvicorn console_app.main:app --port 9999` (built on first use)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from console_app.config import Settings
from console_app.host_api import HostError
from console_app.observability_routes import router as observability_router
from console_app.routes import SignInRequired, router, templates
from console_app.sessions import Sessions
from invoice_shared.web import add_health_route, configure_logging, lazy_app

STATIC = Path(__file__).parent / "static"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings if settings is not None else Settings()
    configure_logging()
    # No API docs here: the console is pages, and its forms are not an API.
    app = FastAPI(title="invoice-console", docs_url=None, redoc_url=None, openapi_url=None)
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

    @app.exception_handler(SignInRequired)
    async def _sign_in(request: Request, _: SignInRequired) -> Response:
        if request.url.path.startswith("/fragments/"):
            return Response("sign in again", status_code=401)
        return RedirectResponse("/signin", status_code=303)

    @app.exception_handler(HostError)
    async def _host_error(request: Request, error: HostError) -> HTMLResponse:
        back = request.headers.get("referer") or "/"
        return templates.TemplateResponse(
            request,
            "error.html",
            {"error": error, "back": back, "signed_in": True, "csrf": ""},
            status_code=error.status_code if 400 <= error.status_code < 600 else 502,
        )

    return app


__getattr__ = lazy_app(__name__, create_app)
