"""`invoice_workflow` and its child `page_batch_workflow`: orchestration only.

Everything here is replayed from history, so it must be deterministic: no I/O,
clocks, randomness or settings; those live in activities and in the workflow input.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from dapr.ext.workflow import (
    DaprWorkflowContext,
    RetryPolicy,
    TaskFailedError,
    when_any,
)
from pydantic import ValidationError

from invoice_shared.dapr_names import (
    AGGREGATE_ACTIVITY,
    APPROVAL_EVENT,
    EXTRACT_ACTIVITY,
    PAGE_BATCH_WORKFLOW,
    SPLIT_ACTIVITY,
    UPLOAD_ACTIVITY,
)
from invoice_shared.models import (
    AggregatedInvoice,
    ApprovalDecision,
    ApprovalRecord,
    ProcessedInvoice,
)
from invoice_shared.policy import STEP_RETRY
from workflow_app.approval import approval_reason
from workflow_app.models import (
    AggregateInput,
    ApprovalRequest,
    ExtractionRef,
    InvoiceWorkflowInput,
    PageBatchInput,
    Progress,
    Stage,
)
from workflow_app.planning import (
    LINE_ITEMS_KEY_FIELD,
    child_instance_id,
    one_ref_per_page,
    plan_batches,
)
from workflow_app.sidecar import NonRetryableError
from workflow_app.stall_guard import Watchdog, gather, one

# Every activity and child call gets the same policy, STEP_RETRY (why it spans what it
# does is stated there). Input errors are raised as NonRetryableError by the activities
# and skip the retries.
RETRY = RetryPolicy(
    max_number_of_attempts=STEP_RETRY.attempts,
    first_retry_interval=STEP_RETRY.first_interval,
    backoff_coefficient=STEP_RETRY.backoff,
    max_retry_interval=STEP_RETRY.max_interval,
)
# The invoice's fields a person deciding on it sees in the queue (see ApprovalRequest).
_SHOWN_FOR_APPROVAL = {"invoice_number", "vendor_name", "total", "currency"}

Json = dict[str, Any]


def _decision(data: Any) -> ApprovalDecision:
    # `dapr workflow raise-event --input` (CLI 1.16) delivers the JSON as a string.
    if isinstance(data, str):
        return ApprovalDecision.model_validate_json(data)
    return ApprovalDecision.model_validate(data)


def _now(ctx: DaprWorkflowContext) -> datetime:
    """The workflow's clock (replay-safe), as an aware UTC time."""
    now = ctx.current_utc_datetime
    return now if now.tzinfo else now.replace(tzinfo=UTC)


class _Reporter:
    """Sets the custom status; times come from the workflow context, never a clock."""

    def __init__(self, ctx: DaprWorkflowContext) -> None:
        self._ctx = ctx
        self._started_at = _now(ctx)

    def __call__(
        self,
        stage: Stage,
        done: int = 0,
        total: int | None = None,
        waiting_for: ApprovalRequest | None = None,
    ) -> None:
        progress = Progress(
            stage=stage,
            pages_done=done,
            pages_total=total,
            started_at=self._started_at,
            updated_at=_now(self._ctx),
            waiting_for=waiting_for,
        )
        self._ctx.set_custom_status(progress.model_dump_json())


def _issuer(ctx: DaprWorkflowContext, name: str, payload: Any) -> Callable[[], Any]:
    """Schedules activity `name` each time it is called: first issue and re-issues."""
    return lambda: ctx.call_activity(name, input=payload, retry_policy=RETRY)


def _extract_and_aggregate(
    ctx: DaprWorkflowContext, options: InvoiceWorkflowInput, report: _Reporter
) -> Generator[Any, Any, tuple[Json, int]]:
    """upload → split → extract every page (children above a few pages) → aggregate.

    Shared by every version of invoice_workflow through `yield from`; returns the
    AggregatedInvoice payload and the page count.
    """
    request = options.request()
    guard = Watchdog(ctx, options.stall_seconds)

    report("uploading")
    upload = yield from one(guard, _issuer(ctx, UPLOAD_ACTIVITY, request.model_dump(mode="json")))

    report("splitting")
    split = yield from one(guard, _issuer(ctx, SPLIT_ACTIVITY, upload))
    pages: list[Json] = split["pages"]
    total = len(pages)
    report("extracting", 0, total)

    batches = plan_batches(
        total, options.batch_size, options.max_direct_pages, options.max_children
    )
    reissue: list[Callable[[], Any] | None]
    if batches is None:
        issuers = [_issuer(ctx, EXTRACT_ACTIVITY, page) for page in pages]
        tasks = [issue() for issue in issuers]
        reissue = list(issuers)
        sizes = [1] * total
    else:
        tasks = [
            ctx.call_child_workflow(
                PAGE_BATCH_WORKFLOW,
                # PageBatchInput's fields as a plain dict: this runs for every child on
                # every replay, and the child validates its input anyway.
                input={
                    "invoice_id": request.invoice_id,
                    "pages": [pages[i] for i in batch],
                    "stall_seconds": options.stall_seconds,
                },
                instance_id=child_instance_id(ctx.instance_id, number),
                retry_policy=RETRY,
            )
            for number, batch in enumerate(batches, start=1)
        ]
        reissue = [None] * len(tasks)  # each child guards its own activities
        sizes = [len(batch) for batch in batches]

    # Collected a group at a time (see stall_guard.GROUPS) rather than in one when_all,
    # so the custom status says how many pages are done, a group's worth at a time (one
    # task per group up to 16); all run in parallel regardless.
    done = 0

    def count(indices: range) -> None:
        nonlocal done
        done += sum(sizes[index] for index in indices)
        report("extracting", done, total)

    results = yield from gather(guard, tasks, reissue, count)

    refs: list[Json] = []
    for result in results:
        refs.extend(result if batches is not None else [result])
    refs, unextracted = one_ref_per_page(refs, pages)
    if unextracted:
        # Some page's result went to another task (see one_ref_per_page): extract those
        # pages again rather than aggregate the wrong ones.
        again = [_issuer(ctx, EXTRACT_ACTIVITY, page) for page in unextracted]
        more = yield from gather(guard, [issue() for issue in again], list(again))
        refs, unextracted = one_ref_per_page(refs + more, pages)
        if unextracted:
            raise RuntimeError(f"no extraction for pages {[p['page_number'] for p in unextracted]}")

    report("aggregating", done, total)
    aggregate = AggregateInput(
        invoice_id=request.invoice_id,
        extractions=[ExtractionRef.model_validate(ref) for ref in refs],
    )
    invoice = yield from one(
        guard, _issuer(ctx, AGGREGATE_ACTIVITY, aggregate.model_dump(mode="json"))
    )
    return invoice, total


