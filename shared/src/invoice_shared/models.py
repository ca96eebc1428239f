"""Service contracts: the JSON every app speaks, whatever language it is written in.

Money is carried as `Decimal` in Python and written to JSON as a number, so a
service in another language sees plain numbers while our arithmetic stays exact.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    model_validator,
)

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


# Large enough for any invoice; small enough that quantize() cannot overflow.
MAX_AMOUNT = Decimal("1e15")


def _two_places(value: Decimal) -> Decimal:
    if not value.is_finite() or abs(value) >= MAX_AMOUNT:
        raise ValueError(f"amount {value} is out of range")
    return value.quantize(Decimal("0.01"))


Money = Annotated[
    Decimal,
    AfterValidator(_two_places),
    PlainSerializer(float, return_type=float, when_used="json"),
]
Quantity = Annotated[Decimal, PlainSerializer(float, return_type=float, when_used="json")]


class Contract(BaseModel):
    """Base for every contract: unknown fields are rejected so typos fail loudly."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class InvoiceRequest(Contract):
    """Where to find the PDF of one invoice. Exactly one of `pdf_path`, `pdf_url`."""

    invoice_id: InvoiceId
    pdf_path: str | None = Field(
        default=None,
        max_length=1024,
        description="Path relative to the upload service's SOURCE_BASE_DIR.",
        examples=["sample-invoice.pdf"],
    )
    pdf_url: str | None = Field(
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
        if self.pdf_url is not None and not self.pdf_url.lower().startswith(
            ("http://", "https://")
        ):
            raise ValueError("pdf_url must be an http:// or https:// URL")
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
    blob_key: str = Field(description="Artifact key of the stored PDF, e.g. blobs/ab/<sha>.pdf.")
    sha256: Sha256
    size_bytes: int = Field(ge=1)


class PageMetadata(Contract):
    """One page of a split invoice, stored as its own single-page PDF."""

    invoice_id: InvoiceId
    source_sha256: Sha256
    page_number: int = Field(ge=1, description="1-based page number.")
    page_count: int = Field(ge=1)
    blob_key: str = Field(description="Artifact key of the single-page PDF.")
    width_pt: float = Field(gt=0, description="Page width in PDF points (1/72 inch).")
    height_pt: float = Field(gt=0)
    rotation: int = Field(description="Page rotation in degrees: 0, 90, 180 or 270.")
    has_text_layer: bool = Field(description="Whether the page carries extractable text.")
    embedded_invoice_key: str | None = Field(
        default=None,
        description="Artifact key of the structured e-invoice (Factur-X/ZUGFeRD/XRechnung "
        "CII or UBL XML) the PDF carries, on page 1 only; null when it carries none.",
    )


class SplitResult(Contract):
    invoice_id: InvoiceId
    source_sha256: Sha256
    page_count: int = Field(ge=1)
    pages: list[PageMetadata]


class LineItem(Contract):
    description: str
    quantity: Quantity
    unit_price: Money
    amount: Money


class InvoiceFields(Contract):
    """Header and totals fields; any of them may be missing on a given page."""

    invoice_number: str | None = None
    invoice_date: dt.date | None = None
    due_date: dt.date | None = None
    vendor_name: str | None = None
    customer_name: str | None = None
    currency: str | None = Field(default=None, description="ISO 4217 code, e.g. EUR.")
    subtotal: Money | None = None
    tax: Money | None = None
    total: Money | None = None


FieldSource = Literal["text", "ocr", "embedded_xml"]
Confidence = Annotated[float, Field(ge=0.0, le=1.0)]


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
    page_number: int = Field(ge=1)
    line_items: list[LineItem] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)


class AggregateRequest(Contract):
    invoice_id: InvoiceId
    pages: list[PageExtraction] = Field(min_length=1)


class AggregatedInvoice(InvoiceFields, Evidence):
    """The structured invoice: the result of one workflow run."""

    invoice_id: InvoiceId
    line_items: list[LineItem] = Field(default_factory=list)
    page_count: int = Field(ge=1)
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

    approved: bool
    approver: str = Field(min_length=1, max_length=200, examples=["jane@example.com"])
    comment: str | None = Field(default=None, max_length=2000)


ApprovalStatus = Literal["auto_approved", "approved", "rejected", "escalated"]


class ApprovalRecord(Contract):
    """How an invoice was approved, by whom and when (the workflow's clock)."""

    status: ApprovalStatus
    approver: str | None = None
    comment: str | None = None
    decided_at: dt.datetime
    reason: str = Field(description="Why approval was or was not needed, or why it timed out.")


class ProcessedInvoice(AggregatedInvoice):
    """What `invoice_workflow` returns: the invoice and its approval."""

    approval: ApprovalRecord
