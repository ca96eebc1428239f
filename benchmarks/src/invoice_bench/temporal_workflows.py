"""The Temporal workflows: `invoice` and its child `page-batch`, orchestration only.

Kept apart from the worker's code because Temporal's sandbox re-imports this module for
every workflow run; the step logic is passed through, never run here.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError, ChildWorkflowError

with workflow.unsafe.imports_passed_through():
    from invoice_shared.policy import SERVICE_TIMEOUT_SECONDS, STEP_RETRY, plan_batches

Json = dict[str, Any]

TASK_QUEUE = "invoice"
# Extractions have a queue of their own, whose one worker runs at most
# EXTRACT_CONCURRENCY_LIMIT at once: the system-wide cap of the Dapr stack.
EXTRACT_QUEUE = "invoice-extract"
STEP_FAILURE = "StepError"

# The Dapr workflow's policy for every activity and child.
RETRY = RetryPolicy(
    initial_interval=STEP_RETRY.first_interval,
    backoff_coefficient=STEP_RETRY.backoff,
    maximum_interval=STEP_RETRY.max_interval,
    maximum_attempts=STEP_RETRY.attempts,
)
# The bound on one service invocation from a Dapr activity.
STEP_TIMEOUT = timedelta(seconds=SERVICE_TIMEOUT_SECONDS)


def _step(name: str, *args: Any, queue: str = TASK_QUEUE) -> Any:
    return workflow.execute_activity(
        name,
        args=list(args),
        task_queue=queue,
        start_to_close_timeout=STEP_TIMEOUT,
        retry_policy=RETRY,
    )


def _input_fault(error: BaseException) -> ApplicationError | None:
    """The non-retryable step failure behind an activity or child failure, if any."""
    cause = error.__cause__
    while cause is not None:
        if isinstance(cause, ApplicationError) and cause.non_retryable:
            return cause
        cause = cause.__cause__
    return None


@contextlib.contextmanager
def _input_faults_are_final() -> Iterator[None]:
    """Fail the workflow for good on an input error, so its retry policy (and a parent's)
    does not run it again; other failures stay retryable."""
    try:
        yield
    except (ActivityError, ChildWorkflowError) as error:
        fault = _input_fault(error)
        if fault is not None:
            raise ApplicationError(fault.message, type=STEP_FAILURE, non_retryable=True) from None
        raise


async def _extract(pages: list[Json]) -> list[Json]:
    """Every page's extraction, in parallel, on the capped extract queue."""
    return list(await asyncio.gather(*(_step("extract", p, queue=EXTRACT_QUEUE) for p in pages)))


@workflow.defn(name="page-batch")
class PageBatchWorkflow:
    """Extract a batch of pages in parallel; one PageExtraction per page."""

    @workflow.run
    async def run(self, pages: list[Json]) -> list[Json]:
        with _input_faults_are_final():
            return await _extract(pages)


@workflow.defn(name="invoice")
class InvoiceWorkflow:
    """upload -> split -> extract every page (children above a few pages) -> aggregate."""

    @workflow.run
    async def run(self, request: Json, batch_size: int, max_direct_pages: int) -> Json:
        invoice_id = request["invoice_id"]
        with _input_faults_are_final():
            upload = await _step("upload", request)
            split = await _step("split", upload)
            pages: list[Json] = split["pages"]
            batches = plan_batches(len(pages), batch_size, max_direct_pages)
            if batches is None:
                extractions = await _extract(pages)
            else:
                groups = await asyncio.gather(
                    *(
                        workflow.execute_child_workflow(
                            PageBatchWorkflow.run,
                            [pages[i] for i in batch],
                            id=f"{workflow.info().workflow_id}:batch-{number:04d}",
                            task_queue=TASK_QUEUE,
                            retry_policy=RETRY,
                        )
                        for number, batch in enumerate(batches, start=1)
                    )
                )
                extractions = [extraction for group in groups for extraction in group]
            return await _step("aggregate", invoice_id, extractions)


@workflow.defn(name="warm-up")
class WarmUpWorkflow:
    """One trivial activity: brings the worker's workflow sandbox and pollers up."""

    @workflow.run
    async def run(self) -> str:
        return await workflow.execute_activity(
            "warm-up", start_to_close_timeout=STEP_TIMEOUT, task_queue=TASK_QUEUE
        )
