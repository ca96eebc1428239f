"""Command line: write the corpus, or run one peer over (part of) it and check the results.

    python -m invoice_bench corpus --out DIR [--count 50] [--seed N] [--scaling 1,10,100,500,2000]
    python -m invoice_bench run asyncio|prefect|temporal|dbos --corpus DIR [--concurrency 4]
        [--ids ID,ID...] [--kind mix|scaling] [--max-pages N] [--workdir DIR] [--json OUT]
    python -m invoice_bench aggregate [--requests 500] [--pages 1,10,100,500]

`run` prints one line per invoice, the wall time, the CPU seconds and peak resident memory
of every process the peer ran (sampled every 0.2 s with their descendants), and exits
non-zero when any invoice failed or differs from its ground truth.
"""

from __future__ import annotations

import argparse
import importlib
import json
from pathlib import Path

from invoice_bench import aggregate_impls, bench
from invoice_bench.bench import PEERS
from invoice_bench.check import check_run
from invoice_bench.common import Sampler
from invoice_bench.corpus import SCALING_PAGES, build_corpus, load_corpus


def _corpus(args: argparse.Namespace) -> int:
    scaling = [int(p) for p in args.scaling.split(",") if p]
    items = build_corpus(args.out, count=args.count, seed=args.seed, scaling=scaling)
    pages = sum(item.pages for item in items)
    print(f"{len(items)} invoices, {pages} pages in {args.out}")
    return 0


def _run(args: argparse.Namespace) -> int:
    ids = args.ids.split(",") if args.ids else None
    corpus = load_corpus(args.corpus, ids)
    if args.kind:
        corpus = [item for item in corpus if item.spec.kind == args.kind]
    if args.max_pages:
        corpus = [item for item in corpus if item.pages <= args.max_pages]
    peer = importlib.import_module(f"invoice_bench.impl_{args.peer}")
    sampler = Sampler()
    try:
        extra: dict[str, object] = {"database": args.prefect_db} if args.peer == "prefect" else {}
        if args.peer == "dapr":
            extra["tracing"] = args.tracing
            extra["host_replicas"] = args.host_replicas
        run = peer.run(
            corpus, args.concurrency, workdir=args.workdir, on_ready=sampler.start, **extra
        )
    finally:
        sampler.stop()
    problems = check_run(run.records, corpus)
    for record in run.records:
        verdict = "ok" if record.invoice_id not in problems else problems[record.invoice_id][0]
        print(f"{record.invoice_id:32} {record.pages:4d} p {record.latency_s:8.3f} s  {verdict}")
    pages = sum(item.pages for item in corpus)
    cpu = sampler.cpu_end - sampler.cpu_start
    print(
        f"{args.peer}: {len(corpus)} invoices, {pages} pages, concurrency {args.concurrency}: "
        f"wall {run.wall_s:.2f} s, {pages / run.wall_s:.1f} pages/s, CPU {cpu:.1f} s, "
        f"peak RSS {sampler.rss_peak / 2**20:.0f} MiB, {len(problems)} wrong or failed"
    )
    if args.json:
        out = {**run.to_json(), "cpu_s": cpu, "rss_peak_bytes": sampler.rss_peak}
        out["problems"] = problems
        args.json.write_text(json.dumps(out, indent=1, default=str) + "\n", encoding="utf-8")
    return 1 if problems else 0


def _aggregate(args: argparse.Namespace) -> int:
    pages = [int(p) for p in args.pages.split(",")]
    print(aggregate_impls.write(args.requests, pages, args.out))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m invoice_bench", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    corpus = commands.add_parser("corpus", help="write the corpus and its ground truth")
    corpus.add_argument("--out", type=Path, required=True)
    corpus.add_argument("--count", type=int, default=50, help="invoices of 1-15 pages")
    corpus.add_argument("--seed", type=int, default=20_250_101)
    corpus.add_argument(
        "--scaling", default=",".join(map(str, SCALING_PAGES)), help="page counts of singles"
    )
    corpus.set_defaults(func=_corpus)
    run = commands.add_parser("run", help="run one peer over the corpus and check it")
    run.add_argument("peer", choices=PEERS)
    run.add_argument("--corpus", type=Path, required=True)
    run.add_argument("--concurrency", type=int, default=4, help="invoices in flight")
    run.add_argument("--ids", help="only these invoice ids, comma-separated")
    run.add_argument("--kind", choices=("mix", "scaling"))
    run.add_argument("--max-pages", type=int)
    run.add_argument("--workdir", type=Path, help="keep the run's data and logs here")
    run.add_argument("--json", type=Path, help="write the run (records, pids, usage) here")
    run.add_argument(
        "--prefect-db",
        choices=("postgres", "sqlite"),
        default="postgres",
        help="the Prefect server's database (prefect only)",
    )
    run.add_argument(
        "--tracing",
        action="store_true",
        help="dapr only: run Jaeger beside the stack and trace every request",
    )
    run.add_argument(
        "--host-replicas",
        type=int,
        default=1,
        help="dapr only: workflow host replicas (1 to 3), each with its own sidecar",
    )
    run.set_defaults(func=_run)
    bench.add_parser(commands)
    aggregate = commands.add_parser(
        "aggregate", help="the aggregate service in Python and in Go: latency and memory"
    )
    aggregate.add_argument("--requests", type=int, default=500, help="per size, at 10 pages")
    aggregate.add_argument("--pages", default="1,10,100,500", help="invoice sizes")
    results = Path(__file__).resolve().parents[2] / "results"
    aggregate.add_argument("--out", type=Path, default=results / "aggregate-impls.md")
    aggregate.set_defaults(func=_aggregate)
    args = parser.parse_args(argv)
    return int(args.func(args))
