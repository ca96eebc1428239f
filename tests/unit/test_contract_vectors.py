"""The contract vectors are current and agree with the JSON Schemas: every case of
invoice_stack.contracts.cases has its recorded vector (`make vectors`), and each
vector's bodies are valid against the schema of what they are."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema_rs
import pytest

from invoice_shared.artifacts import sha256_hex
from invoice_shared.contract_schemas import ROUTES, SCHEMA_DIR
from invoice_stack.contracts.cases import all_cases
from invoice_stack.contracts.vectors import FIXTURES, VECTORS_DIR, Vector, load_vectors

REPO = Path(__file__).resolve().parents[2]
ROOT = REPO / VECTORS_DIR
VECTORS = load_vectors(ROOT)


def _cases() -> dict[str, dict]:
    fixtures = {p.name: p.read_bytes() for p in (ROOT / FIXTURES).iterdir()}
    shas = {name: sha256_hex(data) for name, data in fixtures.items()}
    sizes = {name: len(data) for name, data in fixtures.items()}
    return {
        f"{service}/{case.name}": case.request
        for service, cases in all_cases(shas, sizes).items()
        for case in cases
    }


def _validator(name: str) -> jsonschema_rs.Validator:
    schema = json.loads((REPO / SCHEMA_DIR / f"{name}.schema.json").read_text())
    return jsonschema_rs.validator_for(schema)


def test_every_case_is_recorded_and_nothing_else():
    cases = _cases()
    recorded = {vector.id: vector.request for vector in VECTORS}
    assert set(recorded) == set(cases), "run `make vectors` and review the diff"
    stale = [
        name for name, request in cases.items() if json.loads(json.dumps(request)) != recorded[name]
    ]
    assert not stale, f"requests changed since recorded: {stale}; run `make vectors`"


def test_each_service_has_vectors_for_answers_and_for_refusals():
    for service in ROUTES:
        statuses = {v.response["status"] for v in VECTORS if v.service == service}
        assert 200 in statuses and {401, 404, 405, 415, 422} <= statuses, service


@pytest.mark.parametrize(
    "vector", [v for v in VECTORS if v.response["status"] == 200], ids=lambda v: v.id
)
def test_an_answered_vector_is_valid_by_the_schemas(vector: Vector):
    _, request_schema, response_schema = ROUTES[vector.service]
    _validator(request_schema).validate(vector.request["json"])
    _validator(response_schema).validate(vector.response["json"])


def test_the_go_aggregate_service_publishes_the_python_ones_openapi_document():
    # Embedded in the Go binary: regenerate it from the Python app when this fails.
    from pydantic import SecretStr

    from aggregate_service.main import create_app

    python = create_app(app_token=SecretStr("x" * 20)).openapi()
    embedded = REPO / "services/aggregate_service_go/internal/httpapi/openapi.json"
    assert json.loads(embedded.read_text()) == python
