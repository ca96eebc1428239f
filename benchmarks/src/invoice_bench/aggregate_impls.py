"""The aggregate service's two implementations side by side: Python (FastAPI, the
default) and Go (`services/aggregate_service_go`), each a real process on a free port,
fed the same requests over one kept-alive HTTP connection, as its sidecar would.

    python -m invoice_bench aggregate [--requests 500] [--pages 1,10,100,500]

Prints, per implementation and invoice size, the median, p95 and p99 latency (of at
least 100 requests), and the resident memory before the first timed request and after
the last; writes them to results/aggregate-impls.md. Both give the same answers (the
contract vectors and the e2e test check that); this measures only what each costs.
"""

from __future__ import annotations

import json
import os
import secrets
import statistics
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psutil

from invoice_bench.common import pick_ports
from invoice_bench.impl_dapr import PRODUCT_PYTHON

REPO = Path(__file__).resolve().parents[3]
GO_SOURCE = "services/aggregate_service_go"


@dataclass
class Measured:
    implementation: str
    pages: int
    latencies_s: list[float]
    rss_start: int
    rss_end: int

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies_s)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def request(pages: int) -> dict[str, Any]:
    """An invoice of `pages` pages as the extract service reports it: the header on page
    1, three line items on each page, the totals on the last."""
    extractions = []
    for number in range(1, pages + 1):
        page: dict[str, Any] = {
            "invoice_id": "BENCH-1", "page_number": number,
            "line_items": [{"description": f"Item {number}.{n}", "quantity": 2,
                            "unit_price": 10.5, "amount": 21.0} for n in range(3)],
            "confidence": {}, "source": {},
        }  # fmt: skip
        if number == 1:
            page |= {"invoice_number": "F-1", "invoice_date": "2026-01-31", "currency": "EUR",
                     "vendor_name": "Acme GmbH", "customer_name": "Globex BV"}  # fmt: skip
            page["confidence"] = {"invoice_number": 0.9}
            page["source"] = {"invoice_number": "text"}
        if number == pages:
            subtotal = 63.0 * pages
            page |= {"subtotal": subtotal, "tax": round(subtotal * 0.2, 2),
                     "total": round(subtotal * 1.2, 2)}  # fmt: skip
        extractions.append(page)
    return {"invoice_id": "BENCH-1", "pages": extractions}


def _argv(implementation: str, port: int) -> list[str]:
    if implementation == "go":
        built = subprocess.run(
            ["bash", str(REPO / "scripts" / "build-go-service.sh"), GO_SOURCE],
            check=True, stdout=subprocess.PIPE, text=True,
        ).stdout.strip().splitlines()[-1]  # fmt: skip
        return [built, "--host", "127.0.0.1", "--port", str(port)]
    # The product's interpreter: the service needs its dependencies, not the bench's.
    return [str(PRODUCT_PYTHON), "-m", "uvicorn", "aggregate_service.main:app",
            "--host", "127.0.0.1", "--port", str(port), "--no-access-log"]  # fmt: skip


@contextmanager
def _service(implementation: str) -> Iterator[tuple[str, str, psutil.Process]]:
    port, token = pick_ports(1)[0], secrets.token_urlsafe(24)
    env = {**os.environ, "APP_API_TOKEN": token, "LOG_LEVEL": "WARNING"}
    env.pop("OTEL_EXPORTER_OTLP_ENDPOINT", None)
    process = subprocess.Popen(_argv(implementation, port), env=env, stdout=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"the {implementation} aggregate service did not start")
            time.sleep(0.1)
        yield url, token, psutil.Process(process.pid)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def measure(implementation: str, pages_list: list[int], requests: int) -> list[Measured]:
    results = []
    with _service(implementation) as (url, token, process):
        headers = {"dapr-api-token": token, "content-type": "application/json"}
        with httpx.Client(base_url=url, headers=headers, timeout=120) as client:
            for pages in pages_list:
                body = json.dumps(request(pages)).encode()
                client.post("/aggregate", content=body).raise_for_status()  # warm up
                rss_start = process.memory_info().rss
                count = max(100, requests // max(1, pages // 10))  # fewer of the long ones
                latencies = []
                for _ in range(count):
                    started = time.perf_counter()
                    client.post("/aggregate", content=body).raise_for_status()
                    latencies.append(time.perf_counter() - started)
                results.append(Measured(implementation, pages, latencies, rss_start,
                                        process.memory_info().rss))  # fmt: skip
    return results


def table(results: list[Measured]) -> str:
    lines = [
        "| Implementation | Pages | Requests | Median ms | p95 ms | p99 ms | RSS MiB start→end |",
        "|---|---|---|---|---|---|---|",
    ]
    for m in results:
        lines.append(
            f"| {m.implementation} | {m.pages} | {len(m.latencies_s)} | "
            f"{statistics.median(m.latencies_s) * 1000:.2f} | {m.percentile(0.95) * 1000:.2f} | "
            f"{m.percentile(0.99) * 1000:.2f} | "
            f"{m.rss_start / 2**20:.0f} → {m.rss_end / 2**20:.0f} |"
        )
    return "\n".join(lines)


def write(requests: int, pages_list: list[int], out: Path) -> str:
    """Measure both, write the table to `out`; the table."""
    results = [m for impl in ("python", "go") for m in measure(impl, pages_list, requests)]
    text = table(results)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        "# Aggregate service: Python and Go\n\n"
        f"Measured {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC by "
        "`python -m invoice_bench aggregate` (sequential POSTs over one kept-alive "
        "connection; RSS of the service process).\n\n" + text + "\n",
        encoding="utf-8",
    )
    return text
