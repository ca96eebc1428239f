"""`python -m invoice_stack.load`: push many invoices through a running stack (make up),
check every result against ground truth, and compare each process's resident memory at
the end with its level after warm-up. Exits non-zero on any failure or >10% growth."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from invoice_gen import generate_invoice
from invoice_shared.auth import api_key_headers
from invoice_shared.dapr_names import TERMINAL_STATUSES as TERMINAL
from invoice_stack.api_calls import call_api
from invoice_stack.layout import default_run_dir, find_repo
from invoice_stack.load.checks import MAX_GROWTH, grown, growth, result_problem
from invoice_stack.supervisor.stack import ports_from_state, read_state
from invoice_stack.tokens import read_tokens
from invoice_stack.topology import api_url


def group_rss_kib(pgid: int) -> int:
    """Resident memory of a whole process group (an app with its worker processes)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) != pgid:  # field 5, pgrp
                continue
            status = (stat.parent / "status").read_text()
        except (OSError, IndexError, ValueError):
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total


async def process_one(
    client: httpx.AsyncClient,
    invoice_id: str,
    pdf_path: str,
    truth: dict[str, Any],
) -> str | None:
    """Run one invoice to its end (approving it if asked); None if correct, else why."""
    body = {"invoice_id": invoice_id, "pdf_path": pdf_path}
    started = await call_api(client, "POST", "/api/workflows/invoice", json=body)
    # 409 after a resend: the first attempt got through before its connection dropped.
    if started.status_code not in (202, 409):
        return f"start answered {started.status_code}: {started.text}"
    url = f"/api/workflows/{invoice_id}"
    deadline = time.monotonic() + 300
    approved = False
    while True:
        view = (await call_api(client, "GET", url)).json()
        if view.get("status") in TERMINAL:
            break
        if view.get("stage") == "awaiting_approval" and not approved:
            decision = {"approved": True, "approver": "soak@localhost"}
            await call_api(client, "POST", f"{url}/raise-event/approval", json=decision)
            approved = True
        if time.monotonic() > deadline:
            return f"still {view.get('status')} after 300 s"
        await asyncio.sleep(0.2)
    problem = result_problem(view, truth)
    if problem is None:
        # Purge: the soak measures leaks, not stored history.
        await call_api(client, "DELETE", url)
    return problem


async def run_batch(
    api: str,
    api_key: str,
    ids: list[str],
    corpus: list[tuple[str, dict[str, Any]]],
    concurrency: int,
) -> list[str]:
    gate = asyncio.Semaphore(concurrency)

    async def one(n: int, invoice_id: str) -> str | None:
        pdf_path, truth = corpus[n % len(corpus)]
        async with gate:
            problem = await process_one(client, invoice_id, pdf_path, truth)
        return f"{invoice_id}: {problem}" if problem else None

    headers = api_key_headers(api_key)
    async with httpx.AsyncClient(base_url=api, timeout=30, headers=headers) as client:
        results = await asyncio.gather(*(one(n, i) for n, i in enumerate(ids)))
    return [r for r in results if r]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="invoice_stack.load", description=__doc__)
    parser.add_argument("--invoices", type=int, default=1000)
    # Until every process is at its steady state: on a fresh stack the scheduler's
    # embedded etcd and Go heap fill for several hundred invoices (118 -> 140 MiB over
    # the first 1,100), then stay level (-0.8% over the next 1,000).
    parser.add_argument(
        "--warmup", type=int, default=600, help="invoices before the memory baseline"
    )
    parser.add_argument("--concurrency", type=int, default=16)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)

    repo = find_repo()
    state = read_state(default_run_dir(repo))
    if state is None:
        print("no stack running: run `make up` first", file=sys.stderr)
        return 1
    api = api_url(ports_from_state(state))
    tokens = read_tokens(default_run_dir(repo))
    assert tokens is not None, "the running stack has no tokens.json"
    source = Path(state["layout"]["source_dir"])
    (source / "soak").mkdir(parents=True, exist_ok=True)
    corpus = []
    for seed in range(20):
        generated = generate_invoice(seed=9000 + seed, pages=1 + seed % 5)
        (source / "soak" / f"{seed}.pdf").write_bytes(generated.pdf)
        corpus.append((f"soak/{seed}.pdf", generated.truth.model_dump(mode="json")))

    run = f"SOAK-{int(time.time())}"
    ids = [f"{run}-{n:05d}" for n in range(args.warmup + args.invoices)]
    key = tokens.api_key
    failures = asyncio.run(run_batch(api, key, ids[: args.warmup], corpus, args.concurrency))
    print(f"warm-up: {args.warmup} invoices, {len(failures)} failed")
    warm = {name: group_rss_kib(pid) for name, (pid, _) in state["processes"].items()}
    started = time.monotonic()
    failures += asyncio.run(run_batch(api, key, ids[args.warmup :], corpus, args.concurrency))
    elapsed = time.monotonic() - started
    end = {name: group_rss_kib(pid) for name, (pid, _) in state["processes"].items()}

    print(
        f"{args.invoices} invoices in {elapsed:.0f} s ({args.invoices / elapsed:.1f}/s), "
        f"{len(failures)} failed"
    )
    for problem in failures[:20]:
        print(f"  {problem}")
    print(f"{'process':<24}{'after warm-up MiB':>18}{'at end MiB':>12}{'change':>9}")
    for name in warm:
        change = growth(warm[name], end[name])
        print(f"{name:<24}{warm[name] / 1024:>18.1f}{end[name] / 1024:>12.1f}{change:>+9.1%}")
    too_big = grown(warm, end)
    if too_big:
        print(f"grew more than {MAX_GROWTH:.0%}: {', '.join(too_big)}")
    # The supervisor restarts what dies: a process that was restarted (an OOM kill, say)
    # would otherwise pass as one that shrank.
    now = read_state(default_run_dir(repo)) or {"processes": {}}
    restarted = [n for n, ident in state["processes"].items() if now["processes"].get(n) != ident]
    if restarted:
        print(f"restarted during the soak: {', '.join(restarted)}")
    return 1 if failures or too_big or restarted else 0
