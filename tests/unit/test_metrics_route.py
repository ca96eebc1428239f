"""Every app serves /metrics without credentials and counts its requests by route
template, refusals included; the extract service counts the pages it reads."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from prometheus_client import REGISTRY
from pydantic import SecretStr

from extract_service.config import Settings as ExtractSettings
from extract_service.extraction_metrics import HEADER_FIELDS, fields_found, page_source
from extract_service.main import create_app as create_extract_app
from invoice_gen import generate_invoice
from invoice_shared.artifacts import ArtifactStore, page_key
from invoice_shared.auth import refusal
from invoice_shared.dapr_names import SPLIT_APP_ID, WORKFLOW_APP_ID
from invoice_shared.metrics import UNMATCHED, route_template
from invoice_shared.models import PageExtraction
from split_service.main import create_app as create_split_app
from split_service.pdf_split import open_pdf, split_pages
from workflow_app.config import Settings as HostSettings
from workflow_app.main import create_app as create_host_app

TOKEN = "metrics-test-token-0123456789"
KEY = "metrics-test-key-0123456789"
SHA = "cd" * 32


def _call(app: FastAPI, method: str, path: str, **kwargs: object) -> httpx.Response:
    async def call() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
            return await client.request(method, path, **kwargs)  # type: ignore[arg-type]

    return asyncio.run(call())


def _sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def _requests(app: str, method: str, route: str, status: int) -> float:
    labels = {"app": app, "method": method, "route": route, "status": str(status)}
    return _sample("invoice_http_requests_total", **labels)


def test_metrics_are_open_to_scrapers_and_nothing_else_is():
    assert refusal("/metrics", {}, TOKEN) is None
    assert refusal("/metrics", {}, TOKEN, api_key=KEY) is None
    assert refusal("/metrics/", {}, TOKEN) is not None
    assert refusal("/status", {}, TOKEN) is not None


def test_a_service_counts_requests_by_route_template_and_serves_them_without_a_token():
    app = create_split_app(app_token=SecretStr(TOKEN))
    before = _requests(SPLIT_APP_ID, "POST", "/split", 422)
    refused_before = _requests(SPLIT_APP_ID, "POST", "/split", 401)

    assert (
        _call(app, "POST", "/split", json={}, headers={"dapr-api-token": TOKEN}).status_code == 422
    )
    assert _call(app, "POST", "/split", json={}).status_code == 401
    scraped = _call(app, "GET", "/metrics")

    assert scraped.status_code == 200
    assert scraped.headers["content-type"].startswith("text/plain")
    assert _requests(SPLIT_APP_ID, "POST", "/split", 422) == before + 1
    # Refused by the credential check, before routing: still counted under its route.
    assert _requests(SPLIT_APP_ID, "POST", "/split", 401) == refused_before + 1
    line = (
        'invoice_http_requests_total{app="split-service",method="POST",route="/split",status="422"}'
    )
    assert line in scraped.text
    assert 'invoice_http_request_duration_seconds_count{app="split-service",route="/split"}' in (
        scraped.text
    )


def test_the_host_labels_a_request_with_its_template_not_its_path():
    app = create_host_app(HostSettings(), app_token=SecretStr(TOKEN), api_key=SecretStr(KEY))
    template = "/api/workflows/{instance_id}"
    before = _requests(WORKFLOW_APP_ID, "GET", template, 401)
    unmatched_before = _requests(WORKFLOW_APP_ID, "GET", UNMATCHED, 401)

    assert _call(app, "GET", "/api/workflows/INV-METRICS-1").status_code == 401
    assert _call(app, "GET", "/api/workflows/INV-METRICS-2").status_code == 401
    assert _call(app, "GET", "/no/such/route").status_code == 401
    scraped = _call(app, "GET", "/metrics")

    assert scraped.status_code == 200
    assert _requests(WORKFLOW_APP_ID, "GET", template, 401) == before + 2
    assert _requests(WORKFLOW_APP_ID, "GET", UNMATCHED, 401) == unmatched_before + 1
    assert "INV-METRICS-1" not in scraped.text


@pytest.mark.parametrize(
    ("method", "path", "template"),
    [
        ("GET", "/api/workflows/INV-1", "/api/workflows/{instance_id}"),
        ("POST", "/api/workflows/INV-1/pause", "/api/workflows/{instance_id}/pause"),
        ("POST", "/api/workflows/invoice", "/api/workflows/invoice"),
        ("DELETE", "/api/workflows/INV-1/pause", "/api/workflows/{instance_id}/pause"),  # 405
        ("GET", "/docs-assets/swagger-ui.css", "/docs-assets"),
        ("GET", "/healthz", "/healthz"),
        ("GET", "/nothing/here", UNMATCHED),
    ],
)
def test_route_template(method: str, path: str, template: str):
    app = create_host_app(HostSettings(), app_token=SecretStr(TOKEN), api_key=SecretStr(KEY))
    scope = {"type": "http", "method": method, "path": path, "root_path": "",
             "headers": [(b"host", b"app")], "query_string": b""}  # fmt: skip
    assert route_template(app.router.routes, scope) == template


def _page_body(page_number: int = 1) -> dict[str, object]:
    return {"invoice_id": "INV-METRICS", "source_sha256": SHA, "page_number": page_number,
            "page_count": 1, "blob_key": page_key(SHA, page_number), "width_pt": 595.0,
            "height_pt": 842.0, "rotation": 0, "has_text_layer": True}  # fmt: skip


def test_extracting_a_text_page_counts_the_page_its_time_and_its_fields(tmp_path: Path):
    pdf = generate_invoice(seed=7, pages=1).pdf
    ArtifactStore(tmp_path).put_bytes(page_key(SHA, 1), next(split_pages(open_pdf(pdf, 10))).pdf)
    app = create_extract_app(
        ExtractSettings(artifact_dir=tmp_path, extraction_workers=3), app_token=SecretStr(TOKEN)
    )
    fields = [*HEADER_FIELDS, "line_items"]
    counted = {(f, found): _sample("invoice_fields_total", field=f, found=found)
               for f in fields for found in ("true", "false")}  # fmt: skip
    pages = _sample("invoice_pages_extracted_total", source="text")
    timed = _sample("invoice_page_extraction_seconds_count", source="text")
    ocr_pages = _sample("invoice_pages_extracted_total", source="ocr")

    answer = _call(app, "POST", "/extract", json=_page_body(), headers={"dapr-api-token": TOKEN})

    assert answer.status_code == 200, answer.text
    extraction = answer.json()
    assert extraction["total"] is not None and extraction["line_items"]
    assert _sample("invoice_pages_extracted_total", source="text") == pages + 1
    assert _sample("invoice_page_extraction_seconds_count", source="text") == timed + 1
    assert _sample("invoice_pages_extracted_total", source="ocr") == ocr_pages
    for field in fields:
        found = "true" if extraction[field] not in (None, []) else "false"
        missing = "false" if found == "true" else "true"
        assert _sample("invoice_fields_total", field=field, found=found) == (
            counted[(field, found)] + 1
        ), field
        assert (
            _sample("invoice_fields_total", field=field, found=missing)
            == (counted[(field, missing)])
        ), field
    # A page that is not there is no page extracted.
    missing_page = _call(
        app, "POST", "/extract", json=_page_body(2), headers={"dapr-api-token": TOKEN}
    )
    assert missing_page.status_code == 404
    assert _sample("invoice_pages_extracted_total", source="text") == pages + 1
    assert _sample("invoice_extraction_capacity") == 3
    assert _sample("invoice_extractions_in_flight") == 0


def test_a_page_read_from_its_e_invoice_counts_as_such():
    read = PageExtraction(
        invoice_id="INV-1", page_number=1, total=Decimal("10.00"), source={"total": "text"}
    )
    embedded = read.model_copy(update={"source": {"total": "embedded_xml"}})
    assert page_source(read, "text") == "text"
    assert page_source(read, "ocr") == "ocr"
    assert page_source(embedded, "text") == "einvoice"


def test_fields_found_says_which_fields_a_page_gave():
    page = PageExtraction(
        invoice_id="INV-1", page_number=1, invoice_number="A-1", total=Decimal("5.00")
    )
    found = fields_found(page)
    assert set(found) == {*HEADER_FIELDS, "line_items"}
    assert {name for name, given in found.items() if given} == {"invoice_number", "total"}
    assert {"vendor_name", "customer_name", "due_date"} <= set(HEADER_FIELDS)


def test_the_extract_service_exports_every_series_before_its_first_page():
    # Prometheus's increase() takes a series' first sample as its baseline: born with
    # the first pages, the series would never show them.
    create_extract_app(ExtractSettings(), app_token=SecretStr("t" * 16))
    for source in ("text", "ocr", "einvoice"):
        assert (
            REGISTRY.get_sample_value("invoice_pages_extracted_total", {"source": source})
            is not None
        )
    for field in (*HEADER_FIELDS, "line_items"):
        for found in ("true", "false"):
            labels = {"field": field, "found": found}
            assert REGISTRY.get_sample_value("invoice_fields_total", labels) is not None
