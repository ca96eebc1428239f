"""The system-wide cap on concurrent extractions (the scheduler's
activityConcurrencyLimits) holds with several invoices in flight."""

from __future__ import annotations

from invoice_gen import generate_invoice

from .helpers import unique_id
from .stack import RunningStack
from .stack_config import EXTRACT_CONCURRENCY_LIMIT


def test_concurrent_extractions_never_exceed_the_cap(stack: RunningStack):
    stack.owned("the cap is set by the stack this session starts")
    stats = "/v1.0/invoke/extract-service/method/stats"
    with stack.sidecar_client() as sidecar:
        sidecar.delete(stats).raise_for_status()
    ids = []
    with stack.client() as client:
        for seed in range(4):  # 4 invoices x 7 pages: 28 extractions, up to 16 at once uncapped
            invoice_id = unique_id(f"CAP{seed}")
            pdf = generate_invoice(seed=200 + seed, pages=7, invoice_id=invoice_id).pdf
            (stack.inputs / f"{invoice_id}.pdf").write_bytes(pdf)
            body = {"invoice_id": invoice_id, "pdf_path": f"e2e-tests/{invoice_id}.pdf"}
            assert client.post("/api/workflows/invoice", json=body).status_code == 202
            ids.append(invoice_id)
    for invoice_id in ids:
        assert stack.wait_for_end(invoice_id)["status"] == "COMPLETED"
    with stack.sidecar_client() as sidecar:
        peak = sidecar.get(stats).json()["peak_in_flight"]
    assert peak <= EXTRACT_CONCURRENCY_LIMIT, peak
    assert peak >= 2, "extractions ran one at a time: is the cap being applied at all?"
