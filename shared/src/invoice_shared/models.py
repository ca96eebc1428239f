"""Service contracts: the JSON every app speaks, whatever language it is written in.

Money is carried as `Decimal` in Python and written to JSON as a number, so a
service in another language sees plain numbers while our arithmetic stays exact.

Strictness, decided here once for every app: each reads its request bodies through these
types (the host's own request models build on them), so each accepts and refuses the
same JSON. A value must already have the JSON type its schema states; nothing is
converted from another type:
- numbers (counts, page numbers, amounts, quantities, sizes, confidences) are JSON
  numbers. Refused: numbers in strings ("12.50", "3") and booleans (true is not 1). An
  integer may be written 3.0, which JSON Schema counts as an integer; 3.5 is refused;
- booleans are true or false. Refused: 1, "true", "yes";
- dates are strings written YYYY-MM-DD (RFC 3339 full-date). Refused: numbers (0 is not
  1970-01-01), date-times, other spellings;
- strings are strings. Refused: numbers;
- fields a contract does not name are refused (Contract).
Converted on arrival, and only these: an amount is rounded to cents (12.345 becomes
12.34, half to even), and a null optional field is taken as an absent one. Path and
query parameters travel as text and are read as their schema's type (`?limit=10`).
Python code building contracts passes Python values (Decimal, date).
Ranges are part of the schemas: amounts and quantities below 10^15 in magnitude, page
numbers from 1 to MAX_PAGE_NUMBER, confidences from 0 to 1, artifact keys in the form
the services write them. Times in answers are UTC and say so (RFC 3339 date-time).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StrictBool,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)
from pydantic.config import JsonDict

from invoice_shared.artifacts import BLOB_KEY_PATTERN, EINVOICE_KEY_PATTERN, PAGE_KEY_PATTERN

# Invoice ids become workflow instance ids, state keys and log fields: keep them to a
# conservative alphabet with no ':' (reserved for child ids) and no path characters.
INVOICE_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$"
InvoiceId = Annotated[
    str,
    StringConstraints(pattern=INVOICE_ID_PATTERN),
    Field(
        description="Caller-chosen id, also the workflow instance id: 1-128 characters "
        "of letters, digits, '.', '_' and '-', starting with a letter or digit.",
        examples=["INV-2025-001"],
    ),
]

Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
BlobKey = Annotated[str, StringConstraints(pattern=BLOB_KEY_PATTERN)]
PageKey = Annotated[str, StringConstraints(pattern=PAGE_KEY_PATTERN)]
EInvoiceKey = Annotated[str, StringConstraints(pattern=EINVOICE_KEY_PATTERN)]

# Far beyond any invoice; it bounds what the aggregation adds up and the page image
# URLs (host and extract service) the same way.
MAX_PAGE_NUMBER = 100_000


def json_number(value: object) -> object:
    """Let only numbers through: pydantic would read "12.50" and true as numbers."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise ValueError("must be a JSON number, not a string or a boolean")
    return value


