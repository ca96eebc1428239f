"""The soak's verdicts: a result against ground truth, and memory growth."""

from __future__ import annotations

from invoice_stack.load.checks import grown, growth, result_problem

TRUTH = {"invoice_id": "INV-1", "invoice_number": "A-1", "total": 12.5}


def test_a_completed_result_matching_ground_truth_passes():
    view = {"status": "COMPLETED", "result": {"invoice_number": "A-1", "total": 12.5}}
    assert result_problem(view, TRUTH) is None


def test_the_invoice_id_is_ours_not_the_documents_so_it_is_not_compared():
    view = {"status": "COMPLETED", "result": {"invoice_number": "A-1", "total": 12.5}}
    assert result_problem(view, {**TRUTH, "invoice_id": "other"}) is None


def test_a_field_that_differs_is_named():
    view = {"status": "COMPLETED", "result": {"invoice_number": "A-1", "total": 13}}
    assert result_problem(view, TRUTH) == "fields differ from ground truth: ['total']"


def test_a_failed_invoice_reports_its_status_and_error():
    view = {"status": "FAILED", "error": "not a PDF"}
    assert result_problem(view, TRUTH) == "FAILED: not a PDF"


def test_growth_is_relative_to_the_level_after_warm_up():
    assert growth(1000, 1100) == 0.1
    assert growth(0, 500) == 0.0  # nothing measured: a process that was gone


def test_only_growth_above_ten_percent_fails():
    warm = {"redis": 1000, "scheduler": 1000, "host": 1000}
    end = {"redis": 1100, "scheduler": 1101, "host": 900}
    assert grown(warm, end) == ["scheduler"]


def test_the_extractors_evidence_is_not_ground_truth():
    """A generated truth has empty confidence and source; a result has the extractor's."""
    truth = {**TRUTH, "confidence": {}, "source": {}}
    view = {
        "status": "COMPLETED",
        "result": {"invoice_number": "A-1", "total": 12.5, "confidence": {"total": 0.9}},
    }
    assert result_problem(view, truth) is None


def test_jaegers_capped_trace_store_is_reported_not_judged():
    assert grown({"jaeger": 1000, "redis": 1000}, {"jaeger": 2000, "redis": 2000}) == ["redis"]
