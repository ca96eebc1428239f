"""The console's pages and form actions. Every page needs a signed-in session; every
POST needs that session's CSRF token. Errors from the host are shown in its words."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.security import APIKeyCookie
from fastapi.templating import Jinja2Templates
from pydantic import WithJsonSchema

from console_app import views
from console_app.config import Settings
from console_app.contract import (
    HISTORY,
    INVOICE_ACTIONS,
    INVOICE_READS,
    PNG,
    READS,
    errors,
    form_post,
    fragment,
    html,
    page,
    redirect,
)
from console_app.host_api import HostApi, HostError
from console_app.observability import search_traces
from console_app.sessions import Session, Sessions, same_token
from invoice_shared.models import INVOICE_ID_PATTERN, MAX_PAGE_NUMBER

COOKIE = "console_session"
# States the session cookie in the OpenAPI document; _session does the checking.
SESSION_COOKIE = APIKeyCookie(
    name=COOKIE,
    scheme_name="session",
    description="The session POST /signin opens (HttpOnly, SameSite=Strict).",
    auto_error=False,
)
PAGE_IMAGE_WIDTH = 800  # px: legible beside the fields, about 30 KB a text page
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.globals["age"] = views.age
templates.env.globals["display_status"] = views.display_status
templates.env.globals["finished"] = views.finished
templates.env.filters["pretty"] = lambda value: json.dumps(value, indent=2, default=str)

router = APIRouter()


class SignInRequired(Exception):
    """No valid session: pages redirect to the sign-in form, fragments answer 401."""


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _session(
    request: Request, session_id: Annotated[str | None, Depends(SESSION_COOKIE)]
) -> Session:
    sessions: Sessions = request.app.state.sessions
    session = sessions.get(session_id)
    if session is None:
        raise SignInRequired
    return session


def _host_api(request: Request, api_key: str) -> HostApi:
    settings = _settings(request)
    return HostApi(
        settings.host_api_url,
        api_key,
        settings.host_timeout_seconds,
        transport=request.app.state.host_transport,  # None: the network (tests pass a fake)
    )


async def _api(
    request: Request, session: Annotated[Session, Depends(_session)]
) -> AsyncIterator[HostApi]:
    async with _host_api(request, session.api_key) as api:
        yield api


Api = Annotated[HostApi, Depends(_api)]
SessionDep = Annotated[Session, Depends(_session)]
# Not required: a form without the token is refused as one with a wrong token is (403).
Csrf = Annotated[str, Form(description="The session's CSRF token, from any of its pages.")]
# The host's bound on an instance id: a longer one is refused here (422), not passed on.
InstanceId = Annotated[
    str,
    PathParam(
        max_length=200, description="The invoice's id.", examples=["INV-2025-001", "INV-2025-010"]
    ),
]
# A rerun's new id and event id, under the host's rules for them.
NewInstanceId = Annotated[str, Form(pattern=INVOICE_ID_PATTERN, examples=["INV-2025-001-rerun"])]
MAX_EVENT_ID = 2**32 - 1
# A form field is text, and a blank or missing one is None: there is no JSON null to state.
AN_EVENT_ID = WithJsonSchema({"type": "integer", "minimum": 0, "maximum": MAX_EVENT_ID})
# A PDF begins so (a browser sends the whole file).
A_FILE = WithJsonSchema({"type": "string", "format": "binary", "examples": ["%PDF-1.7\n"]})


def _check_csrf(session: Session, token: str | None) -> None:
    if not same_token(token, session.csrf):
        raise HostError(403, "the form is stale or was not sent by this console; reload the page")


def _page(request: Request, name: str, session: Session | None, **context: Any) -> HTMLResponse:
    settings = _settings(request)
    common = {
        "csrf": session.csrf if session else "",
        "refresh_ms": int(settings.refresh_seconds * 1000),
        "signed_in": session is not None,
    }
    return templates.TemplateResponse(request, name, {**common, **context})


def _back(url: str, notice: str | None = None) -> RedirectResponse:
    query = "?" + urlencode({"notice": notice}) if notice else ""
    return RedirectResponse(url + query, status_code=303)


def _invoice_url(instance_id: str) -> str:
    return "/invoices/" + quote(instance_id, safe="")


# -- sign-in -----------------------------------------------------------------------------


@router.get("/signin", response_class=HTMLResponse, responses={200: html("The sign-in form.")})
async def signin_form(request: Request) -> HTMLResponse:
    # No `?error=`: a sign-in page must not show words a link put there.
    return _page(request, "signin.html", None)


_SET_COOKIE = {"description": "The session cookie.", "schema": {"type": "string"}}


@router.post(
    "/signin",
    response_class=RedirectResponse,
    status_code=303,
    responses={
        303: redirect("Signed in: to the invoices.", **{"Set-Cookie": _SET_COOKIE}),
        200: html("The form again, saying why: the host refused the key or did not answer."),
        **errors(400, 422),
    },
)
async def signin(request: Request, api_key: Annotated[str, Form(min_length=1)]) -> Response:
    settings = _settings(request)
    # The key travels as a header value: one that cannot be is no key of the host's.
    if not (api_key.isascii() and api_key.isprintable()):
        return _page(request, "signin.html", None, error="That key is not accepted by the host.")
    async with _host_api(request, api_key) as api:
        try:
            valid = await api.key_is_valid()
        except HostError as error:
            return _page(request, "signin.html", None, error=error.message)
    if not valid:
        return _page(request, "signin.html", None, error="That key is not accepted by the host.")
    sessions: Sessions = request.app.state.sessions
    session_id, _ = sessions.open(api_key)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(
        COOKIE,
        session_id,
        max_age=int(settings.session_hours * 3600),
        httponly=True,
        samesite="strict",
        secure=settings.secure_cookie,
    )
    return response


@router.post(
    "/signout",
    response_class=RedirectResponse,
    status_code=303,
    responses=form_post(done="Signed out: to /signin"),
)
async def signout(request: Request, session: SessionDep, csrf: Csrf = "") -> Response:
    _check_csrf(session, csrf)
    sessions: Sessions = request.app.state.sessions
    sessions.close(request.cookies.get(COOKIE))
    response = RedirectResponse("/signin", status_code=303)
    response.delete_cookie(COOKIE)
    return response


# -- invoices ----------------------------------------------------------------------------


async def _rows(api: HostApi) -> list[dict[str, Any]]:
    """Every invoice with its stage, pages and total, newest first (one call)."""
    return [
        {
            **row,
            "created_at": views.parse_time(row["created_at"]),
            "last_updated_at": views.parse_time(row["last_updated_at"]),
        }
        for row in await api.instances()
    ]


async def _list_context(
    api: HostApi, status: str | None, q: str | None, since: str | None, page: int, size: int
) -> dict[str, Any]:
    rows = await _rows(api)
    now = datetime.now(UTC)
    after = views.since_cutoff(since, now)
    shown = [r for r in rows if views.matches(r, status, q, after)]
    items, paging = views.paginate(shown, page, size)
    return {
        "rows": items,
        "paging": paging,
        "counts": views.counts([views.display_status(r) for r in rows]),
        "status": status or "",
        "q": q or "",
        "since": since if since in views.PERIODS else "",
        "now": now,
        "filters": views.FILTERS,
        "periods": views.PERIODS,
    }


@router.get("/", response_class=HTMLResponse, responses=page(*READS, 422))
async def invoices(
    request: Request, api: Api, session: SessionDep,
    status: str | None = None, q: str | None = None, since: str | None = None, page: int = 1,
    notice: str | None = None,
) -> HTMLResponse:  # fmt: skip
    context = await _list_context(api, status, q, since, page, _settings(request).page_size)
    return _page(request, "invoices.html", session, notice=notice, **context)


@router.get("/fragments/invoices", response_class=HTMLResponse, responses=fragment(*READS, 422))
async def invoices_fragment(
    request: Request, api: Api, session: SessionDep,
    status: str | None = None, q: str | None = None, since: str | None = None, page: int = 1,
) -> HTMLResponse:  # fmt: skip
    context = await _list_context(api, status, q, since, page, _settings(request).page_size)
    return _page(request, "_invoice_rows.html", session, **context)


async def _detail_context(api: HostApi, instance_id: str) -> dict[str, Any]:
    view, history = await asyncio.gather(api.instance(instance_id), api.history(instance_id))
    line = views.timeline(history)
    return {
        "view": view,
        "grid": views.page_grid(view["pages_done"], view["pages_total"]),
        "line": line,
        "failure": views.failing_step(line) if view["status"] == "FAILED" else None,
        "actions": views.allowed_actions(view["status"]),
        "waiting": views.display_status(view) == "AWAITING_APPROVAL",
    }


@router.get("/invoices/{instance_id}", response_class=HTMLResponse, responses=page(*INVOICE_READS))
async def invoice(
    request: Request, instance_id: InstanceId, api: Api, session: SessionDep,
    notice: str | None = None,
) -> HTMLResponse:  # fmt: skip
    # The trace is looked up once per page view, not on every refresh of the live part.
    detail, traces = await asyncio.gather(
        _detail_context(api, instance_id), search_traces(request, instance_id)
    )
    return _page(request, "invoice.html", session, notice=notice, traces=traces, **detail)


@router.get(
    "/fragments/invoices/{instance_id}",
    response_class=HTMLResponse,
    responses=fragment(*INVOICE_READS),
)
async def invoice_fragment(
    request: Request, instance_id: InstanceId, api: Api, session: SessionDep
) -> HTMLResponse:
    return _page(request, "_invoice_live.html", session, **await _detail_context(api, instance_id))


def _attachment(filename: str) -> str:
    # Any id, even one with quotes or non-ASCII characters, makes a valid header (RFC 6266).
    return f"attachment; filename*=UTF-8''{quote(filename, safe='')}"


@router.get(
    "/invoices/{instance_id}/history.json",
    response_class=Response,
    responses=page(*INVOICE_READS, ok=HISTORY),
)
async def history_download(instance_id: InstanceId, api: Api) -> Response:
    history = await api.history(instance_id)
    return Response(
        json.dumps(history, indent=2),
        media_type="application/json",
        headers={"content-disposition": _attachment(f"{instance_id}-history.json")},
    )


@router.get(
    "/invoices/{instance_id}/pages/{page_number}.png",
    response_class=Response,
    responses=page(401, 404, 422, 502, 503, ok=PNG),
)
async def page_image(
    instance_id: InstanceId,
    page_number: Annotated[int, PathParam(ge=1, le=MAX_PAGE_NUMBER, examples=[1])],
    api: Api,
) -> Response:
    """The page as the extractor saw it, shown beside the extracted fields."""
    image = await api.page_image(instance_id, page_number, width=PAGE_IMAGE_WIDTH)
    cache = {"Cache-Control": "private, max-age=3600"}  # pages never change
    return Response(image, media_type="image/png", headers=cache)


@router.post(
    "/invoices/{instance_id}/actions/{action}",
    response_class=RedirectResponse,
    status_code=303,
    responses=form_post(*INVOICE_ACTIONS, done="Asked: to the invoice (after a purge, the list)"),
)
async def act(
    instance_id: InstanceId, action: Literal["pause", "resume", "terminate", "purge"],
    api: Api, session: SessionDep, csrf: Csrf = "",
) -> Response:  # fmt: skip
    _check_csrf(session, csrf)
    await api.act(instance_id, action)
    if action == "purge":
        return _back("/", f"{instance_id} purged")
    return _back(_invoice_url(instance_id), f"{action} requested")


# The host's bounds on a decision and a rerun's new id are checked here too: a 422 page.
@router.post(
    "/invoices/{instance_id}/decision",
    response_class=RedirectResponse,
    status_code=303,
    responses=form_post(*INVOICE_ACTIONS, done="Sent: to the invoice"),
)
async def decide(
    instance_id: InstanceId, api: Api, session: SessionDep,
    approved: Annotated[Literal["yes", "no"], Form()],
    approver: Annotated[str, Form(min_length=1, max_length=200)],
    comment: Annotated[str, Form(max_length=2000)] = "", csrf: Csrf = "",
) -> Response:  # fmt: skip
    _check_csrf(session, csrf)
    decision = {"approved": approved == "yes", "approver": approver, "comment": comment or None}
    await api.decide(instance_id, decision)
    return _back(_invoice_url(instance_id), "decision sent")


@router.post(
    "/invoices/{instance_id}/rerun",
    response_class=RedirectResponse,
    status_code=303,
    responses=form_post(*INVOICE_ACTIONS, done="Started: to the new instance"),
)
async def rerun(
    instance_id: InstanceId, api: Api, session: SessionDep,
    new_instance_id: NewInstanceId,
    # Blank (the form's value without a failed step): from the first activity.
    from_event_id: Annotated[int | None, Form(ge=0, le=MAX_EVENT_ID), AN_EVENT_ID] = None,
    csrf: Csrf = "",
) -> Response:  # fmt: skip
    _check_csrf(session, csrf)
    await api.rerun(instance_id, new_instance_id, from_event_id)
    return _back(_invoice_url(new_instance_id), f"rerun of {instance_id}")


# -- starting, approvals, the system -----------------------------------------------------


@router.get("/start", response_class=HTMLResponse, responses=page())
async def start_form(request: Request, session: SessionDep) -> HTMLResponse:
    return _page(request, "start.html", session)


@router.post(
    "/start",
    response_class=RedirectResponse,
    status_code=303,
    responses={
        **form_post(done="Started: to the new invoice"),
        200: html("The form again, filled in, saying what is missing or why the host refused it."),
    },
    # FastAPI states the file as binary data; its media type is the encoding's to state.
    openapi_extra={
        "requestBody": {
            "content": {
                "multipart/form-data": {"encoding": {"file": {"contentType": "application/pdf"}}}
            }
        }
    },
)
async def start(
    request: Request, api: Api, session: SessionDep,
    csrf: Csrf = "", invoice_id: Annotated[str, Form(examples=["INV-2025-020"])] = "",
    pdf_path: Annotated[str, Form(examples=["invoices/INV-2025-020.pdf"])] = "",
    file: Annotated[UploadFile | None, File(), A_FILE] = None,
) -> Response:  # fmt: skip
    _check_csrf(session, csrf)
    try:
        if file is not None and file.filename:
            accepted = await api.upload(file.filename, await file.read(), invoice_id or None)
        elif pdf_path.strip():
            if not invoice_id.strip():
                raise HostError(422, "an invoice id is needed to start from a path")
            accepted = await api.start_from_path(invoice_id.strip(), pdf_path.strip())
        else:
            raise HostError(422, "choose a PDF, or give a path under the data folder")
    except HostError as error:
        return _page(request, "start.html", session, error=error.message,
                     invoice_id=invoice_id, pdf_path=pdf_path)  # fmt: skip
    return _back(_invoice_url(accepted["instance_id"]), "started")


@router.get("/approvals", response_class=HTMLResponse, responses=page(*READS))
async def approvals(request: Request, api: Api, session: SessionDep) -> HTMLResponse:
    rows = [r for r in await _rows(api) if views.display_status(r) == "AWAITING_APPROVAL"]
    return _page(request, "approvals.html", session, rows=rows, now=datetime.now(UTC))


# The page says when the host does not answer: that is part of the system's state.
@router.get("/system", response_class=HTMLResponse, responses=page())
async def system(request: Request, api: Api, session: SessionDep) -> HTMLResponse:
    started = time.monotonic()
    try:
        overview = await api.system()
        error = None
    except HostError as failure:
        overview, error = None, failure.message
    took = time.monotonic() - started
    return _page(request, "system.html", session, system=overview, error=error, took=took)
