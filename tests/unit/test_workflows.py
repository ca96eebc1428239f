"""invoice_workflow and page_batch_workflow driven by a fake context."""

from __future__ import annotations

import json
from typing import Any

import pytest
from dapr.ext.workflow import TaskFailedError

from invoice_shared.dapr_names import (
    AGGREGATE_ACTIVITY,
    EXTRACT_ACTIVITY,
    INVOICE_WORKFLOW,
    PAGE_BATCH_WORKFLOW,
    SPLIT_ACTIVITY,
    UPLOAD_ACTIVITY,
)
from workflow_app.planning import extraction_state_key
from workflow_app.sidecar import NonRetryableError
from workflow_app.workflows import RETRY, invoice_workflow, page_batch_workflow

from .workflow_harness import FakeContext, run_workflow

SHA = "0" * 64


def _page(n: int, total: int) -> dict[str, Any]:
    return {
        "invoice_id": "INV-1",
        "source_sha256": SHA,
        "page_number": n,
        "page_count": total,
        "blob_key": f"pages/00/{SHA}/page-{n:05d}.pdf",
        "width_pt": 595.0,
        "height_pt": 842.0,
        "rotation": 0,
        "has_text_layer": True,
    }


def _context(
    pages: int,
    fail_page: int | None = None,
    total: float = 100.0,
    warnings: tuple[str, ...] = (),
    items_key: str | None = None,
) -> FakeContext:
    def extract(page: dict[str, Any]) -> dict[str, Any]:
        if page["page_number"] == fail_page:
            raise NonRetryableError("extract-service rejected extract (422): bad page")
        # As the real activity: the key is the page's own state key.
        key = extraction_state_key(page["invoice_id"], page["source_sha256"], page["page_number"])
        return {"page_number": page["page_number"], "state_key": key}

    def aggregate(body: dict[str, Any]) -> dict[str, Any]:
        pages = [ref["page_number"] for ref in body["extractions"]]
        if items_key:  # as the activity answers when the items went to the state store
            return {"invoice_id": body["invoice_id"], "total": total, "page_count": len(pages),
                    "line_items": [], "line_items_state_key": items_key}  # fmt: skip
        return {
            "invoice_id": body["invoice_id"],
            "total": total,
            "page_count": len(pages),
            "warnings": warnings,
            # Not an invoice field: lets tests see which pages reached aggregation.
            "line_items": [
                {"description": f"p{n}", "quantity": 1, "unit_price": 1, "amount": 1} for n in pages
            ],
        }

    upload = {"invoice_id": "INV-1", "source": "x.pdf", "blob_key": "b", "sha256": SHA,
              "size_bytes": 10}  # fmt: skip
    return FakeContext(
        instance_id="INV-1",
        activities={
            UPLOAD_ACTIVITY: lambda _: upload,
            SPLIT_ACTIVITY: lambda _: {
                "invoice_id": "INV-1",
                "source_sha256": SHA,
                "page_count": pages,
                "pages": [_page(n, pages) for n in range(1, pages + 1)],
            },
            EXTRACT_ACTIVITY: extract,
            AGGREGATE_ACTIVITY: aggregate,
        },
        workflows={INVOICE_WORKFLOW: invoice_workflow, PAGE_BATCH_WORKFLOW: page_batch_workflow},
    )


REQUEST = {"invoice_id": "INV-1", "pdf_path": "x.pdf"}


@pytest.mark.parametrize("pages", [1, 2])
def test_invoices_of_up_to_two_pages_extract_pages_directly(pages: int):
    ctx = _context(pages)
    run_workflow(invoice_workflow, ctx, REQUEST)
    assert [c for c in ctx.calls if c.kind == "child"] == []
    assert [c.input["page_number"] for c in ctx.calls if c.name == EXTRACT_ACTIVITY] == list(
        range(1, pages + 1)
    )


def test_page_batches_above_two_pages_run_as_child_workflows():
    ctx = _context(7)
    result = run_workflow(invoice_workflow, ctx, {**REQUEST, "batch_size": 2})
    children = [c for c in ctx.calls if c.kind == "child"]
    assert [c.instance_id for c in children] == [f"INV-1:batch-{n:04d}" for n in (1, 2, 3, 4)]
    assert [[p["page_number"] for p in c.input["pages"]] for c in children] == [
        [1, 2], [3, 4], [5, 6], [7],
    ]  # fmt: skip
    # The aggregate step receives one reference per page, in page order.
    assert [item["description"] for item in result["line_items"]] == [f"p{n}" for n in range(1, 8)]


def test_a_page_whose_result_went_to_its_neighbour_is_extracted_again():
    """The runtime once handed page 9's result to page 10's task after a Redis restart:
    the workflow must notice and extract page 10 again, never aggregate page 9 twice."""
    ctx = _context(5)
    real_extract = ctx.activities[EXTRACT_ACTIVITY]
    misdelivered = []

    def extract(page: dict[str, Any]) -> dict[str, Any]:
        if page["page_number"] == 4 and not misdelivered:
            misdelivered.append(page)
            return real_extract({**page, "page_number": 3})  # page 3's ref, in page 4's slot
        return real_extract(page)

    ctx.activities[EXTRACT_ACTIVITY] = extract
    result = run_workflow(invoice_workflow, ctx, {**REQUEST, "batch_size": 2})
    extracted = [c.input["page_number"] for c in ctx.calls if c.name == EXTRACT_ACTIVITY]
    assert sorted(extracted) == [1, 2, 3, 4, 4, 5]  # page 4 once more, nothing else
    assert [item["description"] for item in result["line_items"]] == [f"p{n}" for n in range(1, 6)]


