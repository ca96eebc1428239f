"""Log lines as JSON, one object per line, tagged with the invoice and trace they concern.

A log shipper then needs no parsing rules, and one invoice's lines can be found across
every app by `invoice_id`, or joined to its trace by `trace_id`. LOG_FORMAT=text keeps
the plain format for people reading a terminal.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Literal

from opentelemetry import trace
from pydantic import field_validator
from pydantic_settings import BaseSettings

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
# The ids a line may carry, from `log_context` or from `extra=` (which wins).
CONTEXT_KEYS = ("invoice_id", "instance_id")

# None outside any log_context: binding then starts a dict of its own, and the shared
# default is never mutated.
_context: ContextVar[dict[str, str] | None] = ContextVar("log_context", default=None)


class LogSettings(BaseSettings):
    log_level: str = "INFO"
    log_format: Literal["json", "text"] = "json"

    @field_validator("log_level", "log_format", mode="before")
    @classmethod
    def _any_case(cls, value: object) -> object:
        return value.lower() if isinstance(value, str) else value


def _given(invoice_id: str | None, instance_id: str | None) -> dict[str, str]:
    given = {"invoice_id": invoice_id, "instance_id": instance_id}
    return {key: value for key, value in given.items() if value is not None}


@contextmanager
def log_context(*, invoice_id: str | None = None, instance_id: str | None = None) -> Iterator[None]:
    """Lines logged inside (in this task, and in threads and tasks it starts) carry these
    ids; an inner context adds to an outer one."""
    token = _context.set({**(_context.get() or {}), **_given(invoice_id, instance_id)})
    try:
        yield
    finally:
        _context.reset(token)


def bind_log_context(*, invoice_id: str | None = None, instance_id: str | None = None) -> None:
    """Add ids to the innermost open `log_context`, in place.

    A request's context is opened around the whole request; binding into it from a
    dependency also reaches the exception handler that logs the request's refusal,
    which runs after the dependency's own scope has closed. Outside any, the ids hold
    for the rest of the current context.
    """
    ids = _given(invoice_id, instance_id)
    current = _context.get()
    if current is None:
        _context.set(ids)
    else:
        current.update(ids)


def context_ids() -> dict[str, str]:
    """The ids of the innermost open `log_context`."""
    return dict(_context.get() or {})


def current_trace_ids() -> dict[str, str]:
    """trace_id and span_id (hex) of the current span, when there is a valid one."""
    span_context = trace.get_current_span().get_span_context()
    if not span_context.is_valid:
        return {}
    return {
        "trace_id": trace.format_trace_id(span_context.trace_id),
        "span_id": trace.format_span_id(span_context.span_id),
    }


def json_line(
    record: logging.LogRecord,
    ids: Mapping[str, str],
    trace_ids: Mapping[str, str],
    exception: str | None,
) -> str:
    """The JSON object for one record (pure: the context is passed in)."""
    created = dt.datetime.fromtimestamp(record.created, tz=dt.UTC)
    line: dict[str, Any] = {
        "time": created.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "level": record.levelname,
        "logger": record.name,
        "message": record.getMessage(),
    }
    for key in CONTEXT_KEYS:
        value = getattr(record, key, None) or ids.get(key)
        if value is not None:
            line[key] = str(value)
    line.update(trace_ids)
    if exception:
        line["exception"] = exception
    # Non-ASCII stays as it is, so a line still contains the text it logged.
    return json.dumps(line, ensure_ascii=False, default=str)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        exception = self.formatException(record.exc_info) if record.exc_info else None
        if record.stack_info:
            exception = "\n".join(filter(None, [exception, self.formatStack(record.stack_info)]))
        return json_line(record, context_ids(), current_trace_ids(), exception)


def log_handler(log_format: Literal["json", "text"]) -> logging.Handler:
    handler = logging.StreamHandler(sys.stderr)
    json_lines = log_format == "json"
    handler.setFormatter(JsonFormatter() if json_lines else logging.Formatter(TEXT_FORMAT))
    return handler


def configure_logging(settings: LogSettings | None = None) -> None:
    """Logs on stderr, as JSON lines unless LOG_FORMAT=text; level from LOG_LEVEL.

    Like logging.basicConfig, does nothing when the root logger already has handlers
    (a second app in the same process, or a test runner capturing logs).
    """
    settings = settings if settings is not None else LogSettings()
    logging.basicConfig(
        level=settings.log_level.upper(), handlers=[log_handler(settings.log_format)]
    )
    if settings.log_format == "json":
        # Uvicorn gives its loggers handlers of its own, in its text format: send their
        # lines through ours instead, so the whole stream is JSON.
        # `--no-access-log` leaves the access logger without handlers: keep it silent.
        for name in ("uvicorn", "uvicorn.access"):
            logger = logging.getLogger(name)
            if logger.handlers:
                logger.handlers.clear()
                logger.propagate = True
    # One INFO line per HTTP call made is noise at our call rates.
    logging.getLogger("httpx").setLevel(logging.WARNING)
