"""One invoice through the host's REST API as a load generator drives it (soak, long-haul):
start, wait, approve when asked, check against ground truth, purge."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from invoice_gen import generate_invoice
from invoice_shared.dapr_names import TERMINAL_STATUSES as TERMINAL
from invoice_stack.api_calls import call_api
from invoice_stack.load.checks import result_problem

# A corpus entry: the PDF's path under the stack's source folder, and its ground truth.
CorpusEntry = tuple[str, dict[str, Any]]


def write_corpus(source: Path, folder: str, first_seed: int, count: int) -> list[CorpusEntry]:
    """Generate `count` invoices of 1-5 pages into `source/folder`, with their truths."""
    (source / folder).mkdir(parents=True, exist_ok=True)
    corpus = []
    for n in range(count):
        generated = generate_invoice(seed=first_seed + n, pages=1 + n % 5)
        (source / folder / f"{n}.pdf").write_bytes(generated.pdf)
        corpus.append((f"{folder}/{n}.pdf", generated.truth.model_dump(mode="json")))
    return corpus


async def process_one(
    client: httpx.AsyncClient,
    invoice_id: str,
    pdf_path: str,
    truth: dict[str, Any],
    *,
    patience: float = 0.0,
    on_approval: Callable[[], None] | None = None,
    purge: bool = True,
) -> str | None:
    """Run one invoice to its end (approving it if asked) and purge it when right (unless
    `purge` is off); None if correct, else why. `patience` is how long each call may wait
    out an unavailable host (see call_api); `on_approval` is called once it is approved."""
    body = {"invoice_id": invoice_id, "pdf_path": pdf_path}
    started = await call_api(client, "POST", "/api/workflows/invoice", patience=patience, json=body)
    # 409 after a resend: the first attempt got through before its connection dropped.
    if started.status_code not in (202, 409):
        return f"start answered {started.status_code}: {started.text}"
    url = f"/api/workflows/{invoice_id}"
    limit = 300 + patience
    deadline = time.monotonic() + limit
    approved = False
    while True:
        answer = await call_api(client, "GET", url, patience=patience)
        if answer.status_code != 200:
            return f"status answered {answer.status_code}: {answer.text}"
        view = answer.json()
        if view.get("status") in TERMINAL:
            break
        if view.get("stage") == "awaiting_approval" and not approved:
            decision = {"approved": True, "approver": "load@localhost"}
            answer = await call_api(
                client, "POST", f"{url}/raise-event/approval", patience=patience, json=decision
            )
            if answer.status_code >= 400:
                return f"approval answered {answer.status_code}: {answer.text}"
            approved = True
            if on_approval is not None:
                on_approval()
        if time.monotonic() > deadline:
            return f"still {view.get('status')} after {limit:.0f} s"
        await asyncio.sleep(0.2)
    problem = result_problem(view, truth)
    if problem is None and purge:
        # Purge: load runs measure leaks, not stored history.
        purged = await call_api(client, "DELETE", url, patience=patience)
        if purged.status_code >= 400:
            return f"purge answered {purged.status_code}: {purged.text}"
    return problem
