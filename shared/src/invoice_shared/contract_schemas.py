"""The contracts as JSON Schema files (`contracts/schemas/`), for implementations in
other languages: what each service takes and answers, generated from models.py.

`make generate` writes them; a unit test fails while a committed schema differs from
what the models say. Each schema is what a receiver accepts (pydantic's validation
mode), which is also what a sender must write.
"""

from __future__ import annotations

import json
from typing import Any, Final

from pydantic import BaseModel

from invoice_shared.models import (
    AggregatedInvoice,
    AggregateRequest,
    ErrorBody,
    InvoiceRequest,
    PageExtraction,
    PageMetadata,
    SplitResult,
    UploadResult,
)

SCHEMA_DIALECT: Final = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_DIR: Final = "contracts/schemas"
# Where a schema says it lives: its $id, relative to the repository.
ID_PREFIX: Final = "https://invoice-dapr.example/contracts/schemas/"

CONTRACTS: Final[tuple[type[BaseModel], ...]] = (
    InvoiceRequest,
    UploadResult,
    SplitResult,
    PageMetadata,
    PageExtraction,
    AggregateRequest,
    AggregatedInvoice,
    ErrorBody,
)

# What each service's route takes and answers (the error shape answers every refusal).
ROUTES: Final[dict[str, tuple[str, str, str]]] = {
    # service app id: (method and path, request schema, response schema)
    "upload-service": ("POST /upload", "InvoiceRequest", "UploadResult"),
    "split-service": ("POST /split", "UploadResult", "SplitResult"),
    "extract-service": ("POST /extract", "PageMetadata", "PageExtraction"),
    "aggregate-service": ("POST /aggregate", "AggregateRequest", "AggregatedInvoice"),
}


def schema_file_name(model: type[BaseModel]) -> str:
    return f"{model.__name__}.schema.json"


def contract_schema(model: type[BaseModel]) -> dict[str, Any]:
    """One self-contained schema: the model's, its nested types under $defs."""
    body = model.model_json_schema(mode="validation", ref_template="#/$defs/{model}")
    return {"$schema": SCHEMA_DIALECT, "$id": ID_PREFIX + schema_file_name(model), **body}


def render_schema(model: type[BaseModel]) -> str:
    return json.dumps(contract_schema(model), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def rendered_schemas() -> dict[str, str]:
    """File name -> text, for every contract."""
    return {schema_file_name(model): render_schema(model) for model in CONTRACTS}