JsonInt = Annotated[int, BeforeValidator(json_number)]
JsonFloat = Annotated[float, BeforeValidator(json_number)]
# Bounds go before the validator: after it, pydantic writes them to the JSON Schema as
# "ge"/"le" instead of "minimum"/"maximum".
PageNumber = Annotated[int, Field(ge=1, le=MAX_PAGE_NUMBER), BeforeValidator(json_number)]

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _calendar_date(value: object) -> object:
    """Let only YYYY-MM-DD through: pydantic would read 0 as 1970-01-01 and accept a
    date-time at midnight. Python callers pass `date` objects."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return value
    raise ValueError("must be a date written YYYY-MM-DD")


IsoDate = Annotated[
    dt.date,
    BeforeValidator(_calendar_date),
    Field(description="A calendar date, YYYY-MM-DD.", examples=["2025-01-31"]),
]


def _as_utc(value: dt.datetime) -> dt.datetime:
    # The Dapr SDK hands out naive datetimes that are UTC; an answer states the offset.
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


UtcDateTime = Annotated[dt.datetime, AfterValidator(_as_utc)]

# Large enough for any invoice; small enough that quantize() cannot overflow.
MAX_AMOUNT = Decimal("1e15")
_AMOUNT_SCHEMA: dict[str, Any] = {
    "type": "number",
    "exclusiveMinimum": -float(MAX_AMOUNT),
    "exclusiveMaximum": float(MAX_AMOUNT),
}


def _in_range(value: Decimal) -> Decimal:
    if not value.is_finite() or abs(value) >= MAX_AMOUNT:
        raise ValueError(f"{value} is out of range (its magnitude must be below 1e15)")
    return value


def _two_places(value: Decimal) -> Decimal:
    return _in_range(value).quantize(Decimal("0.01"))


Money = Annotated[
    Decimal,
    BeforeValidator(json_number),
    AfterValidator(_two_places),
    PlainSerializer(float, return_type=float, when_used="json"),
    WithJsonSchema({**_AMOUNT_SCHEMA, "description": "An amount; rounded to cents."}),
]
Quantity = Annotated[
    Decimal,
    BeforeValidator(json_number),
    AfterValidator(_in_range),
    PlainSerializer(float, return_type=float, when_used="json"),
    WithJsonSchema(_AMOUNT_SCHEMA),
]

# The rules InvoiceRequest checks (in code, for clear messages), restated for the schema.
# A pdf_path stays inside the source directory: no leading separator, drive ("C:"),
# ".." segment or NUL byte. ("[\s\S]" is any character: "." would skip line breaks.)
_LEAVES_THE_SOURCE_DIR = r"^[/\\]|^[\s\S]:|(^|[/\\])\.\.([/\\]|$)|\x00"
# A pdf_url is http(s), names a host (a name or a bracketed address), maybe a port up
# to 65535, then printable ASCII; no credentials. The upload service resolves it.
_PORT = r"([0-9]{0,4}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])"
PDF_URL_PATTERN = (
    r"^[Hh][Tt][Tt][Pp][Ss]?://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~%!$&'()*+,;=-]+)"
    rf"(:{_PORT})?([/?#][\x21-\x7e]*)?$"
)
RelativePath = Annotated[
    str,
    WithJsonSchema(
        {
            "type": "string",
            "minLength": 1,
            "maxLength": 1024,
            "not": {"pattern": _LEAVES_THE_SOURCE_DIR},
        }
    ),
]
PdfUrl = Annotated[
    str, WithJsonSchema({"type": "string", "maxLength": 2048, "pattern": PDF_URL_PATTERN})
]
# Exactly one source, each given as a string (a null one counts as absent).
_ONE_SOURCE: JsonDict = {
    "oneOf": [
        {"required": [name], "properties": {name: {"type": "string"}}}
        for name in ("pdf_path", "pdf_url", "blob_sha256")
    ]
}


class Contract(BaseModel):
    """Base for every contract: unknown fields are rejected so typos fail loudly."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class InvoiceRequest(Contract):
    """Where to find the PDF of one invoice: exactly one of `pdf_path`, `pdf_url` and
    `blob_sha256`."""

    model_config = ConfigDict(json_schema_extra=_ONE_SOURCE)

    invoice_id: InvoiceId
    pdf_path: RelativePath | None = Field(
        default=None,
        max_length=1024,
        description="Path relative to the upload service's SOURCE_BASE_DIR.",
        examples=["sample-invoice.pdf"],
    )
    pdf_url: PdfUrl | None = Field(
        default=None,
        max_length=2048,
        description="http(s) URL the upload service downloads the PDF from.",
    )
    blob_sha256: Sha256 | None = Field(
        default=None,
        description="A PDF already stored by the upload service (POST /api/invoices uses it).",
    )

    @model_validator(mode="after")
    def _exactly_one_source(self) -> InvoiceRequest:
        given = [s for s in (self.pdf_path, self.pdf_url, self.blob_sha256) if s is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of pdf_path, pdf_url or blob_sha256")
        if self.pdf_path is not None:
            _check_relative_path(self.pdf_path)
        if self.pdf_url is not None and not re.fullmatch(PDF_URL_PATTERN, self.pdf_url):
            raise ValueError(
                "pdf_url must be an http:// or https:// URL naming a host (without "
                "credentials or spaces)"
            )
        return self


def _check_relative_path(path: str) -> None:
    """Refuse what is visibly outside the source directory; the upload service
    re-checks after resolving symlinks, which only it can do."""
    parts = path.replace("\\", "/").split("/")
    if not path or path.startswith(("/", "\\")) or (len(path) > 1 and path[1] == ":"):
        raise ValueError("pdf_path must be a relative path inside the source directory")
    if ".." in parts or "\x00" in path:
        raise ValueError("pdf_path may not contain '..' segments or NUL bytes")


class UploadResult(Contract):
    """A PDF stored content-addressed in the artifact store."""

    invoice_id: InvoiceId
    source: str = Field(description="The pdf_path or pdf_url the PDF came from.")
    blob_key: BlobKey = Field(description="Artifact key of the stored PDF: blobs/ab/<sha>.pdf.")
    sha256: Sha256
    size_bytes: JsonInt = Field(ge=1)


class PageMetadata(Contract):
    """One page of a split invoice, stored as its own single-page PDF."""

    invoice_id: InvoiceId
    source_sha256: Sha256
    page_number: PageNumber = Field(description="1-based page number.")
    page_count: PageNumber
    blob_key: PageKey = Field(description="Artifact key of the single-page PDF.")
    width_pt: JsonFloat = Field(gt=0, description="Page width in PDF points (1/72 inch).")
    height_pt: JsonFloat = Field(gt=0)
    rotation: JsonInt = Field(
        ge=0, lt=360, description="Page rotation in degrees: 0, 90, 180 or 270."
    )
    has_text_layer: StrictBool = Field(description="Whether the page carries extractable text.")
    embedded_invoice_key: EInvoiceKey | None = Field(
        default=None,
        description="Artifact key of the structured e-invoice (Factur-X/ZUGFeRD/XRechnung "
        "CII or UBL XML) the PDF carries, on page 1 only; null when it carries none.",
    )


class SplitResult(Contract):
    invoice_id: InvoiceId
    source_sha256: Sha256
    page_count: PageNumber
    pages: list[PageMetadata]


class LineItem(Contract):
    """One line of the invoice's table. Quantity and unit price are null when the
    invoice prints only the line's amount (a list of services with their prices)."""

    description: str
    quantity: Quantity | None = None
    unit_price: Money | None = None
    amount: Money


class InvoiceFields(Contract):
    """Header and totals fields; any of them may be missing on a given page."""

    invoice_number: str | None = None
    invoice_date: IsoDate | None = None
    due_date: IsoDate | None = None
    vendor_name: str | None = None
    customer_name: str | None = None
    currency: str | None = Field(default=None, description="ISO 4217 code, e.g. EUR.")
    subtotal: Money | None = None
    tax: Money | None = None
    total: Money | None = None


FieldSource = Literal["text", "ocr", "embedded_xml"]
Confidence = Annotated[float, Field(ge=0.0, le=1.0), BeforeValidator(json_number)]


class Evidence(Contract):
    """How sure the extractor is of each field it found, and where it read it."""

    confidence: dict[str, Confidence] = Field(
        default_factory=dict,
        description="Per field found (its name as key): 0 to 1, how sure the extractor is.",
        examples=[{"total": 0.98, "invoice_number": 0.9}],
    )
    source: dict[str, FieldSource] = Field(
        default_factory=dict,
        description="Per field found: read from the text layer, from OCR of a scanned page, "
        "or from the embedded e-invoice XML.",
        examples=[{"total": "text"}],
    )


class PageExtraction(InvoiceFields, Evidence):
    """What one page says about the invoice."""

    invoice_id: InvoiceId
    page_number: PageNumber
    line_items: list[LineItem] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)


