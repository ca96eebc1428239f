"""`invoice_workflow` and its child `page_batch_workflow`: orchestration only.

Everything here is replayed from history, so it must be deterministic: no I/O,
clocks, randomness or settings; those live in activities and in the workflow input.
"""

from __future__ import annotations

from collections.abc import Generator
from datetime import timedelta
from typing import Any

from dapr.ext.workflow import (
    DaprWorkflowContext,
    RetryPolicy,
    TaskFailedError,
    when_all,
    when_any,
)

from invoice_shared.dapr_names import (
    AGGREGATE_ACTIVITY,
    EXTRACT_ACTIVITY,
    PAGE_BATCH_WORKFLOW,
    SPLIT_ACTIVITY,
    UPLOAD_ACTIVITY,
)
from workflow_app.models import (
    AggregateInput,
    ExtractionRef,
    InvoiceWorkflowInput,
    PageBatchInput,
    Progress,
    Stage,
)
from workflow_app.planning import child_instance_id, plan_batches
from workflow_app.sidecar import NonRetryableError

# Every activity and child call gets the same policy: 3 attempts, first retry after 1 s.
# Input errors are raised as NonRetryableError by the activities and skip the retries.
RETRY = RetryPolicy(
    max_number_of_attempts=3,
    first_retry_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    max_retry_interval=timedelta(seconds=10),
)

Json = dict[str, Any]


class _Reporter:
    """Sets the custom status; times come from the workflow context, never a clock."""

    def __init__(self, ctx: DaprWorkflowContext) -> None:
        self._ctx = ctx
        self._started_at = ctx.current_utc_datetime

    def __call__(self, stage: Stage, done: int = 0, total: int | None = None) -> None:
        progress = Progress(
            stage=stage,
            pages_done=done,
            pages_total=total,
            started_at=self._started_at,
            updated_at=self._ctx.current_utc_datetime,
        )
        self._ctx.set_custom_status(progress.model_dump_json())


def invoice_workflow(ctx: DaprWorkflowContext, payload: Json) -> Generator[Any, Any, Json]:
    """upload → split → extract every page (children above a few pages) → aggregate."""
    options = InvoiceWorkflowInput.model_validate(payload)
    request = options.request()
    report = _Reporter(ctx)

    report("uploading")
    upload = yield ctx.call_activity(
        UPLOAD_ACTIVITY, input=request.model_dump(mode="json"), retry_policy=RETRY
    )

    report("splitting")
    split = yield ctx.call_activity(SPLIT_ACTIVITY, input=upload, retry_policy=RETRY)
    pages: list[Json] = split["pages"]
    total = len(pages)
    report("extracting", 0, total)

    batches = plan_batches(total, options.batch_size, options.max_direct_pages)
    if batches is None:
        tasks = [
            ctx.call_activity(EXTRACT_ACTIVITY, input=page, retry_policy=RETRY) for page in pages
        ]
        sizes = [1] * total
    else:
        tasks = [
            ctx.call_child_workflow(
                PAGE_BATCH_WORKFLOW,
                input=PageBatchInput(
                    invoice_id=request.invoice_id, pages=[pages[i] for i in batch]
                ).model_dump(mode="json"),
                instance_id=child_instance_id(ctx.instance_id, number),
                retry_policy=RETRY,
            )
            for number, batch in enumerate(batches, start=1)
        ]
        sizes = [len(batch) for batch in batches]

    # Collect completions one at a time (rather than a single when_all) so the custom
    # status can say how many pages are done; the tasks all run in parallel regardless.
    results: list[Any] = [None] * len(tasks)
    pending = dict(enumerate(tasks))
    done = 0
    while pending:
        finished = yield when_any(list(pending.values()))
        index = next(i for i, task in pending.items() if task is finished)
        results[index] = finished.get_result()  # raises if the task failed
        del pending[index]
        done += sizes[index]
        report("extracting", done, total)

    refs: list[Json] = []
    for result in results:
        refs.extend(result if batches is not None else [result])

    report("aggregating", done, total)
    invoice = yield ctx.call_activity(
        AGGREGATE_ACTIVITY,
        input=AggregateInput(
            invoice_id=request.invoice_id,
            extractions=[ExtractionRef.model_validate(ref) for ref in refs],
        ).model_dump(mode="json"),
        retry_policy=RETRY,
    )
    report("completed", done, total)
    return invoice


def page_batch_workflow(ctx: DaprWorkflowContext, payload: Json) -> Generator[Any, Any, list[Json]]:
    """Extract a batch of pages in parallel; returns one ExtractionRef per page."""
    batch = PageBatchInput.model_validate(payload)
    try:
        refs = yield when_all(
            [
                ctx.call_activity(EXTRACT_ACTIVITY, input=page, retry_policy=RETRY)
                for page in batch.pages
            ]
        )
    except TaskFailedError as failure:
        # A child fails with TaskFailedError, which the parent's policy would retry:
        # pass an input error on as non-retryable so it is not retried three times more.
        if failure.details.error_type == NonRetryableError.__name__:
            raise NonRetryableError(failure.details.message) from None
        raise
    return refs