def invoice_workflow_v1(ctx: DaprWorkflowContext, payload: Json | str) -> Generator[Any, Any, Json]:
    """Version v1: extraction and aggregation, no approval step.

    Kept registered so instances started on v1 finish on v1 after v2 is deployed.
    """
    options = InvoiceWorkflowInput.from_payload(payload)
    report = _Reporter(ctx)
    invoice, pages = yield from _extract_and_aggregate(ctx, options, report)
    report("completed", pages, pages)
    return invoice


def invoice_workflow(ctx: DaprWorkflowContext, payload: Json | str) -> Generator[Any, Any, Json]:
    """Version v2 (latest): v1, then a person's approval when the invoice needs one.

    The wait for the `approval` event races a durable timer; when the timer wins the
    invoice ends escalated or rejected (per the input), never silently approved.
    """
    options = InvoiceWorkflowInput.from_payload(payload)
    report = _Reporter(ctx)
    raw, pages = yield from _extract_and_aggregate(ctx, options, report)
    items_key = raw.pop(LINE_ITEMS_KEY_FIELD, None)  # items in the state store (activities.py)
    invoice = AggregatedInvoice.model_validate(raw)

    reason = approval_reason(invoice, options.approval_threshold, options.approval_on_warnings)
    if reason is None:
        record = ApprovalRecord(
            status="auto_approved",
            decided_at=_now(ctx),
            reason="within the approval threshold and without warnings",
        )
    else:
        request = ApprovalRequest(reason=reason, **invoice.model_dump(include=_SHOWN_FOR_APPROVAL))
        report("awaiting_approval", pages, pages, waiting_for=request)
        timeout = timedelta(seconds=options.approval_timeout_seconds)
        timer = ctx.create_timer(timeout)  # due at the workflow clock + timeout
        decision: ApprovalDecision | None = None
        while decision is None:
            event = ctx.wait_for_external_event(APPROVAL_EVENT)
            winner = yield when_any([event, timer])
            if winner is timer:
                break
            try:
                decision = _decision(event.get_result())
            except ValidationError:
                continue  # a malformed decision (the REST API refuses those) is not one
        if decision is None:
            record = ApprovalRecord(
                status=options.approval_timeout_outcome,
                decided_at=_now(ctx),
                reason=f"{reason}; no decision within {timeout}",
            )
        else:
            record = ApprovalRecord(
                status="approved" if decision.approved else "rejected",
                approver=decision.approver,
                comment=decision.comment,
                decided_at=_now(ctx),
                reason=reason,
            )
    report("completed", pages, pages)
    output = ProcessedInvoice(**invoice.model_dump(), approval=record).model_dump(mode="json")
    if items_key is not None:
        output[LINE_ITEMS_KEY_FIELD] = items_key
    return output


def page_batch_workflow(ctx: DaprWorkflowContext, payload: Json) -> Generator[Any, Any, list[Json]]:
    """Extract a batch of pages in parallel; returns one ExtractionRef per page."""
    batch = PageBatchInput.model_validate(payload)
    guard = Watchdog(ctx, batch.stall_seconds)
    issues = [_issuer(ctx, EXTRACT_ACTIVITY, page) for page in batch.pages]
    try:
        refs = yield from gather(guard, [issue() for issue in issues], list(issues))
    except TaskFailedError as failure:
        # A child fails with TaskFailedError, which the parent's policy would retry:
        # pass an input error on as non-retryable so the parent does not run it again.
        if failure.details.error_type == NonRetryableError.__name__:
            raise NonRetryableError(failure.details.message) from None
        raise
    return cast("list[Json]", refs)
