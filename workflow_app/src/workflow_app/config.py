"""Settings of the workflow host, from the environment."""

from decimal import Decimal
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings

from invoice_shared import policy
from invoice_shared.dapr_names import WORKFLOW_APP_ID
from workflow_app.models import (
    ApprovalTimeoutSeconds,
    DirectPages,
    MaxChildren,
    PageBatchSize,
    StallSeconds,
)


class Settings(BaseSettings):
    dapr_host: str = Field(default="127.0.0.1", description="Where this app's sidecar listens.")
    dapr_http_port: int = Field(default=3500, description="Sidecar HTTP port (invoke, state).")
    dapr_grpc_port: int = Field(default=50001, description="Sidecar gRPC port (workflows).")
    dapr_api_token: str | None = Field(default=None, description="Sent as dapr-api-token.")
    page_batch_size: PageBatchSize = Field(
        default=policy.PAGE_BATCH_SIZE, description="Pages per child workflow."
    )
    max_direct_pages: DirectPages = Field(
        default=policy.MAX_DIRECT_PAGES,
        description="Up to this many pages are extracted without children.",
    )
    max_child_workflows: MaxChildren = Field(
        default=policy.MAX_CHILD_WORKFLOWS,
        description="Past this many children an invoice's batches take more pages "
        "(adaptive batching for long invoices); empty: page_batch_size however long.",
    )
    service_timeout_seconds: float = Field(
        default=policy.SERVICE_TIMEOUT_SECONDS,
        gt=0,
        description="Bound on one service invocation from an activity.",
    )
    extraction_ttl_seconds: int = Field(
        default=30 * 24 * 3600, description="How long page extractions stay in the state store."
    )
    line_items_inline_bytes: int = Field(
        default=256 * 1024,
        ge=0,
        description="Line items larger than this (as JSON) are kept in the state store and "
        "the workflow's history holds their key: the runtime sends the whole history with "
        "every event, and the SDK takes at most 4 MiB.",
    )
    activity_workers: int = Field(
        default=policy.ACTIVITY_WORKERS,
        ge=1,
        description="Threads running activities (they mostly wait on I/O).",
    )
    sidecar_wait_seconds: float = Field(default=120.0, description="Wait for the sidecar at start.")
    app_id: str = Field(
        default=WORKFLOW_APP_ID,
        description="This app's Dapr app id (Dapr's APP_ID); part of its actor type names.",
    )
    sidecar_wedge_seconds: float = Field(
        default=20.0,
        gt=0,
        description="How long the worker may be connected while the sidecar still has not "
        "registered the workflow actor types, before the host asks the sidecar to restart. "
        "Keep it above the SDK's reconnect backoff (up to 15 s): after a sidecar restart "
        "the worker may take that long to reach the new one.",
    )
    heal_wedged_sidecar: bool = Field(
        default=True,
        description="Ask a wedged sidecar to shut down. Only where something starts it again "
        "(our supervisor, a restart policy, the kubelet); `dapr run -f` does not.",
    )
    stall_seconds: StallSeconds = Field(
        default=policy.STALL_SECONDS,
        description="A workflow with no step finished for this long issues its pending "
        "steps again (see invoice_shared.policy.STALL_SECONDS); empty: never.",
    )
    fanout_repair_seconds: float | None = Field(
        default=90.0,
        gt=0,
        description="A running parent that saved nothing for this long while children "
        "exist that its history never created is freed (workflow_app.fanout_repair); "
        "empty: never.",
    )
    sweep_interval_seconds: float = Field(
        default=15.0,
        gt=0,
        description="How often the host counts the instances (for /metrics) and looks "
        "for stuck parents.",
    )
    max_upload_bytes: int = Field(
        default=policy.MAX_PDF_BYTES, description="Largest PDF POST /api/invoices accepts."
    )
    max_json_bytes: int = Field(
        default=64 * 1024, description="Largest JSON body any endpoint accepts."
    )
    approval_threshold: Decimal | None = Field(
        default=policy.APPROVAL_THRESHOLD,
        description="Invoices with a larger total wait for approval; empty: never by amount.",
    )
    approval_on_warnings: bool = Field(
        default=policy.APPROVAL_ON_WARNINGS,
        description="Invoices whose aggregation produced warnings wait too.",
    )
    approval_timeout_seconds: ApprovalTimeoutSeconds = Field(
        default=policy.APPROVAL_TIMEOUT_SECONDS,
        description="How long to wait for a decision (durable timer).",
    )
    approval_timeout_outcome: policy.ApprovalTimeoutOutcome = Field(
        default=policy.APPROVAL_TIMEOUT_OUTCOME, description="What an unanswered invoice ends as."
    )
    invoice_workflow_latest: Literal["v1", "v2"] = Field(
        default="v2",
        description="Newest invoice_workflow version this host runs. v1 simulates the "
        "deployment from before v2 existed (used by the versioning test).",
    )

    @field_validator(
        "approval_threshold",
        "stall_seconds",
        "fanout_repair_seconds",
        "max_child_workflows",
        mode="before",
    )
    @classmethod
    def _empty_means_none(cls, value: object) -> object:
        return None if value == "" else value
