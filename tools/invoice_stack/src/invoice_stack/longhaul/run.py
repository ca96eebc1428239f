"""`python -m invoice_stack.longhaul`: a steady load on the running stack (make up) for
LONGHAUL_MINUTES at a fixed rate, with approvals, purges and restarts of random
processes in the first part; every result checked against ground truth; every process
sampled each minute. Writes samples.csv, a PNG per process and summary.md under
benchmarks/results/longhaul/<time>/, and exits non-zero on any lost or wrong invoice
or on memory that still grows over the last half (see trend.py for the bound)."""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import signal
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx

from invoice_shared.auth import api_key_headers
from invoice_stack.layout import default_run_dir, find_repo
from invoice_stack.load.checks import NOT_JUDGED
from invoice_stack.load.client import CorpusEntry, process_one, write_corpus
from invoice_stack.longhaul import readings
from invoice_stack.longhaul.plots import write_plots
from invoice_stack.longhaul.sampler import REDIS_DB, SCHEDULER_ETCD, Sample, Sampler
from invoice_stack.longhaul.schedule import Restart, restart_plan
from invoice_stack.longhaul.trend import Trend, last_half_trend, slope_per_hour
from invoice_stack.supervisor.stack import ports_from_state, read_state
from invoice_stack.tokens import read_tokens
from invoice_stack.topology import api_url

# Not in any invoice's path: never restarted by the run (still sampled).
NOT_RESTARTED = {"jaeger", "prometheus", "console"}
# Each call may wait this long for a host that restarts (a wedged sidecar heals in ~40 s).
PATIENCE_SECONDS = 180.0
# Invoices kept (not purged) for a moment to measure what one costs in Redis.
CALIBRATION_INVOICES = 40


@dataclass
class Outcome:
    started: int = 0
    correct: int = 0
    approvals: int = 0
    problems: list[str] = field(default_factory=list)
    peak_in_flight: int = 0
    restarts_done: list[str] = field(default_factory=list)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="invoice_stack.longhaul", description=__doc__)
    env = os.environ.get
    parser.add_argument("--minutes", type=float, default=float(env("LONGHAUL_MINUTES", "60")))
    parser.add_argument(
        "--rate",
        type=float,
        default=float(env("LONGHAUL_RATE", "2")),
        help="invoices started per second (1-5 pages each); below capacity",
    )
    parser.add_argument("--restarts", type=int, default=int(env("LONGHAUL_RESTARTS", "4")))
    parser.add_argument("--seed", type=int, default=1, help="which processes are restarted")
    parser.add_argument("--sample-seconds", type=float, default=60.0)
    parser.add_argument(
        "--out", type=Path, default=None, help="default: benchmarks/results/longhaul"
    )
    return parser


async def calibrate(
    client: httpx.AsyncClient, corpus: list[CorpusEntry], redis_port: int, run: str
) -> dict[str, float]:
    """Keys and bytes one finished invoice holds in Redis until it is purged."""
    before = await asyncio.to_thread(readings.redis, redis_port)
    ids = [f"{run}-CAL-{n:03d}" for n in range(CALIBRATION_INVOICES)]
    gate = asyncio.Semaphore(8)

    async def one(n: int, invoice_id: str) -> str | None:
        async with gate:
            pdf, truth = corpus[n % len(corpus)]
            return await process_one(client, invoice_id, pdf, truth, purge=False)

    problems = [p for p in await asyncio.gather(*map(one, range(len(ids)), ids)) if p]
    if problems:
        raise SystemExit(f"calibration failed: {problems[:3]}")
    await asyncio.sleep(2)
    after = await asyncio.to_thread(readings.redis, redis_port)
    for invoice_id in ids:
        await client.delete(f"/api/workflows/{invoice_id}")
    return {
        "keys": (after["keys"] - before["keys"]) / len(ids),
        "kib": (after["used_mib"] - before["used_mib"]) * 1024 / len(ids),
    }


