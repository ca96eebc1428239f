"""Models private to the workflow host: workflow payloads and the REST API's views."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import Path
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from invoice_shared import policy
from invoice_shared.models import (
    AggregatedInvoice,
    Contract,
    InvoiceId,
    InvoiceRequest,
    Money,
    ProcessedInvoice,
    UtcDateTime,
    json_number,
)

# Bounds shared by the host's settings and the workflow input they fill.
PageBatchSize = Annotated[int, Field(ge=1, le=policy.MAX_PAGE_BATCH_SIZE)]
DirectPages = Annotated[int, Field(ge=1)]
MaxChildren = Annotated[int | None, Field(ge=1)]
ApprovalTimeoutSeconds = Annotated[int, Field(ge=1)]
StallSeconds = Annotated[
    int | None,
    Field(
        ge=1,
        description="No step finished for this long: issue the pending ones again. "
        "Null: never (the guard is off).",
    ),
]

Stage = Literal[
    "pending",
    "uploading",
    "splitting",
    "extracting",
    "aggregating",
    "awaiting_approval",
    "completed",
]
RuntimeStatus = Literal[
    "RUNNING", "COMPLETED", "FAILED", "TERMINATED", "SUSPENDED", "PENDING", "STALLED", "UNKNOWN"
]


class InvoiceWorkflowInput(InvoiceRequest):
    """Input of `invoice_workflow`: the request plus the options it runs with.

    Options travel in the input, not in settings read by the workflow, so a replay
    always sees the values the instance started with. `dapr workflow run` may pass a
    bare InvoiceRequest; the defaults then apply.
    """

    batch_size: PageBatchSize = policy.PAGE_BATCH_SIZE
    max_direct_pages: DirectPages = policy.MAX_DIRECT_PAGES
    # None, as in instances started before adaptive batching (their replays must plan
    # the same children): two-page batches however long the invoice.
    max_children: MaxChildren = None
    approval_threshold: Decimal | None = Field(
        default=policy.APPROVAL_THRESHOLD,
        description="Totals above this wait for approval; null: never by amount.",
    )
    approval_on_warnings: bool = policy.APPROVAL_ON_WARNINGS
    approval_timeout_seconds: ApprovalTimeoutSeconds = policy.APPROVAL_TIMEOUT_SECONDS
    approval_timeout_outcome: policy.ApprovalTimeoutOutcome = policy.APPROVAL_TIMEOUT_OUTCOME
    stall_seconds: StallSeconds = None

    @classmethod
    def from_payload(cls, payload: Any) -> InvoiceWorkflowInput:
        """Accept the input as a JSON object or, as `dapr workflow run --input` (CLI
        1.16) delivers it, as a string holding one."""
        if isinstance(payload, str):
            return cls.model_validate_json(payload)
        return cls.model_validate(payload)

    def request(self) -> InvoiceRequest:
        return InvoiceRequest.model_validate(
            self.model_dump(include=set(InvoiceRequest.model_fields))
        )


class ExtractionRef(Contract):
    """Where one page's extraction is stored; what the workflow history carries instead
    of the extraction itself, so that a 500-page invoice keeps a small history."""

    page_number: int
    state_key: str


class PageBatchInput(Contract):
    invoice_id: InvoiceId
    pages: list[dict[str, Any]] = Field(description="PageMetadata payloads, one per page.")
    stall_seconds: StallSeconds = None


class AggregateInput(Contract):
    invoice_id: InvoiceId
    extractions: list[ExtractionRef]


class ApprovalRequest(Contract):
    """What a person deciding on an invoice needs to see while the workflow waits."""

    reason: str
    invoice_number: str | None = None
    vendor_name: str | None = None
    total: Money | None = None
    currency: str | None = None


class Progress(Contract):
    """The workflow's custom status. Times are the workflow's own (replay-safe) clock."""

    stage: Stage
    pages_done: int = 0
    pages_total: int | None = None
    started_at: UtcDateTime | None = None
    updated_at: UtcDateTime | None = None
    waiting_for: ApprovalRequest | None = Field(
        default=None, description="While awaiting approval: why, and for what amount."
    )


class StartAccepted(BaseModel):
    instance_id: str
    status_url: str = Field(examples=["/api/workflows/INV-2025-001"])


class WorkflowView(BaseModel):
    """One workflow instance as the REST API shows it."""

    instance_id: str
    workflow_name: str = Field(examples=["invoice_workflow"])
    status: RuntimeStatus = Field(description="Dapr's runtime status name.")
    stage: Stage | None = Field(description="Last stage the workflow reported.")
    pages_done: int
    pages_total: int | None
    result: ProcessedInvoice | AggregatedInvoice | list[ExtractionRef] | None = Field(
        description="Once COMPLETED: the invoice and its approval for invoice_workflow "
        "(v1 instances: the invoice alone), the page references for a page_batch_workflow "
        "child."
    )
    error: str | None = Field(description="Why the workflow FAILED, if it did.")
    approval_request: ApprovalRequest | None = Field(
        default=None, description="While the invoice awaits a decision: why, and the amount."
    )
    started_at: UtcDateTime | None = Field(description="When the workflow started (its clock).")
    updated_at: UtcDateTime | None = Field(description="When it last reported progress.")


# Any event but `approval`, which has an operation of its own; Dapr compares event names
# case-insensitively, so no spelling of it (the route refuses those too).
EventName = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z0-9_.-]{1,100}$"),
    Path(
        examples=["reminder"],
        json_schema_extra={"not": {"pattern": "^[Aa][Pp][Pp][Rr][Oo][Vv][Aa][Ll]$"}},
    ),
]


class WorkflowSummary(BaseModel):
    instance_id: str
    workflow_name: str
    status: RuntimeStatus
    created_at: UtcDateTime
    last_updated_at: UtcDateTime
    # Filled only with ?details=true, which reads each instance's payloads too.
    stage: Stage | None = None
    pages_done: int | None = None
    pages_total: int | None = None
    total: Money | None = Field(default=None, description="The invoice's total, once known.")
    currency: str | None = None
    approval_reason: str | None = None


class HistoryEvent(BaseModel):
    event_id: int
    timestamp: UtcDateTime
    kind: str = Field(examples=["taskCompleted", "eventRaised", "timerFired"])
    details: dict[str, Any]


# The sidecar's rerun request carries the event id as an uint32. (Bounds before the
# validator, see invoice_shared.models.PageNumber.)
EventId = Annotated[int, Field(ge=0, le=2**32 - 1), BeforeValidator(json_number)]


class RerunRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    new_instance_id: InvoiceId = Field(description="Id of the new instance.")
    from_event_id: EventId | None = Field(
        default=None,
        description="event_id of a taskScheduled, timerCreated or childWorkflowInstanceCreated "
        "event in /history: the new instance keeps the history before it and runs again from "
        "there. Omitted: from the first activity, i.e. the whole workflow again.",
    )
    input: Any | None = Field(
        default=None,
        description="New input for the activity at from_event_id; its original if omitted.",
    )
