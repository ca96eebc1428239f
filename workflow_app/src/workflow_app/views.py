"""What the API shows of a workflow instance, from the state the sidecar returns."""

from __future__ import annotations

import json
from typing import Any

from dapr.ext.workflow import WorkflowState
from pydantic import TypeAdapter

from invoice_shared.dapr_names import INVOICE_WORKFLOW
from invoice_shared.models import AggregatedInvoice, LineItem, ProcessedInvoice
from workflow_app.models import ExtractionRef, Progress, WorkflowSummary, WorkflowView
from workflow_app.planning import LINE_ITEMS_KEY_FIELD

_refs = TypeAdapter(list[ExtractionRef])
_line_items = TypeAdapter(list[LineItem])


def view_of(instance_id: str, state: WorkflowState) -> WorkflowView:
    """The instance's status, progress, result and error, as one typed view."""
    status_name = state.runtime_status.name
    progress = progress_of(state.serialized_custom_status)
    result: ProcessedInvoice | AggregatedInvoice | list[ExtractionRef] | None = None
    if status_name == "COMPLETED" and state.serialized_output:
        if state.name == INVOICE_WORKFLOW:
            output = json.loads(state.serialized_output)
            output.pop(LINE_ITEMS_KEY_FIELD, None)  # the route puts those items back
            # v2 adds the approval; v1 instances return the bare invoice.
            model = ProcessedInvoice if "approval" in output else AggregatedInvoice
            result = model.model_validate(output)
        else:
            result = _refs.validate_json(state.serialized_output)
    failure = state.failure_details
    return WorkflowView(
        instance_id=instance_id,
        workflow_name=state.name,
        status=status_name,
        stage=progress.stage if progress else None,
        pages_done=progress.pages_done if progress else 0,
        pages_total=progress.pages_total if progress else None,
        result=result,
        error=failure.message if failure is not None else None,
        approval_request=progress.waiting_for if progress and status_name == "RUNNING" else None,
        started_at=progress.started_at if progress else None,
        updated_at=progress.updated_at if progress else None,
    )


def stored_line_items_key(state: WorkflowState) -> str | None:
    """The state key of a completed invoice's line items when they were too many to keep
    in its history (see activities.py), else None."""
    if state.runtime_status.name != "COMPLETED" or not state.serialized_output:
        return None
    if state.name != INVOICE_WORKFLOW or LINE_ITEMS_KEY_FIELD not in state.serialized_output:
        return None
    key = json.loads(state.serialized_output).get(LINE_ITEMS_KEY_FIELD)
    return key if isinstance(key, str) else None


def with_line_items(view: WorkflowView, items: Any) -> WorkflowView:
    """`view` with its invoice's line items put back (validated: they come from the store)."""
    if not isinstance(view.result, AggregatedInvoice):
        return view
    invoice = view.result.model_copy(update={"line_items": _line_items.validate_python(items)})
    return view.model_copy(update={"result": invoice})


def progress_of(raw: str | None) -> Progress | None:
    """The progress a workflow published as its custom status, if it reads as one."""
    if not raw:
        return None
    try:
        # The SDK stores the custom status JSON-encoded, so a JSON string holds our JSON.
        value = json.loads(raw)
        return (
            Progress.model_validate_json(value)
            if isinstance(value, str)
            else Progress.model_validate(value)
        )
    except ValueError:
        return None


def with_details(summary: WorkflowSummary, view: WorkflowView) -> WorkflowSummary:
    """The list row with the view's stage, pages and (for an invoice) total."""
    invoice = view.result if isinstance(view.result, AggregatedInvoice) else view.approval_request
    return summary.model_copy(
        update={
            "stage": view.stage,
            "pages_done": view.pages_done,
            "pages_total": view.pages_total,
            "total": invoice.total if invoice else None,
            "currency": invoice.currency if invoice else None,
            "approval_reason": view.approval_request.reason if view.approval_request else None,
        }
    )
