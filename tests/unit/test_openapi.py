"""The host's OpenAPI document describes every endpoint, its errors and examples."""

from __future__ import annotations

from typing import Any

import pytest

from workflow_app.main import create_app

SPEC = create_app().openapi()
OPERATIONS = [
    (path, method, op)
    for path, item in SPEC["paths"].items()
    for method, op in item.items()
    if path.startswith("/api/")
]


def _schema(ref_or_schema: dict[str, Any]) -> dict[str, Any]:
    ref = ref_or_schema.get("$ref")
    return SPEC["components"]["schemas"][ref.rsplit("/", 1)[1]] if ref else ref_or_schema


def test_every_lifecycle_endpoint_is_documented():
    documented = {(path, method) for path, method, _ in OPERATIONS}
    for expected in [
        ("/api/workflows/invoice", "post"),
        ("/api/workflows/{instance_id}", "get"),
        ("/api/workflows/{instance_id}", "delete"),
        ("/api/workflows", "get"),
        ("/api/workflows/{instance_id}/raise-event/approval", "post"),
        ("/api/workflows/{instance_id}/raise-event/{event_name}", "post"),
        ("/api/workflows/{instance_id}/terminate", "post"),
        ("/api/workflows/{instance_id}/pause", "post"),
        ("/api/workflows/{instance_id}/resume", "post"),
        ("/api/workflows/{instance_id}/history", "get"),
        ("/api/workflows/{instance_id}/rerun", "post"),
        ("/api/invoices", "post"),
    ]:
        assert expected in documented, expected


@pytest.mark.parametrize(("path", "method", "op"), OPERATIONS, ids=lambda v: str(v)[:40])
def test_each_operation_has_a_summary_and_documents_its_errors(path, method, op):
    assert op.get("summary"), f"{method} {path} has no summary"
    errors = {code for code in op["responses"] if code.startswith("4")}
    assert errors, f"{method} {path} documents no error response"
    for code in errors:
        schema = op["responses"][code]["content"]["application/json"]["schema"]
        assert schema["$ref"].endswith("/ErrorBody"), (method, path, code)


@pytest.mark.parametrize(("path", "method", "op"), OPERATIONS, ids=lambda v: str(v)[:40])
def test_request_bodies_and_path_ids_carry_examples(path, method, op):
    for parameter in op.get("parameters", []):
        if parameter["in"] == "path":
            assert parameter.get("examples") or parameter["schema"].get("examples"), parameter
    body = op.get("requestBody")
    if body is None:
        return
    content = next(iter(body["content"].values()))
    schema = _schema(content["schema"])
    has_examples = (
        "examples" in schema
        or "examples" in content
        or any("examples" in _schema(field) for field in schema.get("properties", {}).values())
    )
    assert has_examples, f"{method} {path} request body has no example"
