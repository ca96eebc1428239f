"""Every error a person can meet, as a page in the console's words (error.html), never
FastAPI's JSON: what was wrong with the request, what the host said, a wrong method."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from console_app.contract import BAD_GATEWAY, PASSED_ON
from console_app.host_api import HostError
from console_app.routes import COOKIE, SignInRequired, templates
from console_app.sessions import Sessions
from invoice_shared.http_errors import explain

SIGNED_OUT_FRAGMENT = (
    '<p class="error" role="alert">Signed out: <a href="/signin">sign in again</a>.</p>'
)


def error_page(
    request: Request, status_code: int, message: str, headers: Mapping[str, str] | None = None
) -> HTMLResponse:
    sessions: Sessions = request.app.state.sessions
    session = sessions.get(request.cookies.get(COOKIE))
    context = {
        "error": {"message": message},
        "back": request.headers.get("referer") or "/",
        "signed_in": session is not None,
        "csrf": session.csrf if session else "",
    }
    return templates.TemplateResponse(
        request, "error.html", context, status_code=status_code, headers=headers
    )


def describe(error: RequestValidationError) -> str:
    """`page: Input should be a valid integer; csrf: Field required` (never the input)."""
    parts = []
    for item in error.errors():
        where = [str(p) for p in item.get("loc", ()) if p not in ("body", "query", "path")]
        parts.append(f"{'.'.join(where) or 'the request'}: {item.get('msg', 'not valid')}")
    return "; ".join(parts) or "the request is not valid"


def install_error_pages(app: FastAPI) -> None:
    @app.exception_handler(SignInRequired)
    async def _sign_in(request: Request, _: SignInRequired) -> Response:
        if request.url.path.startswith("/fragments/"):
            return HTMLResponse(SIGNED_OUT_FRAGMENT, status_code=401)
        return RedirectResponse("/signin", status_code=303)

    @app.exception_handler(HostError)
    async def _host_error(request: Request, error: HostError) -> HTMLResponse:
        status = error.status_code if error.status_code in PASSED_ON else BAD_GATEWAY
        return error_page(request, status, error.message)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, error: RequestValidationError) -> HTMLResponse:
        return error_page(
            request, 422, f"That request is not what the console sends: {describe(error)}."
        )

    @app.exception_handler(HTTPException)
    async def _framework(request: Request, error: HTTPException) -> HTMLResponse:
        # No such page, a method the page does not take, a form that cannot be read.
        routes = request.app.router.routes
        message, headers = explain(
            error.status_code, str(error.detail), error.headers, routes, request.scope
        )
        return error_page(request, error.status_code, message, headers)
