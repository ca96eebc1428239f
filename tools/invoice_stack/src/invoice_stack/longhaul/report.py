"""What a long-haul run writes: samples.csv, the trends it is judged on, summary.md."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from invoice_stack.load.checks import NOT_JUDGED
from invoice_stack.longhaul.sampler import REDIS_DB, SCHEDULER_ETCD, Sample
from invoice_stack.longhaul.trend import Trend, last_half_trend, slope_per_hour


@dataclass
class Outcome:
    """What the load saw: invoices, approvals, restarts, problems."""

    rate: float
    minutes: float
    started: int = 0
    correct: int = 0
    approvals: int = 0
    peak_in_flight: int = 0
    problems: list[str] = field(default_factory=list)
    restarts_done: list[str] = field(default_factory=list)
    restarts_skipped: list[str] = field(default_factory=list)
    unplanned_restarts: list[str] = field(default_factory=list)  # in the judged last half
    sampler_error: str | None = None
    footprint: dict[str, float] = field(default_factory=dict)  # one invoice in Redis

    @property
    def lost(self) -> int:
        return self.started - self.correct - len(self.problems)


def write_csv(samples: list[Sample], path: Path) -> None:
    with path.open("w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["elapsed_s", "subject", "metric", "value"])
        for s in samples:
            out.writerow([f"{s.elapsed_s:.0f}", s.subject, s.metric, f"{s.value:.3f}"])


def read_csv(path: Path) -> list[Sample]:
    with path.open(newline="") as f:
        return [
            Sample(float(row["elapsed_s"]), row["subject"], row["metric"], float(row["value"]))
            for row in csv.DictReader(f)
        ]


def trends_of(samples: list[Sample], duration: float, sample_s: float) -> dict[str, Trend]:
    """The memory trend of every process and of Redis's data (used memory).

    A process is judged on its private memory (the anonymous part of its RSS), where a
    leak grows, when the run sampled it (runs before it was sampled: on RSS). The rest
    of RSS is pages of mapped files, above all a binary's code: a 131 MB daprd's pages
    come in as more of its code runs, are shared by every sidecar, and are bounded by
    the file. Measured in the hour-long run of 2026-11-30: a sidecar's RSS rose 4 MiB
    while the Go runtime's memory from the OS stayed at 42.6 MiB and its heap shrank.

    A Go process (sidecars, placement, the scheduler) is judged on the memory its runtime
    holds from the OS, when sampled: its private memory fills into that as the heap's pages
    are touched, creeping for hours (the 100-minute run of 2026-11-30: +1.1 MiB/h on a
    sidecar whose runtime held 42.92 MiB from minute 40 to the end), while a leak grows
    it. Private memory is still reported.

    Less, when sampled, the records of the runtime's sampled allocation profile: one for
    each allocating call stack it has seen, never freed, so they grow as a process meets
    call stacks it had not run before, ever more slowly. Measured in the long-haul of
    2026-11-30: the host's sidecar, the busiest, grew 0.8 MiB in 20 minutes after its
    restart, all of it in those records (`go_memstats_buck_hash_sys_bytes`), while its
    heap held 38 MiB from the OS throughout; the other sidecars' grew 0.1 MiB an hour."""
    judged = {REDIS_DB: "used_mib"}
    if any(s.metric == "anon_mib" for s in samples):
        judged |= {s.subject: "anon_mib" for s in samples if s.subject != REDIS_DB}
    judged |= {s.subject: "go_sys_mib" for s in samples if s.metric == "go_sys_mib"}
    judged |= {s.subject: "go_program_mib" for s in samples if s.metric == "go_program_mib"}
    points: dict[str, list[tuple[float, float]]] = {}
    for s in samples:
        wanted = judged.get(s.subject, "rss_mib")
        if s.subject != SCHEDULER_ETCD and s.metric == wanted:
            points.setdefault(s.subject, []).append((s.elapsed_s, s.value))
    return {
        name: last_half_trend(name, judged.get(name, "rss_mib"), pts, duration, sample_s)
        for name, pts in points.items()
    }


def growing(trends: dict[str, Trend]) -> list[str]:
    """Judged subjects whose memory is not flat over the last half (or not measured)."""
    return sorted(n for n, t in trends.items() if n not in NOT_JUDGED and not t.flat)


def _verdict(name: str, trend: Trend) -> str:
    if name in NOT_JUDGED:
        return "reported, not judged (a store that grows by design)"
    if not trend.enough_samples:
        return f"NO: {trend.samples} of {trend.expected} samples"
    return "yes" if trend.flat else "NO"