async def restart_along_the_way(
    plan: list[Restart], run_dir: Path, started: float, outcome: Outcome
) -> None:
    """Signal each planned process at its time; the stack's keeper starts it again."""
    for restart in plan:
        await asyncio.sleep(max(0.0, started + restart.at_seconds - time.monotonic()))
        state = read_state(run_dir) or {"processes": {}}
        pgid = state["processes"].get(restart.process, (0, 0))[0]
        if not pgid:
            continue
        try:
            os.killpg(pgid, restart.sig)
        except ProcessLookupError:
            continue
        note = f"{restart.at_seconds / 60:.1f} min: {restart.sig.name} {restart.process}"
        outcome.restarts_done.append(note)
        print(f"[longhaul] {note}", flush=True)


async def drive(
    args: argparse.Namespace,
    api: str,
    api_key: str,
    corpus: list[CorpusEntry],
    run_dir: Path,
    redis_port: int,
) -> tuple[Outcome, Sampler, list[Restart], dict[str, float], float]:
    state = read_state(run_dir) or {"processes": {}}
    candidates = [p for p in state["processes"] if p not in NOT_RESTARTED]
    duration = args.minutes * 60
    plan = restart_plan(duration, candidates, args.restarts, args.seed)
    run = f"LH{int(time.time())}"
    outcome = Outcome()
    headers = api_key_headers(api_key)
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=32)
    async with httpx.AsyncClient(
        base_url=api, timeout=30, headers=headers, limits=limits
    ) as client:
        footprint = await calibrate(client, corpus, redis_port, run)
        sampler = Sampler(run_dir, minute_s=args.sample_seconds)
        started = time.monotonic()
        sampling = asyncio.create_task(sampler.run(started))
        restarting = asyncio.create_task(restart_along_the_way(plan, run_dir, started, outcome))
        in_flight = 0

        def approved() -> None:
            outcome.approvals += 1

        async def one(n: int) -> None:
            nonlocal in_flight
            pdf, truth = corpus[n % len(corpus)]
            invoice_id = f"{run}-{n:06d}"
            in_flight += 1
            outcome.peak_in_flight = max(outcome.peak_in_flight, in_flight)
            try:
                problem = await process_one(
                    client, invoice_id, pdf, truth, patience=PATIENCE_SECONDS,
                    on_approval=approved,
                )  # fmt: skip
            except httpx.HTTPError as exc:
                problem = f"gave up: {exc!r}"
            in_flight -= 1
            if problem:
                outcome.problems.append(f"{invoice_id}: {problem}")
            else:
                outcome.correct += 1

        tasks = []
        last_report = started
        while (elapsed := time.monotonic() - started) < duration:
            while outcome.started < int(elapsed * args.rate) + 1:
                tasks.append(asyncio.create_task(one(outcome.started)))
                outcome.started += 1
            if time.monotonic() - last_report >= 300:
                last_report = time.monotonic()
                print(
                    f"[longhaul] {elapsed / 60:.0f} min: {outcome.started} started, "
                    f"{outcome.correct} correct, {len(outcome.problems)} wrong or lost, "
                    f"{in_flight} in flight",
                    flush=True,
                )
            await asyncio.sleep(0.05)
        await asyncio.gather(*tasks)
        restarting.cancel()
        sampling.cancel()
    return outcome, sampler, plan, footprint, duration


