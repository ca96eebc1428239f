"""`make bench`: one corpus through every implementation, one after another, at the same
concurrency; every result checked against ground truth; a table and plots.

    python -m invoice_bench bench [--count 100] [--concurrency 8] [--peers dapr,asyncio,...]

Two phases per peer, each on a freshly started engine: the mixed corpus (`count`
invoices of 1-15 pages, `concurrency` in flight) for throughput, latency, CPU and
memory; then the scaling singles (1, 10, 100, 500 pages) one at a time.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import time
from dataclasses import asdict
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

import psutil

from invoice_bench.check import check_run
from invoice_bench.common import Sampler
from invoice_bench.corpus import SCALING_CAPS, SCALING_PAGES, CorpusItem, build_corpus
from invoice_bench.report import PhaseResult, scaling_table, table, write_plots
from invoice_shared.policy import PAGE_BATCH_SIZE

RESULTS = Path(__file__).resolve().parents[2] / "results"
PEERS = ("dapr", "asyncio", "prefect", "temporal", "dbos")


def run_phase(
    peer: str,
    phase: str,
    items: list[CorpusItem],
    concurrency: int,
    batch_size: int,
    label: str | None = None,
    **options: Any,
) -> PhaseResult:
    """One peer over `items`; `label` names the row when `options` make it a variant
    ("dapr, 3 hosts")."""
    pages = sum(item.pages for item in items)
    name = label or peer
    empty = PhaseResult(name, phase, concurrency, len(items), pages, 0.0, 0.0, 0, [], [])
    module = importlib.import_module(f"invoice_bench.impl_{peer}")
    sampler = Sampler()
    started = time.monotonic()
    try:
        run = module.run(
            items, concurrency, on_ready=sampler.start, batch_size=batch_size, **options
        )
    except Exception as exc:  # a peer that cannot run here is reported, not fatal
        sampler.stop()
        empty.failure = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
        print(f"  {name} {phase}: could not run: {empty.failure}", flush=True)
        return empty
    sampler.stop()
    problems = check_run(run.records, items)
    result = PhaseResult(
        peer=name,
        phase=phase,
        concurrency=concurrency,
        invoices=len(items),
        pages=pages,
        wall_s=run.wall_s,
        cpu_s=sampler.cpu_end - sampler.cpu_start,
        rss_peak_bytes=sampler.rss_peak,
        latencies=[r.latency_s for r in run.records],
        pages_per_invoice=[r.pages for r in run.records],
        problems=problems,
        notes=run.notes,
    )
    print(
        f"  {name} {phase}: {len(items)} invoices, {pages} pages in {run.wall_s:.1f} s "
        f"({time.monotonic() - started:.0f} s with start/stop); {len(problems)} wrong or failed",
        flush=True,
    )
    for invoice_id, found in list(problems.items())[:5]:
        print(f"    {invoice_id}: {found[0][:200]}", flush=True)
    return result


def machine() -> str:
    memory = psutil.virtual_memory().total / 2**30
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB RAM, {platform.platform()}"


def versions() -> str:
    env = Path(__file__).resolve().parents[3] / "scripts" / "versions.env"
    pinned = dict(
        line.split("=", 1)
        for line in env.read_text().splitlines()
        if "=" in line and not line.startswith("#")
    )
    return (
        f"Dapr runtime {pinned.get('DAPR_RUNTIME_VERSION')}, Prefect {version('prefect')}, "
        f"temporalio {version('temporalio')} (Temporal CLI "
        f"{os.environ.get('TEMPORAL_CLI_VERSION', '1.5.1')}), DBOS {version('dbos')}, "
        f"Python {platform.python_version()}"
    )


def main(args: argparse.Namespace) -> int:
    corpus_dir = args.corpus or RESULTS / "raw" / "corpus"
    scaling = [int(p) for p in args.scaling.split(",") if p]
    print(f"corpus: {args.count} mixed invoices + singles {scaling} in {corpus_dir}", flush=True)
    items = build_corpus(corpus_dir, count=args.count, seed=args.seed, scaling=scaling)
    mix = [i for i in items if i.spec.kind == "mix"]
    singles = [i for i in items if i.spec.kind == "scaling"]
    results: list[PhaseResult] = []
    for peer in args.peers.split(","):
        print(f"{peer}:", flush=True)
        results.append(run_phase(peer, "mix", mix, args.concurrency, args.batch_size))
        cap = SCALING_CAPS.get(peer, (max(scaling, default=0), ""))[0]
        if mine := [item for item in singles if item.pages <= cap]:
            results.append(run_phase(peer, "scaling", mine, 1, args.batch_size))
        if peer == "dapr":  # the same corpus on more workflow hosts (on 2 cores: the cost)
            for hosts in (int(n) for n in args.host_replicas.split(",") if n):
                label = f"dapr, {hosts} hosts"
                print(f"{label}:", flush=True)
                results.append(
                    run_phase(
                        peer, "mix", mix, args.concurrency, args.batch_size,
                        label=label, host_replicas=hosts,
                    )
                )  # fmt: skip
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    raw = RESULTS / "raw" / f"{stamp}.json"
    raw.parent.mkdir(parents=True, exist_ok=True)
    raw.write_text(json.dumps([asdict(r) for r in results], indent=1, default=str) + "\n")
    mix_pages = sum(i.pages for i in mix)
    text = (
        f"# Benchmark {stamp}\n\n"
        f"Machine: {machine()}.\n\n{versions()}.\n\n"
        f"## Mixed corpus: {len(mix)} invoices, {mix_pages} pages, "
        f"{args.concurrency} in flight, {args.batch_size} pages per child workflow\n\n"
        f"{table(results)}\n"
        f"CPU is summed over every process of the implementation (engine, sidecars, "
        f"workers, services, the client), from ready to done; peak RSS is the largest "
        f"sum seen (sampled every 0.2 s). Errors: invoices failed or not matching their "
        f"ground truth.\n\n"
        f"## Scaling: single invoices, one at a time (latency)\n\n{scaling_table(results)}"
    )
    peers = args.peers.split(",")
    capped = [
        f"- {peer}: singles over {cap} pages not run ({why})."
        for peer, (cap, why) in SCALING_CAPS.items()
        if peer in peers and any(size > cap for size in scaling)
    ]
    if capped:
        text += "\nBlank cells:\n" + "\n".join(capped) + "\n"
    for result in results:
        if result.notes and result.phase == "mix" and result.peer == "dapr":
            text += f"\n## Where dapr's time goes, mixed corpus\n\n{result.notes}"
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{stamp}.md").write_text(text)
    (RESULTS / "latest.md").write_text(text)
    for path in write_plots(results, RESULTS):
        print(f"wrote {path}")
    print(text)
    errors = sum(len(r.problems) for r in results)
    return 1 if errors or any(r.failure for r in results) else 0


def add_parser(commands: argparse._SubParsersAction) -> None:
    bench = commands.add_parser("bench", help="every peer over one corpus; table and plots")
    bench.add_argument("--count", type=int, default=100, help="mixed invoices of 1-15 pages")
    bench.add_argument("--seed", type=int, default=20_250_101)
    bench.add_argument("--scaling", default=",".join(map(str, SCALING_PAGES)))
    bench.add_argument("--concurrency", type=int, default=8, help="invoices in flight")
    bench.add_argument("--peers", default=",".join(PEERS))
    bench.add_argument(
        "--batch-size", type=int, default=PAGE_BATCH_SIZE, help="pages per child, all peers"
    )
    bench.add_argument("--corpus", type=Path, help="corpus directory (default: results/raw)")
    bench.add_argument(
        "--host-replicas", default="2,3", help="dapr's mixed run again with these host counts"
    )
    bench.set_defaults(func=main)
