"""Results against ground truth, field by field, as the end-to-end tests compare them.

tests/e2e/test_invoices_end_to_end.py compares `truth.model_dump(mode="json")` with the
result's dump field by field and then the line items one by one; a result may carry more
than the truth (the Dapr workflow's `approval`), which is not compared. The invoice id
is compared too unless told otherwise (a Dapr run may need fresh ids per run).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from invoice_bench.common import Record
from invoice_bench.corpus import CorpusItem
from invoice_shared.models import AggregatedInvoice


def differences(
    result: dict[str, Any], truth: AggregatedInvoice, skip: Iterable[str] = ()
) -> list[str]:
    """What differs between a result (an AggregatedInvoice or ProcessedInvoice payload)
    and the truth; empty when it matches."""
    # Through the contract, so a result's JSON (numbers as floats, dates as strings)
    # compares as the tests compare it: both sides dumped the same way.
    actual = AggregatedInvoice.model_validate(
        {k: v for k, v in result.items() if k in AggregatedInvoice.model_fields}
    ).model_dump(mode="json")
    expected = truth.model_dump(mode="json")
    # How sure the extractor was and where each value came from describe the reading,
    # not the invoice: the truth has none (the end-to-end tests leave them out too).
    skipped = {*skip, "confidence", "source"}
    problems = [
        f"{name}: {actual.get(name)!r} != {want!r}"
        for name, want in expected.items()
        if name != "line_items" and name not in skipped and actual.get(name) != want
    ]
    got_items, want_items = actual["line_items"], expected["line_items"]
    if len(got_items) != len(want_items):
        problems.append(f"line_items: {len(got_items)} != {len(want_items)} items")
    else:
        problems += [
            f"line item {number}: {got!r} != {want!r}"
            for number, (got, want) in enumerate(zip(got_items, want_items, strict=True), 1)
            if got != want
        ]
    return problems


def check_run(
    records: Sequence[Record], corpus: Sequence[CorpusItem], skip: Iterable[str] = ()
) -> dict[str, list[str]]:
    """invoice id -> problems, for every invoice that failed or differs from its truth."""
    truths = {item.invoice_id: item.truth for item in corpus}
    problems: dict[str, list[str]] = {}
    for record in records:
        if record.error is not None or record.result is None:
            problems[record.invoice_id] = [f"failed: {record.error}"]
            continue
        found = differences(record.result, truths[record.invoice_id], skip)
        if found:
            problems[record.invoice_id] = found
    missing = set(truths) - {record.invoice_id for record in records}
    for invoice_id in sorted(missing):
        problems[invoice_id] = ["no record"]
    return problems
