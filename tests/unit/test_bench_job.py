"""The Dapr peer of the benchmark: the settings a job gives the apps, and its records."""

from __future__ import annotations

from invoice_stack.bench.job import app_env, finished_record

RECORD = {"invoice_id": "b-1", "pages": 3}


def test_a_job_sets_the_batching_and_turns_approval_off():
    env = app_env({"batch_size": 4, "max_direct_pages": 1, "concurrency": 8})
    assert env == {
        "APPROVAL_THRESHOLD": "",
        "APPROVAL_ON_WARNINGS": "false",
        "PAGE_BATCH_SIZE": "4",
        "MAX_DIRECT_PAGES": "1",
    }


def test_a_completed_invoice_records_its_result_and_latency():
    view = {"status": "COMPLETED", "result": {"total": 1}}
    assert finished_record(RECORD, view, 2.5) == {
        **RECORD,
        "latency_s": 2.5,
        "result": {"total": 1},
        "error": None,
    }


def test_any_other_end_records_why_and_no_result():
    view = {"status": "FAILED", "error": "boom", "result": {"total": 1}}
    record = finished_record(RECORD, view, 1.0)
    assert (record["result"], record["error"]) == (None, "FAILED: boom")
