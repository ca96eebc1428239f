"""Logs are JSON lines carrying the invoice and the trace they concern, and still contain
the text the end-to-end tests look for."""

from __future__ import annotations

import asyncio
import json
import logging
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.trace import format_span_id, format_trace_id
from pydantic import BaseModel, SecretStr

from extract_service.config import Settings as ExtractSettings
from extract_service.main import create_app as create_extract_app
from invoice_shared.artifacts import page_key
from invoice_shared.logs import JsonFormatter, bind_log_context, context_ids, log_context
from invoice_shared.request_logs import RequestLogScope, request_ids
from invoice_shared.web import LOG_REQUEST_IDS

TOKEN = "json-logs-token-0123456789"
# A tracer of its own: the test needs a current span, not the process's provider.
TRACER = TracerProvider().get_tracer(__name__)


class Lines(logging.Handler):
    """Keeps each record as the JSON line our formatter makes of it."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(JsonFormatter())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))

    def parsed(self) -> list[dict[str, str]]:
        return [json.loads(line) for line in self.lines]


@pytest.fixture
def lines() -> Iterator[Lines]:
    handler = Lines()
    logger = logging.getLogger("json-logs-test")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield handler
    logger.removeHandler(handler)


LOG = logging.getLogger("json-logs-test")


def test_a_line_is_one_json_object_with_time_level_logger_and_message(lines: Lines):
    LOG.warning("two\nlines, %s", "one record")
    [line] = lines.lines
    assert "\n" not in line
    record = json.loads(line)
    assert record["level"] == "WARNING" and record["logger"] == "json-logs-test"
    assert record["message"] == "two\nlines, one record"
    assert record["time"].endswith("Z") and "T" in record["time"]
    assert not {"invoice_id", "instance_id", "trace_id", "span_id", "exception"} & set(record)


def test_lines_inside_a_span_carry_its_trace_and_span_ids(lines: Lines):
    with TRACER.start_as_current_span("work") as span:
        LOG.info("inside")
    LOG.info("outside")
    inside, outside = lines.parsed()
    context = span.get_span_context()
    assert inside["trace_id"] == format_trace_id(context.trace_id)
    assert inside["span_id"] == format_span_id(context.span_id)
    assert "trace_id" not in outside and "span_id" not in outside


def test_lines_inside_a_log_context_carry_its_ids(lines: Lines):
    with log_context(invoice_id="INV-7"):
        LOG.info("outer")
        with log_context(instance_id="INV-7:pages-1"):
            LOG.info("inner")
        LOG.info("extra wins", extra={"invoice_id": "INV-8"})
    LOG.info("after")
    outer, inner, extra, after = lines.parsed()
    assert outer["invoice_id"] == "INV-7" and "instance_id" not in outer
    assert (inner["invoice_id"], inner["instance_id"]) == ("INV-7", "INV-7:pages-1")
    assert extra["invoice_id"] == "INV-8"
    assert "invoice_id" not in after


def test_a_log_context_reaches_threads_started_inside(lines: Lines):
    async def main() -> None:
        with log_context(invoice_id="INV-9"):
            await asyncio.to_thread(LOG.info, "from a worker thread")

    asyncio.run(main())
    assert lines.parsed()[0]["invoice_id"] == "INV-9"


def test_binding_adds_to_the_open_context_in_place():
    with log_context(invoice_id="INV-1"):
        bind_log_context(instance_id="INV-1:child")
        assert context_ids() == {"invoice_id": "INV-1", "instance_id": "INV-1:child"}
    assert context_ids() == {}


def test_an_exception_is_logged_as_text(lines: Lines):
    try:
        raise ValueError("bad page")
    except ValueError:
        LOG.exception("failed")
    record = lines.parsed()[0]
    assert record["message"] == "failed"
    assert "Traceback" in record["exception"] and "ValueError: bad page" in record["exception"]


@pytest.mark.parametrize(
    ("message", "needles"),
    [
        # What tests/e2e look for with log_lines(): our messages, verbatim in the line.
        (
            "sidecar wedged: has not registered the workflow actor types ending x, y; "
            "asking it to shut down so it is restarted",
            ["sidecar wedged", "asking it to shut down"],
        ),
        (
            "POST /upload -> 422 not_a_pdf: invoice NOTPDF-1: e2e-tests/NOTPDF-1.pdf is not "
            "a PDF (no %PDF- header in its first 1024 bytes)",
            ["NOTPDF-1.pdf", "not_a_pdf", "-> 4"],
        ),
        ("POST /extract -> 422 unreadable_pdf: invoice BOMB-1: …", ["BOMB-1", "-> 4"]),
    ],
)
def test_what_the_end_to_end_tests_grep_for_is_in_the_line(
    lines: Lines, message: str, needles: list[str]
):
    LOG.warning("%s", message)
    assert all(needle in lines.lines[0] for needle in needles)
    assert json.loads(lines.lines[0])["message"] == message


def test_quotes_and_backslashes_are_escaped_in_the_line(lines: Lines):
    LOG.warning('path "C:\\x"')
    assert '\\"C:\\\\x\\"' in lines.lines[0]


def _run_logging(log_format: str) -> str:
    code = (
        "import logging, logging.config\n"
        "from uvicorn.config import LOGGING_CONFIG\n"
        "logging.config.dictConfig(LOGGING_CONFIG)  # as uvicorn does before loading the app\n"
        "from invoice_shared.web import configure_logging\n"
        "configure_logging()\n"
        "logging.getLogger('workflow_app.readiness').error('sidecar wedged: %s', 'why')\n"
        "logging.getLogger('uvicorn.error').info('Application startup complete.')\n"
    )
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", code],
        env={"LOG_FORMAT": log_format, "PATH": ""},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stderr


def test_an_app_logs_json_lines_on_stderr_uvicorns_included():
    ours, uvicorns = (json.loads(line) for line in _run_logging("json").splitlines())
    assert (ours["level"], ours["logger"]) == ("ERROR", "workflow_app.readiness")
    assert ours["message"] == "sidecar wedged: why"
    assert (uvicorns["logger"], uvicorns["message"]) == (
        "uvicorn.error",
        "Application startup complete.",
    )


def test_log_format_text_keeps_the_plain_format():
    ours = _run_logging("text").splitlines()[0]
    assert ours.endswith(" ERROR workflow_app.readiness sidecar wedged: why")


def test_request_ids_come_from_the_path_the_query_or_the_json_body():
    assert request_ids({"instance_id": "INV-1"}, {}, None) == {"instance_id": "INV-1"}
    assert request_ids({}, {"invoice_id": "INV-2"}, None) == {"invoice_id": "INV-2"}
    assert request_ids({}, {"invoice_id": "q"}, {"invoice_id": "INV-3"}) == {"invoice_id": "INV-3"}
    assert request_ids({}, {}, [{"invoice_id": "INV-4"}]) == {}
    assert request_ids({}, {}, {"invoice_id": 5}) == {}


class Thing(BaseModel):
    invoice_id: str


def _ids_app() -> FastAPI:
    router = APIRouter()

    @router.get("/things/{instance_id}")
    def get_thing(instance_id: str) -> dict[str, str]:
        LOG.info("reading %s", instance_id)
        return {}

    @router.post("/things")
    async def post_thing(thing: Thing) -> dict[str, str]:
        LOG.info("storing")
        return {}

    @router.get("/plain")
    def plain() -> dict[str, str]:
        LOG.info("nothing named")
        return {}

    app = FastAPI()
    app.include_router(router, dependencies=LOG_REQUEST_IDS)
    app.add_middleware(RequestLogScope)
    return app


def test_a_request_names_its_invoice_in_every_line_logged_while_handling_it(lines: Lines):
    app = _ids_app()

    async def calls() -> None:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
            assert (await client.get("/things/INV-5:pages-2")).status_code == 200
            assert (await client.post("/things", json={"invoice_id": "INV-6"})).status_code == 200
            assert (await client.get("/plain")).status_code == 200

    asyncio.run(calls())
    reading, storing, plain = lines.parsed()
    assert reading["instance_id"] == "INV-5:pages-2"
    assert storing["invoice_id"] == "INV-6"
    # Each request has a context of its own: nothing carries over.
    assert not {"invoice_id", "instance_id"} & set(plain)


def test_a_services_refusal_line_names_the_invoice_of_the_request(tmp_path: Path):
    app = create_extract_app(ExtractSettings(artifact_dir=tmp_path), app_token=SecretStr(TOKEN))
    handler = Lines()
    logger = logging.getLogger(app.title)
    logger.addHandler(handler)
    body = {"invoice_id": "INV-LOGS-1", "source_sha256": "ef" * 32, "page_number": 1,
            "page_count": 1, "blob_key": page_key("ef" * 32, 1),
            "width_pt": 595.0, "height_pt": 842.0, "rotation": 0,
            "has_text_layer": True}  # fmt: skip

    async def call() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://svc") as client:
            return await client.post("/extract", json=body, headers={"dapr-api-token": TOKEN})

    try:
        assert asyncio.run(call()).status_code == 404
    finally:
        logger.removeHandler(handler)
    [refusal] = handler.parsed()
    assert refusal["invoice_id"] == "INV-LOGS-1"
    assert refusal["message"].startswith("POST /extract -> 404 page_not_found: invoice INV-LOGS-1")
