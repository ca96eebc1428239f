"""`python -m invoice_stack.longhaul`: a steady load on the running stack (make up) for
LONGHAUL_MINUTES at a fixed rate, with approvals, purges and restarts of random
processes in the first part; every result checked against ground truth; every process
sampled each minute. Writes samples.csv, a PNG per process and summary.md under
benchmarks/results/longhaul/<time>/, and exits non-zero on any lost or wrong invoice, on
a process restarted unasked in the last half, or on memory that still grows over the
last half (see trend.py for the bound)."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx

from invoice_shared.auth import api_key_headers
from invoice_stack.layout import default_run_dir, find_repo
from invoice_stack.load.client import CorpusEntry, process_one, write_corpus
from invoice_stack.longhaul import readings
from invoice_stack.longhaul.plots import write_plots
from invoice_stack.longhaul.report import Outcome, failed, summary, trends_of, write_csv
from invoice_stack.longhaul.sampler import Sample, Sampler
from invoice_stack.longhaul.schedule import Restart, restart_plan, restart_window
from invoice_stack.supervisor.process_groups import start_ticks
from invoice_stack.supervisor.stack import ports_from_state, read_state
from invoice_stack.tokens import read_tokens
from invoice_stack.topology import api_url

# Not in any invoice's path: never restarted by the run (still sampled).
NOT_RESTARTED = frozenset({"jaeger", "prometheus", "console"})
# Each call may wait this long for a host that restarts (a wedged sidecar heals in ~40 s).
PATIENCE_SECONDS = 180.0
# Invoices kept (not purged) for a moment to measure what one costs in Redis.
CALIBRATION_INVOICES = 40


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


def identities(run_dir: Path) -> dict[str, tuple[int, int]]:
    """Each supervised process's (pid, start ticks): a restart changes it."""
    state = read_state(run_dir) or {"processes": {}}
    return {name: (pid, ticks) for name, (pid, ticks) in state["processes"].items()}


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
        purged = await client.delete(f"/api/workflows/{invoice_id}")
        if purged.status_code >= 400:
            raise SystemExit(f"calibration could not purge {invoice_id}: {purged.text}")
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
        note = f"{restart.at_seconds / 60:.1f} min: {restart.sig.name} {restart.process}"
        pid, ticks = identities(run_dir).get(restart.process, (0, 0))
        # The pid must still be the process the stack started (not one that reused it).
        if not pid or start_ticks(pid) != ticks:
            outcome.restarts_skipped.append(f"{note} (not running)")
            continue
        try:
            os.killpg(pid, restart.sig)
        except ProcessLookupError:
            outcome.restarts_skipped.append(f"{note} (gone)")
            continue
        outcome.restarts_done.append(note)
        print(f"[longhaul] {note}", flush=True)


@dataclass
class LoadRun:
    args: argparse.Namespace
    client: httpx.AsyncClient
    corpus: list[CorpusEntry]
    run: str
    outcome: Outcome
    in_flight: int = 0

    async def one(self, n: int) -> None:
        """One invoice, counted as correct or with its problem, whatever happens."""
        pdf, truth = self.corpus[n % len(self.corpus)]
        invoice_id = f"{self.run}-{n:06d}"
        self.in_flight += 1
        self.outcome.peak_in_flight = max(self.outcome.peak_in_flight, self.in_flight)
        try:
            problem = await process_one(
                self.client, invoice_id, pdf, truth, patience=PATIENCE_SECONDS,
                on_approval=self._approved,
            )  # fmt: skip
        except Exception as exc:  # counted, never lost from the tally
            problem = f"gave up: {exc!r}"
        finally:
            self.in_flight -= 1
        if problem:
            self.outcome.problems.append(f"{invoice_id}: {problem}")
        else:
            self.outcome.correct += 1

    def _approved(self) -> None:
        self.outcome.approvals += 1

    async def steady(self, started: float, duration: float) -> list[asyncio.Task[None]]:
        """Start invoices at the fixed rate until `duration` (open loop: a slow stack
        gets more in flight, not fewer started); the tasks still running."""
        tasks = []
        last_report = started
        while (elapsed := time.monotonic() - started) < duration:
            while self.outcome.started < int(elapsed * self.args.rate) + 1:
                tasks.append(asyncio.create_task(self.one(self.outcome.started)))
                self.outcome.started += 1
            if time.monotonic() - last_report >= 300:
                last_report = time.monotonic()
                print(
                    f"[longhaul] {elapsed / 60:.0f} min: {self.outcome.started} started, "
                    f"{self.outcome.correct} correct, {len(self.outcome.problems)} wrong, "
                    f"{self.in_flight} in flight",
                    flush=True,
                )
            await asyncio.sleep(0.05)
        return tasks


async def drive(
    args: argparse.Namespace,
    api: str,
    api_key: str,
    corpus: list[CorpusEntry],
    run_dir: Path,
    redis_port: int,
) -> tuple[Outcome, list[Sample], list[Restart]]:
    candidates = [p for p in identities(run_dir) if p not in NOT_RESTARTED]
    duration = args.minutes * 60
    plan = restart_plan(duration, candidates, args.restarts, args.seed)
    outcome = Outcome(rate=args.rate, minutes=args.minutes)
    run = f"LH{int(time.time())}"
    headers = api_key_headers(api_key)
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=32)
    async with httpx.AsyncClient(
        base_url=api, timeout=30, headers=headers, limits=limits
    ) as client:
        outcome.footprint = await calibrate(client, corpus, redis_port, run)
        load = LoadRun(args, client, corpus, run, outcome)
        sampler = Sampler(run_dir, minute_s=args.sample_seconds)
        started = time.monotonic()
        sampling = asyncio.create_task(sampler.run(started))
        restarting = asyncio.create_task(restart_along_the_way(plan, run_dir, started, outcome))
        half_way = max(duration / 2, restart_window(duration))
        steady_from = asyncio.create_task(_identities_after(half_way, started, run_dir))
        tasks = await load.steady(started, duration)
        # The judged half ends with the load; the drain after it is not sampled.
        if sampling.done():
            outcome.sampler_error = repr(sampling.exception())
        sampling.cancel()
        restarting.cancel()
        quiet_since = await steady_from
        now = identities(run_dir)
        outcome.unplanned_restarts = sorted(n for n in quiet_since if now.get(n) != quiet_since[n])
        await asyncio.gather(*tasks)
    return outcome, sampler.samples, plan


async def _identities_after(
    seconds: float, started: float, run_dir: Path
) -> dict[str, tuple[int, int]]:
    """Every process's identity once `seconds` have passed (after the planned restarts)."""
    await asyncio.sleep(max(0.0, started + seconds - time.monotonic()))
    return identities(run_dir)


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
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    out = (args.out or repo / "benchmarks" / "results" / "longhaul") / stamp
    out.mkdir(parents=True, exist_ok=True)
    print(f"[longhaul] {args.minutes:g} min at {args.rate:g} invoices/s; results in {out}")

    outcome, samples, plan = asyncio.run(
        drive(args, api_url(ports), tokens.api_key, corpus, run_dir, ports.redis)
    )
    trends = trends_of(samples, args.minutes * 60, args.sample_seconds)
    write_csv(samples, out / "samples.csv")
    write_plots(samples, plan, trends, args.minutes * 60, out)
    text = summary(outcome, samples, trends)
    (out / "summary.md").write_text(text)
    print(text)
    reasons = failed(outcome, trends)
    for reason in reasons:
        print(f"FAILED: {reason}")
    return 1 if reasons else 0