def test_batch_size_comes_from_the_workflow_input():
    ctx = _context(7)
    run_workflow(invoice_workflow, ctx, {**REQUEST, "batch_size": 3})
    assert len([c for c in ctx.calls if c.kind == "child"]) == 3


def test_past_the_childrens_bound_from_the_input_each_batch_takes_more_pages():
    ctx = _context(9)
    result = run_workflow(invoice_workflow, ctx, {**REQUEST, "batch_size": 2, "max_children": 3})
    children = [c for c in ctx.calls if c.kind == "child"]
    assert [[p["page_number"] for p in c.input["pages"]] for c in children] == [
        [1, 2, 3], [4, 5, 6], [7, 8, 9],
    ]  # fmt: skip
    assert [item["description"] for item in result["line_items"]] == [f"p{n}" for n in range(1, 10)]


def test_an_input_without_a_bound_as_instances_started_before_it_keeps_two_page_batches():
    # Their replays must plan the children their histories hold, however many.
    ctx = _context(300)
    run_workflow(invoice_workflow, ctx, REQUEST)
    assert len([c for c in ctx.calls if c.kind == "child"]) == 150


def test_the_steps_run_in_order_upload_split_extract_aggregate():
    ctx = _context(3)
    run_workflow(invoice_workflow, ctx, REQUEST)
    names = [c.name for c in ctx.calls if c.kind == "activity"]
    assert names[:2] == [UPLOAD_ACTIVITY, SPLIT_ACTIVITY]
    assert names[-1] == AGGREGATE_ACTIVITY
    assert set(names[2:-1]) == {EXTRACT_ACTIVITY}


def test_every_activity_and_child_call_carries_the_retry_policy():
    ctx = _context(5)
    run_workflow(invoice_workflow, ctx, REQUEST)
    steps = [c for c in ctx.calls if c.kind in ("activity", "child")]
    assert steps and all(c.retry_policy is RETRY for c in steps)
    assert RETRY.max_number_of_attempts == 5
    assert RETRY.first_retry_interval.total_seconds() == 1


def test_progress_counts_pages_done_and_ends_completed():
    ctx = _context(7)
    run_workflow(invoice_workflow, ctx, REQUEST)
    stages = [s.stage for s in ctx.statuses]
    assert stages[:3] == ["uploading", "splitting", "extracting"]
    assert stages[-2:] == ["aggregating", "completed"]
    extracting = [s.pages_done for s in ctx.statuses if s.stage == "extracting"]
    assert extracting == sorted(extracting) and extracting[0] == 0 and extracting[-1] == 7
    assert ctx.statuses[-1].pages_total == 7


def test_a_failed_page_fails_the_workflow_with_its_reason():
    ctx = _context(4, fail_page=3)
    with pytest.raises(TaskFailedError, match="bad page"):
        run_workflow(invoice_workflow, ctx, REQUEST)
    assert AGGREGATE_ACTIVITY not in [c.name for c in ctx.calls]


def test_replaying_the_same_history_makes_the_same_calls():
    first, second = _context(9), _context(9)
    run_workflow(invoice_workflow, first, REQUEST)
    run_workflow(invoice_workflow, second, REQUEST)
    assert [(c.kind, c.name, c.input, c.instance_id) for c in first.calls] == [
        (c.kind, c.name, c.input, c.instance_id) for c in second.calls
    ]


def test_an_input_error_inside_a_child_reaches_the_parent_as_non_retryable():
    ctx = _context(7, fail_page=5)
    with pytest.raises(TaskFailedError) as failure:
        run_workflow(invoice_workflow, ctx, REQUEST)
    # The parent's retry policy skips failures of this type.
    assert failure.value.details.error_type == "NonRetryableError"
    assert "bad page" in failure.value.details.message


def test_progress_times_come_from_the_workflow_clock():
    ctx = _context(2)
    run_workflow(invoice_workflow, ctx, REQUEST)
    assert {s.started_at for s in ctx.statuses} == {ctx.current_utc_datetime}
    assert {s.updated_at for s in ctx.statuses} == {ctx.current_utc_datetime}


def test_the_input_may_arrive_as_a_json_string_as_the_cli_sends_it():
    ctx = _context(1)
    run_workflow(invoice_workflow, ctx, json.dumps(REQUEST))
    assert ctx.calls[0].name == UPLOAD_ACTIVITY


def test_the_key_of_line_items_kept_in_the_state_store_reaches_the_output():
    stored = run_workflow(invoice_workflow, _context(5, items_key="line-items:INV-1"), REQUEST)
    assert stored["line_items"] == [] and stored["line_items_state_key"] == "line-items:INV-1"
    inline = run_workflow(invoice_workflow, _context(5), REQUEST)
    assert len(inline["line_items"]) == 5 and "line_items_state_key" not in inline
