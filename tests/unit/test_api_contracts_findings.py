"""What the contract run (test_api_contracts_schemathesis) first found, each pinned by a
test of its own: answers and documents that now agree."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import re
from decimal import Decimal
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pydantic import BaseModel, SecretStr, ValidationError

from aggregate_service.main import create_app as create_aggregate_app
from invoice_shared.artifacts import (
    BLOB_KEY_PATTERN,
    EINVOICE_KEY_PATTERN,
    PAGE_KEY_PATTERN,
    blob_key,
    einvoice_key,
    page_key,
)
from invoice_shared.models import (
    PDF_URL_PATTERN,
    AggregateRequest,
    ApprovalDecision,
    InvoiceRequest,
    LineItem,
    PageExtraction,
    UtcDateTime,
)
from invoice_shared.openapi_errors import with_error_responses
from workflow_app.config import Settings
from workflow_app.main import create_app as create_host_app

from .dapr_fakes import (
    FakeSidecarApi,
    FakeWorkflowRuntime,
    seed_finished_invoice,
    seed_invoice_awaiting_approval,
    with_fake_runtime,
)

TOKEN = "findings-test-token-0123456789"
KEY = "findings-test-key-0123456789"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


@pytest.fixture
def runtime() -> FakeWorkflowRuntime:
    runtime = FakeWorkflowRuntime()
    seed_finished_invoice(runtime, "DONE")
    seed_invoice_awaiting_approval(runtime, "WAITING")
    return runtime


@pytest.fixture
def host(runtime: FakeWorkflowRuntime) -> FastAPI:
    app = create_host_app(Settings(), app_token=SecretStr(TOKEN), api_key=SecretStr(KEY))
    return with_fake_runtime(app, runtime, FakeSidecarApi())


def _call(app: FastAPI, method: str, path: str, **kwargs: Any) -> httpx.Response:
    async def call() -> httpx.Response:
        # The lifespan puts the fakes in place, as a server would run it.
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            headers = {"X-API-Key": KEY, "dapr-api-token": TOKEN}
            async with httpx.AsyncClient(
                transport=transport, base_url="http://app", headers=headers
            ) as client:
                return await client.request(method, path, **kwargs)

    return asyncio.run(call())


def _spec(app: FastAPI) -> dict[str, Any]:
    return app.openapi()


# --- times carry their offset -------------------------------------------------------


def test_listed_and_shown_times_are_utc_with_an_offset(host: FastAPI):
    listed = _call(host, "GET", "/api/workflows").json()
    assert listed and all(RFC3339.match(row["created_at"]) for row in listed), listed
    assert all(RFC3339.match(row["last_updated_at"]) for row in listed)
    view = _call(host, "GET", "/api/workflows/DONE").json()
    assert RFC3339.match(view["started_at"]) and RFC3339.match(view["updated_at"])
    assert RFC3339.match(view["result"]["approval"]["decided_at"])
    history = _call(host, "GET", "/api/workflows/DONE/history").json()
    assert all(RFC3339.match(event["timestamp"]) for event in history)


def test_a_naive_time_is_read_as_utc_and_an_aware_one_is_converted():
    class Moment(BaseModel):
        at: UtcDateTime

    naive = Moment(at=dt.datetime(2026, 11, 28, 23, 18, 56))
    paris = dt.timezone(dt.timedelta(hours=1))
    aware = Moment(at=dt.datetime(2026, 11, 29, 0, 18, 56, tzinfo=paris))
    assert naive.model_dump_json() == aware.model_dump_json() == '{"at":"2026-11-28T23:18:56Z"}'


# --- request-parsing errors in our shape, and documented ----------------------------


@pytest.mark.parametrize(
    ("content", "content_type", "status", "error"),
    [
        (b"{not json", "application/json", 400, "malformed_body"),
        (b"\x12$1\xff\x06", "application/json", 400, "malformed_body"),
        (b"new_instance_id=X", "text/plain", 415, "unsupported_media_type"),
        (b'{"new_instance_id": "' + b"x" * 70_000 + b'"}', "application/json", 413, "too_large"),
    ],
)
def test_a_body_the_host_cannot_read_is_refused_in_the_one_error_shape(
    host: FastAPI, content: bytes, content_type: str, status: int, error: str
):
    answer = _call(
        host,
        "POST",
        "/api/workflows/DONE/rerun",
        content=content,
        headers={"content-type": content_type},
    )
    assert (answer.status_code, answer.json()["error"]) == (status, error)
    assert set(answer.json()) == {"error", "message"}
    documented = _spec(host)["paths"]["/api/workflows/{instance_id}/rerun"]["post"]["responses"]
    assert documented[str(status)]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/ErrorBody"
    )


def test_a_service_answers_an_unreadable_body_with_400_in_the_one_error_shape():
    app = create_aggregate_app(app_token=SecretStr(TOKEN))
    answer = _call(
        app, "POST", "/aggregate", content=b"\xff\xfe", headers={"content-type": "application/json"}
    )
    assert (answer.status_code, answer.json()["error"]) == (400, "malformed_body")
    assert "400" in _spec(app)["paths"]["/aggregate"]["post"]["responses"]


def test_a_service_refuses_a_body_of_another_type_with_415_not_422():
    app = create_aggregate_app(app_token=SecretStr(TOKEN))
    answer = _call(app, "POST", "/aggregate", content=b"{}", headers={"content-type": "text/plain"})
    assert (answer.status_code, answer.json()["error"]) == (415, "unsupported_media_type")
    assert answer.json()["message"] == "send application/json, not text/plain"
    assert "415" in _spec(app)["paths"]["/aggregate"]["post"]["responses"]


def test_a_service_refuses_a_body_over_its_limit_before_reading_it(
    monkeypatch: pytest.MonkeyPatch,
):
    monkeypatch.setenv("MAX_JSON_BYTES", "100")
    app = create_aggregate_app(app_token=SecretStr(TOKEN))
    answer = _call(app, "POST", "/aggregate", json={"invoice_id": "INV-1", "pages": ["x" * 100]})
    assert (answer.status_code, answer.json()["error"]) == (413, "too_large")
    assert answer.json()["message"].endswith("the limit is 100")
    assert "413" in _spec(app)["paths"]["/aggregate"]["post"]["responses"]


def test_no_document_mentions_fastapis_own_error_shape(host: FastAPI):
    spec = json.dumps(_spec(host))
    assert "HTTPValidationError" not in spec and '"ValidationError"' not in spec


def test_error_responses_go_on_operations_with_a_body_and_422s_take_our_shape():
    spec = {
        "paths": {
            "/a": {
                "post": {"requestBody": {}, "responses": {"200": {}}},
                "get": {"responses": {"422": {"description": "Validation Error"}}},
            }
        },
        "components": {"schemas": {"HTTPValidationError": {}, "ValidationError": {}}},
    }
    done = with_error_responses(spec, {400: "unreadable", 422: "does not fit"})
    post, get = done["paths"]["/a"]["post"], done["paths"]["/a"]["get"]
    assert set(post["responses"]) == {"200", "400", "422"}
    assert set(get["responses"]) == {"422"}
    assert get["responses"]["422"]["description"] == "Validation Error"
    assert get["responses"]["422"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorBody"
    }
    assert set(done["components"]["schemas"]) == {"ErrorBody"}


# --- one source of the PDF, in the schema too --------------------------------------


def test_the_start_schema_admits_exactly_one_source():
    one_of = InvoiceRequest.model_json_schema()["oneOf"]
    assert [branch["required"] for branch in one_of] == [["pdf_path"], ["pdf_url"], ["blob_sha256"]]


def test_two_sources_are_still_refused_with_a_clear_message(host: FastAPI):
    body = {"invoice_id": "X", "pdf_path": "a.pdf", "pdf_url": "https://example.com/a.pdf"}
    answer = _call(host, "POST", "/api/workflows/invoice", json=body)
    assert answer.status_code == 422
    assert "give exactly one of pdf_path, pdf_url or blob_sha256" in answer.json()["message"]


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://example.com/a.pdf", True),
        ("http://[fe80::1]/invoice.pdf", True),
        ("HTTP://127.0.0.1:8080/a.pdf?x=1", True),
        ("http://", False),
        ("http://user:pw@example.com/a.pdf", False),
        ("http://example.com:70000/a.pdf", False),
        ("file:///etc/passwd", False),
    ],
)
def test_the_url_rule_is_one_pattern_for_the_schema_and_the_check(url: str, ok: bool):
    assert bool(re.fullmatch(PDF_URL_PATTERN, url)) is ok
    try:
        InvoiceRequest(invoice_id="X", pdf_url=url)
    except ValidationError:
        assert not ok
    else:
        assert ok


# --- events: approval has its own operation ----------------------------------------


def test_an_event_other_than_approval_may_carry_no_data(host: FastAPI, runtime):
    answer = _call(
        host,
        "POST",
        "/api/workflows/WAITING/raise-event/reminder",
        content=b"null",
        headers={"content-type": "application/json"},
    )
    assert answer.status_code == 202, answer.text
    assert runtime.events == [("WAITING", "reminder", None)]


def test_an_approval_needs_a_decision_object_under_any_spelling(host: FastAPI, runtime):
    null = _call(
        host,
        "POST",
        "/api/workflows/WAITING/raise-event/approval",
        content=b"null",
        headers={"content-type": "application/json"},
    )
    shouted = _call(host, "POST", "/api/workflows/WAITING/raise-event/APPROVAL", json=None)
    assert (null.status_code, shouted.status_code) == (422, 422)
    assert "raise-event/approval" in shouted.json()["message"]
    decision = {"approved": True, "approver": "jane@example.com"}
    approved = _call(host, "POST", "/api/workflows/WAITING/raise-event/approval", json=decision)
    assert approved.status_code == 202
    assert runtime.events == [("WAITING", "approval", {**decision, "comment": None})]


def test_the_documents_say_which_event_takes_which_body(host: FastAPI):
    paths = _spec(host)["paths"]
    approval = paths["/api/workflows/{instance_id}/raise-event/approval"]["post"]
    assert approval["requestBody"]["required"] is True
    assert approval["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/ApprovalDecision"
    )
    other = paths["/api/workflows/{instance_id}/raise-event/{event_name}"]["post"]
    name = next(p for p in other["parameters"] if p["name"] == "event_name")
    assert re.match(name["schema"]["not"]["pattern"], "aPProval")


# --- the upload documents its media type -------------------------------------------


def test_the_upload_documents_a_pdf_part_and_the_415(host: FastAPI):
    upload = _spec(host)["paths"]["/api/invoices"]["post"]
    form = upload["requestBody"]["content"]["multipart/form-data"]
    assert form["encoding"]["file"]["contentType"] == "application/pdf"
    assert "not a PDF" in upload["responses"]["415"]["description"]


def test_a_file_that_is_not_a_pdf_is_415(host: FastAPI):
    files = {"file": ("notes.txt", b"hello", "application/pdf")}
    answer = _call(host, "POST", "/api/invoices", files=files)
    assert (answer.status_code, answer.json()["error"]) == (415, "not_a_pdf")


# --- Allow lists every method of the path ------------------------------------------


def test_a_405_lists_every_method_of_the_path(host: FastAPI):
    answer = _call(host, "OPTIONS", "/api/workflows/DONE")
    assert answer.status_code == 405
    assert answer.headers["allow"] == "DELETE, GET"
    assert answer.json()["error"] == "method_not_allowed"


def test_a_concrete_path_lists_its_own_methods_not_its_templated_neighbours(host: FastAPI):
    assert _call(host, "OPTIONS", "/api/workflows/invoice").headers["allow"] == "POST"


def test_an_unknown_path_is_404_in_the_one_error_shape(host: FastAPI):
    answer = _call(host, "GET", "/api/nothing-here")
    assert answer.json() == {
        "error": "not_found",
        "message": "there is nothing at /api/nothing-here",
    }


# --- strict contract types ---------------------------------------------------------


def _page(**fields: Any) -> dict[str, Any]:
    return {"invoice_id": "INV-1", "page_number": 1, **fields}


@pytest.mark.parametrize(
    "fields",
    [
        {"due_date": 0},
        {"invoice_date": "2025-01-01T00:00:00Z"},
        {"invoice_date": "20250101"},
        {"total": "12.50"},
        {"total": True},
        {"total": 1e15},
        {"page_number": "1"},
        {"page_number": True},
        {"page_number": 100_001},
        {"confidence": {"total": "0.9"}},
    ],
    ids=str,
)
def test_a_value_of_another_json_type_or_out_of_range_is_refused(fields: dict[str, Any]):
    with pytest.raises(ValidationError):
        AggregateRequest.model_validate({"invoice_id": "INV-1", "pages": [_page(**fields)]})


def test_json_values_of_the_stated_types_are_read():
    page = PageExtraction.model_validate(
        _page(due_date="2025-02-14", total=12.345, page_number=3.0, confidence={"total": 1})
    )
    assert page.due_date == dt.date(2025, 2, 14)
    assert (page.total, page.page_number) == (Decimal("12.34"), 3)
    assert LineItem.model_validate(
        {"description": "x", "quantity": 2, "unit_price": 1.5, "amount": 3}
    ).amount == Decimal("3.00")


@pytest.mark.parametrize("approved", [1, "true", "yes", None])
def test_an_approval_is_true_or_false_nothing_else(approved: Any):
    with pytest.raises(ValidationError):
        ApprovalDecision.model_validate({"approved": approved, "approver": "jane"})


def test_a_service_refuses_a_number_for_a_date():
    app = create_aggregate_app(app_token=SecretStr(TOKEN))
    body = {"invoice_id": "INV-1", "pages": [_page(due_date=0)]}
    answer = _call(app, "POST", "/aggregate", json=body)
    assert answer.status_code == 422
    assert "pages.0.due_date" in answer.json()["message"]


def test_artifact_keys_match_the_patterns_the_contracts_state():
    sha = "ab" * 32
    assert re.fullmatch(BLOB_KEY_PATTERN, blob_key(sha))
    assert re.fullmatch(PAGE_KEY_PATTERN, page_key(sha, 1))
    assert re.fullmatch(PAGE_KEY_PATTERN, page_key(sha, 100_000))
    assert re.fullmatch(EINVOICE_KEY_PATTERN, einvoice_key(sha))


# --- the services state who may call them ------------------------------------------


def test_a_service_documents_its_sidecar_token_and_the_401_without_it():
    app = create_aggregate_app(app_token=SecretStr(TOKEN))
    spec = _spec(app)
    schemes = spec["components"]["securitySchemes"].values()
    assert [s["name"] for s in schemes] == ["dapr-api-token"]
    assert "401" in spec["paths"]["/aggregate"]["post"]["responses"]
    assert "401" in spec["paths"]["/status"]["get"]["responses"]


def test_a_malformed_form_says_what_was_wrong_with_it(host: FastAPI):
    answer = _call(
        host, "POST", "/api/invoices", content=b"x", headers={"content-type": "multipart/form-data"}
    )
    assert answer.status_code == 400
    assert answer.json()["message"].endswith("(Missing boundary in multipart.)")