def _last_half_mean(samples: list[Sample], subject: str, metric: str, duration: float) -> float:
    values = [
        s.value
        for s in samples
        if s.subject == subject and s.metric == metric and duration / 2 <= s.elapsed_s <= duration
    ]
    return sum(values) / len(values) if values else float("nan")


def summary(outcome: Outcome, samples: list[Sample], trends: dict[str, Trend]) -> str:
    duration = outcome.minutes * 60

    def mean(subject: str, metric: str) -> float:
        return _last_half_mean(samples, subject, metric, duration)

    revisions = [
        (s.elapsed_s, s.value)
        for s in samples
        if s.subject == SCHEDULER_ETCD
        and s.metric == "revision"
        and duration / 2 <= s.elapsed_s <= duration
    ]
    per_day = outcome.rate * 86400
    kib = outcome.footprint.get("kib", float("nan"))
    lines = [
        f"# Long-haul run: {outcome.minutes:g} min at {outcome.rate:g} invoices/s",
        "",
        f"- invoices: {outcome.started} started, {outcome.correct} correct, "
        f"{len(outcome.problems)} wrong, {outcome.lost} lost; {outcome.approvals} approved "
        f"on the way; peak in flight {outcome.peak_in_flight}",
        f"- restarts (the keeper started each again): "
        f"{'; '.join(outcome.restarts_done) or 'none'}"
        + (f"; skipped: {'; '.join(outcome.restarts_skipped)}" if outcome.restarts_skipped else ""),
        f"- restarted without being asked, in the last half: "
        f"{', '.join(outcome.unplanned_restarts) or 'none'}",
        f"- scheduler's etcd over the last half: {mean(SCHEDULER_ETCD, 'keys'):.0f} live keys, "
        f"{mean(SCHEDULER_ETCD, 'db_in_use_mib'):.1f} MiB in use of a "
        f"{mean(SCHEDULER_ETCD, 'db_mib'):.1f} MiB file, "
        f"{slope_per_hour(revisions) / 60:.0f} revisions a minute",
        f"- Redis over the last half: {mean(REDIS_DB, 'keys'):.0f} keys, "
        f"{mean(REDIS_DB, 'used_mib'):.1f} MiB used",
        f"- one finished invoice, until purged: {outcome.footprint.get('keys', 0):.1f} Redis "
        f"keys, {kib:.1f} KiB; a day at this rate ({per_day:,.0f} invoices) kept unpurged "
        f"would hold {kib * per_day / 2**20:,.1f} GiB",
    ]
    if outcome.sampler_error:
        lines.append(f"- the sampler failed: {outcome.sampler_error}")
    lines += [
        "",
        "Memory over the last half (each process with its children: a Go process's runtime "
        "memory from the OS when sampled, less its allocation profile's records when "
        "sampled (go_program_mib); else its private memory, the anonymous part of its RSS, "
        "else its RSS; Redis's data: used memory):",
        "",
        "| process | judged on | level MiB | slope MiB/h | third quarter MiB/h "
        "| last quarter MiB/h | bound MiB/h | flat |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for name, t in sorted(trends.items()):
        lines.append(
            f"| {name} | {t.metric} | {t.level_mib:.1f} | {t.slope_mib_per_hour:+.2f} | "
            f"{t.third_quarter_slope_mib_per_hour:+.2f} | {t.late_slope_mib_per_hour:+.2f} | "
            f"{t.bound_mib_per_hour:.1f} | {_verdict(name, t)} |"
        )
    if outcome.problems:
        lines += ["", "Wrong:", *(f"- {p}" for p in outcome.problems[:20])]
    return "\n".join(lines) + "\n"


def failed(outcome: Outcome, trends: dict[str, Trend]) -> list[str]:
    """Why the run fails, if it does."""
    reasons = []
    if outcome.problems or outcome.lost:
        reasons.append(f"{len(outcome.problems)} wrong and {outcome.lost} lost invoices")
    if outcome.unplanned_restarts:
        reasons.append(f"restarted in the last half: {', '.join(outcome.unplanned_restarts)}")
    if outcome.sampler_error:
        reasons.append(f"the sampler failed: {outcome.sampler_error}")
    if names := growing(trends):
        reasons.append(f"memory not flat over the last half: {', '.join(names)}")
    return reasons
