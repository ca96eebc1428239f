"""The approval step of invoice_workflow (v2) and the rule behind it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from invoice_shared.models import AggregatedInvoice, ProcessedInvoice
from workflow_app.approval import approval_reason
from workflow_app.workflows import invoice_workflow, invoice_workflow_v1

from .test_workflows import REQUEST, _context
from .workflow_harness import Stalled, run_workflow

DECISION = {"approved": True, "approver": "jane@example.com", "comment": "fine"}


def _invoice(total: str | None, warnings: list[str] | None = None) -> AggregatedInvoice:
    return AggregatedInvoice(
        invoice_id="INV-1",
        total=None if total is None else Decimal(total),
        page_count=1,
        warnings=warnings or [],
    )


def test_a_total_above_the_threshold_needs_approval():
    assert "exceeds the approval threshold 100.00" in approval_reason(
        _invoice("100.01"), Decimal(100), on_warnings=False
    )
    assert approval_reason(_invoice("100.00"), Decimal(100), on_warnings=False) is None


def test_warnings_need_approval_only_when_configured():
    invoice = _invoice("5", ["totals disagree"])
    assert approval_reason(invoice, Decimal(100), on_warnings=True) is not None
    assert approval_reason(invoice, Decimal(100), on_warnings=False) is None


def test_an_unknown_total_needs_approval_and_no_threshold_means_none_by_amount():
    assert approval_reason(_invoice(None), Decimal(100), on_warnings=False) is not None
    assert approval_reason(_invoice("1e9"), None, on_warnings=False) is None


def _run(ctx, **options) -> ProcessedInvoice:
    return ProcessedInvoice.model_validate(
        run_workflow(invoice_workflow, ctx, {**REQUEST, **options})
    )


def test_small_clean_invoices_are_approved_automatically():
    ctx = _context(1, total=50.0)
    result = _run(ctx, approval_threshold=100)
    assert result.approval.status == "auto_approved"
    assert result.approval.decided_at == ctx.current_utc_datetime
    assert "awaiting_approval" not in [s.stage for s in ctx.statuses]


def test_a_large_invoice_waits_for_the_event_and_records_who_decided():
    ctx = _context(1, total=500.0)
    ctx.events.append(DECISION)
    result = _run(ctx, approval_threshold=100)
    assert (result.approval.status, result.approval.approver) == ("approved", "jane@example.com")
    assert result.approval.comment == "fine"
    assert result.approval.decided_at == ctx.current_utc_datetime
    assert [s.stage for s in ctx.statuses][-2:] == ["awaiting_approval", "completed"]


def test_a_rejection_is_recorded_as_rejected():
    ctx = _context(1, total=500.0)
    ctx.events.append({**DECISION, "approved": False, "comment": "wrong vendor"})
    assert _run(ctx, approval_threshold=100).approval.status == "rejected"


def test_without_a_decision_the_invoice_waits():
    with pytest.raises(Stalled):
        _run(_context(1, total=500.0), approval_threshold=100)


@pytest.mark.parametrize("outcome", ["escalated", "rejected"])
def test_a_timeout_ends_as_configured_never_approved(outcome: str):
    ctx = _context(1, total=500.0)
    ctx.timers_fire = True
    result = _run(ctx, approval_threshold=100, approval_timeout_outcome=outcome)
    assert result.approval.status == outcome
    assert "no decision within 3 days" in result.approval.reason


def test_the_timer_is_durable_and_set_from_the_workflow_clock():
    ctx = _context(1, total=500.0)
    ctx.events.append(DECISION)
    _run(ctx, approval_threshold=100, approval_timeout_seconds=60)
    (timer,) = [c for c in ctx.calls if c.kind == "timer"]
    assert timer.name == "2026-01-02T03:05:05+00:00"  # the context's time + 60 s


def test_a_malformed_decision_is_not_taken_as_one():
    ctx = _context(1, total=500.0)
    ctx.events.extend([{"approved": "maybe"}, DECISION])
    assert _run(ctx, approval_threshold=100).approval.status == "approved"


def test_version_one_has_no_approval_step():
    ctx = _context(1, total=500.0)
    result = run_workflow(invoice_workflow_v1, ctx, {**REQUEST, "approval_threshold": 100})
    assert "approval" not in result
    assert [c for c in ctx.calls if c.kind in ("event", "timer")] == []


def test_a_decision_sent_as_a_json_string_is_understood():
    ctx = _context(1, total=500.0)
    ctx.events.append('{"approved": true, "approver": "cli@example.com"}')
    assert _run(ctx, approval_threshold=100).approval.approver == "cli@example.com"
