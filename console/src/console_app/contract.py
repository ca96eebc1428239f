"""What each route answers, as the console's OpenAPI document states it (pure data).

Every answer a person can see is an HTML page, errors included: the form, the page, or
error.html saying what went wrong. A signed-out page request is sent to /signin (303);
a signed-out fragment (polled by the page's script) is a 401, which the script follows
to /signin. Errors from the host keep the host's status where it means the same to a
person (no such invoice, a state that does not allow it) and are 502 otherwise.
"""

from __future__ import annotations

from typing import Any

Json = dict[str, Any]
Responses = dict[int | str, Json]

HTML = "text/html"

# The host's statuses a page passes on as they are; any other host failure is a 502.
PASSED_ON = frozenset({401, 403, 404, 409, 422, 503})
BAD_GATEWAY = 502

_WHY = {
    400: "The form could not be read: malformed urlencoded or multipart data.",
    401: "The host no longer accepts the API key this session signed in with.",
    403: "The form's CSRF token is not this session's: a stale page, or a form another "
    "site sent. Nothing was done.",
    404: "The host has no such invoice, or no such page of it.",
    409: "The invoice's state does not allow it (e.g. pausing a finished invoice), or "
    "the new id is taken.",
    422: "A parameter or form field is not what the console's pages send (or the host "
    "refused it); the page says which and why.",
    502: "The host failed the call: it answered with a server error.",
    503: "The host did not answer in time, or asked to be called again later.",
}


def html(description: str) -> Json:
    return {"description": description, "content": {HTML: {"schema": {"type": "string"}}}}


def redirect(description: str, **headers: Json) -> Json:
    location = {"description": "Where to go next.", "required": True, "schema": {"type": "string"}}
    return {"description": description, "headers": {"Location": location, **headers}}


def errors(*codes: int) -> Responses:
    return {code: html(_WHY[code]) for code in codes}


SIGNED_OUT = "not signed in (or the session has ended), to /signin"


def page(*codes: int, ok: Json | None = None) -> Responses:
    """A page (or a download) behind the sign-in, and the errors it can show instead."""
    shown = ok if ok is not None else html("The page.")
    return {200: shown, 303: redirect(f"When {SIGNED_OUT}."), **errors(*codes)}


def fragment(*codes: int) -> Responses:
    """The part of a page its script refreshes."""
    signed_out = (
        "Not signed in, the session has ended, or the host no longer accepts its key: "
        "the page's script goes to /signin."
    )
    return {
        200: html("The part of the page that refreshes."),
        **errors(*codes),
        401: html(signed_out),
    }


def form_post(*codes: int, done: str) -> Responses:
    """A form's action: 303 to where the person goes next, or an error page."""
    return {303: redirect(f"{done}; when {SIGNED_OUT}."), **errors(400, 403, 422, *codes)}


# The host calls behind a page, by what they can fail with.
READS = (401, 502, 503)
INVOICE_READS = (401, 404, 409, 422, 502, 503)
INVOICE_ACTIONS = (401, 404, 409, 502, 503)

PNG = {
    "description": "The page as the extractor saw it, 800 px wide.",
    "content": {"image/png": {"schema": {"type": "string", "format": "binary"}}},
}
HISTORY = {
    "description": "The instance's history events as the host lists them, as a download.",
    "content": {"application/json": {"schema": {"type": "array", "items": {"type": "object"}}}},
    "headers": {
        "Content-Disposition": {
            "description": 'attachment; filename="<id>-history.json"',
            "required": True,
            "schema": {"type": "string"},
        }
    },
}