def write_csv(samples: list[Sample], path: Path) -> None:
    with path.open("w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["elapsed_s", "subject", "metric", "value"])
        for s in samples:
            out.writerow([f"{s.elapsed_s:.0f}", s.subject, s.metric, f"{s.value:.3f}"])


def trends_of(samples: list[Sample], duration: float) -> dict[str, Trend]:
    """The memory trend of every process (RSS), and of Redis's own used memory."""
    points: dict[str, list[tuple[float, float]]] = {}
    for s in samples:
        if s.metric == "rss_mib" and s.subject not in (REDIS_DB, SCHEDULER_ETCD):
            points.setdefault(s.subject, []).append((s.elapsed_s, s.value))
        elif s.subject == REDIS_DB and s.metric == "used_mib":
            points.setdefault(REDIS_DB, []).append((s.elapsed_s, s.value))
    return {name: last_half_trend(name, pts, duration) for name, pts in points.items()}


def last_half_mean(samples: list[Sample], subject: str, metric: str, duration: float) -> float:
    values = [
        s.value
        for s in samples
        if s.subject == subject and s.metric == metric and s.elapsed_s >= duration / 2
    ]
    return sum(values) / len(values) if values else float("nan")


def summary(
    args: argparse.Namespace,
    outcome: Outcome,
    samples: list[Sample],
    trends: dict[str, Trend],
    footprint: dict[str, float],
    duration: float,
) -> str:
    def mean(subject: str, metric: str) -> float:
        return last_half_mean(samples, subject, metric, duration)

    revisions = [
        (s.elapsed_s, s.value)
        for s in samples
        if s.subject == SCHEDULER_ETCD and s.metric == "revision" and s.elapsed_s >= duration / 2
    ]
    per_day = args.rate * 86400
    lines = [
        f"# Long-haul run: {args.minutes:.0f} min at {args.rate:g} invoices/s",
        "",
        f"- invoices: {outcome.started} started, {outcome.correct} correct, "
        f"{len(outcome.problems)} wrong or lost; {outcome.approvals} approved on the way; "
        f"peak in flight {outcome.peak_in_flight}",
        f"- restarts (the keeper started each again): "
        f"{'; '.join(outcome.restarts_done) or 'none'}",
        f"- scheduler's etcd over the last half: {mean(SCHEDULER_ETCD, 'keys'):.0f} live keys, "
        f"{mean(SCHEDULER_ETCD, 'db_in_use_mib'):.1f} MiB in use of a "
        f"{mean(SCHEDULER_ETCD, 'db_mib'):.1f} MiB file, "
        f"{slope_per_hour(revisions) / 60:.0f} revisions a minute",
        f"- Redis over the last half: {mean(REDIS_DB, 'keys'):.0f} keys, "
        f"{mean(REDIS_DB, 'used_mib'):.1f} MiB used",
        f"- one finished invoice, until purged: {footprint['keys']:.1f} Redis keys, "
        f"{footprint['kib']:.1f} KiB; a day at this rate ({per_day:,.0f} invoices) kept "
        f"unpurged would hold {footprint['kib'] * per_day / 2**20:,.1f} GiB",
        "",
        "| process | level MiB (last half) | slope MiB/h | bound MiB/h | flat |",
        "|---|---:|---:|---:|---|",
    ]  # fmt: skip
    for name, t in sorted(trends.items()):
        lines.append(
            f"| {name} | {t.level_mib:.1f} | {t.slope_mib_per_hour:+.2f} | "
            f"{t.bound_mib_per_hour:.1f} | {_verdict(name, t)} |"
        )
    if outcome.problems:
        lines += ["", "Wrong or lost:", *(f"- {p}" for p in outcome.problems[:20])]
    return "\n".join(lines) + "\n"


def _verdict(name: str, trend: Trend) -> str:
    if name in NOT_JUDGED:
        return "not judged (a store capped by design)"
    return "yes" if trend.flat else "NO"


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    repo = find_repo()
    run_dir = default_run_dir(repo)
    state = read_state(run_dir)
    if state is None:
        print("no stack running: run `make up` first", file=sys.stderr)
        return 1
    tokens = read_tokens(run_dir)
    assert tokens is not None, "the running stack has no tokens.json"
    ports = ports_from_state(state)
    corpus = write_corpus(Path(state["layout"]["source_dir"]), "longhaul", 9100, 20)
    out = (args.out or repo / "benchmarks" / "results" / "longhaul") / datetime.now(UTC).strftime(
        "%Y%m%d-%H%M%S"
    )
    out.mkdir(parents=True, exist_ok=True)
    print(f"[longhaul] {args.minutes:g} min at {args.rate:g} invoices/s; results in {out}")

    outcome, sampler, plan, footprint, duration = asyncio.run(
        drive(args, api_url(ports), tokens.api_key, corpus, run_dir, ports.redis)
    )
    trends = trends_of(sampler.samples, duration)
    write_csv(sampler.samples, out / "samples.csv")
    write_plots(sampler.samples, plan, trends, duration, out)
    text = summary(args, outcome, sampler.samples, trends, footprint, duration)
    (out / "summary.md").write_text(text)
    print(text)
    growing = [name for name, t in trends.items() if not t.flat and name not in NOT_JUDGED]
    if growing:
        print(f"memory still grows over the last half: {', '.join(growing)}")
    lost = outcome.started - outcome.correct
    return 1 if lost or outcome.problems or growing else 0


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.default_int_handler)
    sys.exit(main())
