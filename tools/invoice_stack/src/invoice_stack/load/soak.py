"""`python -m invoice_stack.load`: push many invoices through a running stack (make up),
check every result against ground truth, and compare each process's resident memory at
the end with its level after warm-up. Exits non-zero on any failure or >10% growth.

Both phases are bounded by count *and* by time. The scheduler's embedded etcd keeps one
minute of history (compaction every minute): its memory settles after a few minutes of
load, whatever the rate. A warm-up defined by count alone ended after 48 s on a faster
machine, before the first compaction, and its baseline was too low. Memory is averaged
over the last 30 s of each phase so that a garbage collection or a compaction at the
instant of a reading does not decide the verdict."""

from __future__ import annotations

import argparse
import asyncio
import itertools
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from invoice_shared.auth import api_key_headers
from invoice_stack.layout import default_run_dir, find_repo
from invoice_stack.load.checks import MAX_GROWTH, grown, growth
from invoice_stack.load.client import CorpusEntry, process_one, write_corpus
from invoice_stack.load.memory import MemoryWatch
from invoice_stack.supervisor.stack import ports_from_state, read_state
from invoice_stack.tokens import read_tokens
from invoice_stack.topology import api_url

# The window each phase's memory level is averaged over, and how often it is read.
LEVEL_WINDOW_SECONDS = 30.0
SAMPLE_SECONDS = 2.0

Phase = tuple[int, float, list[str]]  # invoices, seconds, problems


async def run_phase(
    client: httpx.AsyncClient,
    ids: Iterator[tuple[int, str]],
    corpus: list[CorpusEntry],
    concurrency: int,
    at_least: int,
    at_least_seconds: float,
) -> Phase:
    """Keep `concurrency` invoices in flight until at least `at_least` are done and
    `at_least_seconds` have passed. Returns (invoices, seconds, problems)."""
    started = time.monotonic()
    done = 0
    problems: list[str] = []

    def enough() -> bool:
        return done >= at_least and time.monotonic() - started >= at_least_seconds

    async def worker() -> None:
        nonlocal done
        while not enough():
            n, invoice_id = next(ids)
            pdf_path, truth = corpus[n % len(corpus)]
            try:
                problem = await process_one(client, invoice_id, pdf_path, truth)
            except Exception as exc:  # counted as a failure, never ends the soak
                problem = f"gave up: {exc!r}"
            done += 1
            if problem:
                problems.append(f"{invoice_id}: {problem}")

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return done, time.monotonic() - started, problems


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="invoice_stack.load", description=__doc__)
    parser.add_argument("--invoices", type=int, default=1000, help="measured invoices, at least")
    parser.add_argument(
        "--min-seconds", type=float, default=180, help="measured phase lasts at least this"
    )
    # Until every process is at its steady state: on a fresh stack the scheduler's
    # embedded etcd and Go heap fill for several hundred invoices and a few minutes.
    parser.add_argument(
        "--warmup", type=int, default=600, help="invoices before the memory baseline, at least"
    )
    parser.add_argument(
        "--warmup-seconds", type=float, default=180, help="warm-up lasts at least this"
    )
    parser.add_argument("--concurrency", type=int, default=16)
    return parser


async def soak(
    api: str,
    api_key: str,
    corpus: list[CorpusEntry],
    args: argparse.Namespace,
    watch: MemoryWatch,
) -> tuple[Phase, dict[str, int], Phase, dict[str, int]]:
    run = f"SOAK-{int(time.time())}"
    ids = ((n, f"{run}-{n:06d}") for n in itertools.count())
    headers = api_key_headers(api_key)
    sampling = asyncio.create_task(watch.run(SAMPLE_SECONDS))
    async with httpx.AsyncClient(base_url=api, timeout=30, headers=headers) as client:
        warm = await run_phase(
            client, ids, corpus, args.concurrency, args.warmup, args.warmup_seconds
        )
        warm_level = watch.level(LEVEL_WINDOW_SECONDS)
        measured = await run_phase(
            client, ids, corpus, args.concurrency, args.invoices, args.min_seconds
        )
        end_level = watch.level(LEVEL_WINDOW_SECONDS)
    sampling.cancel()
    return warm, warm_level, measured, end_level


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
    corpus = write_corpus(Path(state["layout"]["source_dir"]), "soak", 9000, 20)
    watch = MemoryWatch({name: pid for name, (pid, _) in state["processes"].items()})

    warm, warm_level, measured, end_level = asyncio.run(
        soak(api, tokens.api_key, corpus, args, watch)
    )
    (warm_n, warm_s, warm_problems), (n, elapsed, problems) = warm, measured
    failures = warm_problems + problems
    print(f"warm-up: {warm_n} invoices in {warm_s:.0f} s, {len(warm_problems)} failed")
    print(f"{n} invoices in {elapsed:.0f} s ({n / elapsed:.1f}/s), {len(problems)} failed")
    for problem in failures[:20]:
        print(f"  {problem}")
    print(f"memory averaged over the last {LEVEL_WINDOW_SECONDS:.0f} s of each phase")
    print(f"{'process':<24}{'after warm-up MiB':>18}{'at end MiB':>12}{'change':>9}")
    for name in warm_level:
        change = growth(warm_level[name], end_level[name])
        print(
            f"{name:<24}{warm_level[name] / 1024:>18.1f}{end_level[name] / 1024:>12.1f}"
            f"{change:>+9.1%}"
        )
    too_big = grown(warm_level, end_level)
    if too_big:
        print(f"grew more than {MAX_GROWTH:.0%}: {', '.join(too_big)}")
    # The supervisor restarts what dies: a process that was restarted (an OOM kill, say)
    # would otherwise pass as one that shrank.
    now = read_state(default_run_dir(repo)) or {"processes": {}}
    restarted = [n for n, ident in state["processes"].items() if now["processes"].get(n) != ident]
    if restarted:
        print(f"restarted during the soak: {', '.join(restarted)}")
    return 1 if failures or too_big or restarted else 0
