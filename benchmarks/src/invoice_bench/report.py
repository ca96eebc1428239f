"""From runs to numbers: per-peer statistics, the markdown table and the plots (pure
statistics first, then the files)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SCALING_NOTE = "single invoices, one at a time"


@dataclass
class PhaseResult:
    """One peer over one part of the corpus (`mix` or `scaling`)."""

    peer: str
    phase: str
    concurrency: int
    invoices: int
    pages: int
    wall_s: float
    cpu_s: float
    rss_peak_bytes: int
    latencies: list[float]
    pages_per_invoice: list[int]
    problems: dict[str, list[str]] = field(default_factory=dict)
    failure: str | None = None  # the peer could not run at all
    notes: str = ""  # what the peer measured about itself (PeerRun.notes)

    @property
    def invoices_per_s(self) -> float:
        return self.invoices / self.wall_s if self.wall_s else 0.0

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.wall_s if self.wall_s else 0.0

    @property
    def cpu_ms_per_page(self) -> float:
        return 1000 * self.cpu_s / self.pages if self.pages else 0.0


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def table(results: Sequence[PhaseResult], floor: str = "asyncio") -> str:
    """The mix phase, one row per peer, plus each peer's ratio to the floor."""
    mix = [r for r in results if r.phase == "mix"]
    base = next((r for r in mix if r.peer == floor and r.failure is None), None)
    head = (
        "| Implementation | Invoices/s | Pages/s | p50 s | p95 s | p99 s | CPU ms/page "
        "| Peak RSS MiB | Errors | Time vs floor |\n"
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
    )
    rows = []
    for r in mix:
        if r.failure is not None:
            rows.append(f"| {r.peer} | could not run: {r.failure} |||||||||")
            continue
        ratio = f"{r.wall_s / base.wall_s:.1f}x" if base else "n/a"
        rows.append(
            f"| {r.peer} | {r.invoices_per_s:.2f} | {r.pages_per_s:.1f} "
            f"| {percentile(r.latencies, 50):.2f} | {percentile(r.latencies, 95):.2f} "
            f"| {percentile(r.latencies, 99):.2f} | {r.cpu_ms_per_page:.0f} "
            f"| {r.rss_peak_bytes / 2**20:.0f} | {len(r.problems)} | {ratio} |"
        )
    return head + "\n".join(rows) + "\n"


def scaling_table(results: Sequence[PhaseResult]) -> str:
    scaling = [r for r in results if r.phase == "scaling" and r.failure is None]
    sizes = sorted({p for r in scaling for p in r.pages_per_invoice})
    head = "| Implementation | " + " | ".join(f"{p} p" for p in sizes) + " |\n"
    head += "|---|" + "---:|" * len(sizes) + "\n"
    rows = []
    for r in scaling:
        by_size = dict(zip(r.pages_per_invoice, r.latencies, strict=True))
        cells = [f"{by_size[p]:.2f} s" if p in by_size else "" for p in sizes]
        rows.append(f"| {r.peer} | " + " | ".join(cells) + " |")
    return head + "\n".join(rows) + "\n"


def write_plots(results: Sequence[PhaseResult], out_dir: Path) -> list[Path]:
    """throughput.png, latency.png, scaling.png in `out_dir`."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    mix = [r for r in results if r.phase == "mix" and r.failure is None]
    scaling = [r for r in results if r.phase == "scaling" and r.failure is None]
    written = []

    fig, ax = plt.subplots(figsize=(7, 4))
    ax.bar([r.peer for r in mix], [r.pages_per_s for r in mix], color="tab:blue")
    ax.set_ylabel("pages per second (higher is better)")
    ax.set_title("Throughput on the mixed corpus")
    for i, r in enumerate(mix):
        ax.annotate(f"{r.invoices_per_s:.2f} inv/s", (i, r.pages_per_s), ha="center", va="bottom")
    written.append(_save(fig, out_dir / "throughput.png"))

    fig, ax = plt.subplots(figsize=(7, 4))
    for r in mix:
        ordered = sorted(r.latencies)
        share = [(i + 1) / len(ordered) for i in range(len(ordered))]
        ax.step(ordered, share, where="post", label=r.peer)
    ax.set_xscale("log")
    ax.set_xlabel("end-to-end latency per invoice, s (log)")
    ax.set_ylabel("share of invoices done")
    ax.set_title("Latency distribution on the mixed corpus")
    ax.legend()
    written.append(_save(fig, out_dir / "latency.png"))

    fig, ax = plt.subplots(figsize=(7, 4))
    for r in scaling:
        pairs = sorted(zip(r.pages_per_invoice, r.latencies, strict=True))
        ax.plot([p for p, _ in pairs], [s for _, s in pairs], marker="o", label=r.peer)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("pages in the invoice (log)")
    ax.set_ylabel("latency, s (log)")
    ax.set_title(f"Per-page scaling ({SCALING_NOTE})")
    ax.legend()
    written.append(_save(fig, out_dir / "scaling.png"))
    return written


def _save(fig: Any, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    import matplotlib.pyplot as plt

    plt.close(fig)
    return path
