"""The Dapr side of `make bench`: a private stack, driven through its REST API as a
user drives it.

    python -m invoice_stack.bench JOB_DIR SOURCE_DIR

Runs in the product's own environment (the benchmark's environment holds the peers'
engines and must not leak into ours). It speaks the benchmark's driver protocol:
read JOB_DIR/job.json, start the stack on free loopback ports with SOURCE_DIR as its
source directory, write the pid of every process to pids.json, touch `ready`, wait for
`go`, run the job, write records.json ({wall_s, records}) and runtime-profile.md (the
runtime's own metrics over the run: see runtime_profile), stop the stack.
"""

from __future__ import annotations

import asyncio
import json
import logging
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from invoice_shared.auth import api_key_headers
from invoice_shared.dapr_names import TERMINAL_STATUSES, WORKFLOW_APP_ID
from invoice_stack.api_calls import call_api
from invoice_stack.bench import runtime_profile
from invoice_stack.bench.job import app_env, finished_record
from invoice_stack.layout import dapr_bin_dir, find_repo, jaeger_binary
from invoice_stack.load.memory import usage_by_session
from invoice_stack.supervisor.stack import Stack
from invoice_stack.topology import StackLayout
from invoice_stack.topology.ports import free_ports

log = logging.getLogger(__name__)

# Each GET waits for the invoice's end on the server (the sidecar watches the instance,
# and the host reads its status beside the watch), so the client does not poll.
WAIT_SECONDS = 30
INVOICE_TIMEOUT_SECONDS = 1800.0


async def _one(client: httpx.AsyncClient, invoice: dict[str, Any]) -> dict[str, Any]:
    started = time.perf_counter()
    body = {"invoice_id": invoice["invoice_id"], "pdf_path": invoice["pdf_path"]}
    record: dict[str, Any] = {"invoice_id": invoice["invoice_id"], "pages": invoice["pages"]}
    answer = await call_api(client, "POST", "/api/workflows/invoice", json=body)
    if answer.status_code != 202:
        return {**record, "latency_s": 0.0, "result": None, "error": answer.text}
    status_url = answer.json()["status_url"]
    while True:
        asked = time.perf_counter()
        answer = await call_api(client, "GET", status_url, params={"wait_seconds": WAIT_SECONDS})
        if answer.status_code != 200:
            view = {"status": f"HTTP {answer.status_code}", "error": answer.text}
            break
        view = answer.json()
        if view.get("status") in TERMINAL_STATUSES:
            break
        if time.perf_counter() - asked < WAIT_SECONDS - 1:
            await asyncio.sleep(0.2)  # the watch broke off early: do not spin
        if time.perf_counter() - started > INVOICE_TIMEOUT_SECONDS:
            view["error"] = f"still {view.get('status')} after {INVOICE_TIMEOUT_SECONDS:.0f} s"
            break
    return finished_record(record, view, time.perf_counter() - started)


async def _run(api_url: str, api_key: str, job: dict[str, Any]) -> list[dict[str, Any]]:
    slots = asyncio.Semaphore(job["concurrency"])
    limits = httpx.Limits(max_connections=job["concurrency"] + 4)
    headers = api_key_headers(api_key)
    async with httpx.AsyncClient(
        base_url=api_url, timeout=60, headers=headers, limits=limits
    ) as client:

        async def gated(invoice: dict[str, Any]) -> dict[str, Any]:
            async with slots:
                return await _one(client, invoice)

        return list(await asyncio.gather(*(gated(i) for i in job["invoices"])))


def _write_profile(
    job_dir: Path,
    job: dict[str, Any],
    before: dict[str, runtime_profile.Series],
    after: dict[str, runtime_profile.Series],
    cpu_s: dict[str, float],
) -> None:
    deltas = {name: runtime_profile.difference(before[name], after[name]) for name in after}
    pages = sum(invoice["pages"] for invoice in job["invoices"])
    lines = runtime_profile.breakdown(deltas)
    text = runtime_profile.render(lines, len(job["invoices"]), pages, cpu_s)
    (job_dir / "runtime-profile.md").write_text(text, encoding="utf-8")


def _scraped(stack: Stack) -> dict[str, runtime_profile.Series] | None:
    """The runtime's counters now, or None: the profile is a diagnostic, never a reason
    for the run to fail."""
    try:
        return runtime_profile.scrape(stack.ports)
    except httpx.HTTPError as exc:
        log.warning("no runtime profile: the metrics could not be read: %s", exc)
        return None


def _cpu_seconds(pids: dict[str, int]) -> dict[str, float]:
    """Each supervised process's CPU time so far, with its descendants (its session)."""
    usage = usage_by_session(pids.values())
    return {name: usage[pid].cpu_s for name, pid in pids.items()}


def main(argv: list[str]) -> int:
    job_dir, source_dir = Path(argv[0]), Path(argv[1])
    job = json.loads((job_dir / "job.json").read_text())
    repo = find_repo()
    run_dir = Path(tempfile.mkdtemp(prefix="dapr-", dir=job_dir))
    layout = StackLayout(
        repo=repo,
        bin_dir=dapr_bin_dir(repo),
        run_dir=run_dir,
        source_dir=source_dir,
        # Traced at sampling rate 1 when asked: what tracing costs is then measured.
        jaeger=jaeger_binary(repo) if job.get("tracing") else None,
    )
    stack = Stack(
        layout,
        # Beside any other stack: no port of the CLI's.
        free_ports(cli_purge=False, replicas={WORKFLOW_APP_ID: job.get("host_replicas", 1)}),
        app_env=app_env(job),
        die_with_parent=True,
        extract_limit=job.get("extract_concurrency"),
    )
    stack.start()
    try:
        pids = {name: proc.pid for name, proc in stack.procs.items()}
        (job_dir / "pids.json").write_text(json.dumps(pids))
        # One invoice before the clock starts, as the other peers warm up: imports,
        # connections and the actor types' first placement are not the workload.
        warm = {"invoice_id": f"warm-{time.time_ns()}", "pdf_path": job["invoices"][0]["pdf_path"]}
        asyncio.run(
            _run(stack.api_url(), stack.tokens.api_key, {**job, "invoices": [{**warm, "pages": 0}]})
        )
        (job_dir / "ready").touch()
        while not (job_dir / "go").exists():
            time.sleep(0.01)
        counters = _scraped(stack)
        cpu = _cpu_seconds(pids)
        started = time.perf_counter()
        records = asyncio.run(_run(stack.api_url(), stack.tokens.api_key, job))
        wall = time.perf_counter() - started
        (job_dir / "records.json").write_text(json.dumps({"wall_s": wall, "records": records}))
        used = {name: seconds - cpu.get(name, 0.0) for name, seconds in _cpu_seconds(pids).items()}
        after = _scraped(stack)
        if counters is not None and after is not None:
            _write_profile(job_dir, job, counters, after, used)
        if stack.crashes:  # restarted by the keeper: the numbers include a crash
            raise RuntimeError(f"processes crashed during the run: {stack.crashes}")
    finally:
        stack.stop()
    return 0
