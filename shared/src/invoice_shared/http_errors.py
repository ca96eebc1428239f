"""Errors the framework raises before a route runs (no such path, wrong method, a body
it cannot read), in our ErrorBody shape instead of FastAPI's `{"detail": ...}` (pure)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from fastapi.routing import iter_route_contexts
from starlette.routing import BaseRoute, Match
from starlette.types import Scope

# Kinds for the statuses the framework answers with; any other is "http_<status>".
ERROR_KINDS = {
    400: "malformed_body",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    415: "unsupported_media_type",
}
UNREADABLE_BODY = "the body could not be read: malformed JSON or form data, or not UTF-8"
# What FastAPI says of any body it cannot parse; other details (a multipart without its
# boundary, say) are worth passing on.
_NOTHING_SAID = "There was an error parsing the body"


def error_kind(status_code: int) -> str:
    return ERROR_KINDS.get(status_code, f"http_{status_code}")


def error_message(status_code: int, detail: str, scope: Scope, allowed: Sequence[str]) -> str:
    """What the framework's terse `detail` means for this request."""
    if status_code == 405:
        return f"{scope['path']} does not take {scope['method']}; it takes {', '.join(allowed)}"
    if status_code == 404:
        return f"there is nothing at {scope['path']}"
    if status_code == 400:
        return UNREADABLE_BODY if detail in ("", _NOTHING_SAID) else f"{UNREADABLE_BODY} ({detail})"
    return detail


def explain(
    status_code: int,
    detail: str,
    headers: Mapping[str, str] | None,
    routes: Sequence[BaseRoute],
    scope: Scope,
) -> tuple[str, dict[str, str]]:
    """A framework error's message and headers: a 405 lists in `Allow` every method the
    path takes, and says so."""
    answer = dict(headers or {})
    allowed: list[str] = []
    if status_code == 405:
        allowed = allowed_methods(routes, scope)
        answer["Allow"] = ", ".join(allowed)
    return error_message(status_code, detail, scope, allowed), answer


def allowed_methods(routes: Sequence[BaseRoute], scope: Scope) -> list[str]:
    """The methods of the resource at the request's path, as its routes declare them.

    Starlette's 405 names only those of the first route that matched. Here they are
    those of every route whose path template matches, the most specific template
    winning as in OpenAPI (a concrete path before a templated one): at
    /api/workflows/invoice that is POST, not the GET and DELETE of
    /api/workflows/{instance_id}.
    """
    by_parameters: dict[int, set[str]] = {}
    for route in iter_route_contexts(routes):
        if not route.methods or route.path is None:
            continue  # a mount: no methods of its own
        match, _ = route.matches(scope)
        if match is not Match.NONE:
            by_parameters.setdefault(route.path.count("{"), set()).update(route.methods)
    return sorted(by_parameters[min(by_parameters)]) if by_parameters else []