class AggregateRequest(Contract):
    invoice_id: InvoiceId
    pages: list[PageExtraction] = Field(min_length=1)


class AggregatedInvoice(InvoiceFields, Evidence):
    """The structured invoice: the result of one workflow run."""

    invoice_id: InvoiceId
    line_items: list[LineItem] = Field(default_factory=list)
    page_count: PageNumber
    warnings: list[str] = Field(
        default_factory=list,
        description="Disagreements found while merging pages: totals that do not add up, "
        "fields missing or conflicting across pages.",
    )


class ErrorBody(BaseModel):
    """The one error shape every app returns for 4xx and 5xx responses."""

    error: str = Field(description="Machine-readable error kind, e.g. not_a_pdf.")
    message: str = Field(description="What was wrong, for a human.")


class ApprovalDecision(Contract):
    """Body of the `approval` event."""

    approved: StrictBool
    approver: str = Field(min_length=1, max_length=200, examples=["jane@example.com"])
    comment: str | None = Field(default=None, max_length=2000)


ApprovalStatus = Literal["auto_approved", "approved", "rejected", "escalated"]


class ApprovalRecord(Contract):
    """How an invoice was approved, by whom and when (the workflow's clock)."""

    status: ApprovalStatus
    approver: str | None = None
    comment: str | None = None
    decided_at: UtcDateTime
    reason: str = Field(description="Why approval was or was not needed, or why it timed out.")


class ProcessedInvoice(AggregatedInvoice):
    """What `invoice_workflow` returns: the invoice and its approval."""

    approval: ApprovalRecord
