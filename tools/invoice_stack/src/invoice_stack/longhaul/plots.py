"""One PNG per sampled subject: each of its metrics against minutes, restarts marked,
and for memory the last half's fitted trend."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt

from invoice_stack.longhaul.sampler import Sample
from invoice_stack.longhaul.schedule import Restart
from invoice_stack.longhaul.trend import Trend


def write_plots(
    samples: list[Sample],
    restarts: list[Restart],
    trends: dict[str, Trend],
    duration_s: float,
    out: Path,
) -> list[Path]:
    series: dict[str, dict[str, list[tuple[float, float]]]] = defaultdict(lambda: defaultdict(list))
    for s in samples:
        series[s.subject][s.metric].append((s.elapsed_s / 60, s.value))
    written = []
    for subject, metrics in sorted(series.items()):
        fig, axes = plt.subplots(len(metrics), 1, figsize=(7, 1.8 * len(metrics)), sharex=True)
        axes = axes if len(metrics) > 1 else [axes]
        for ax, (metric, points) in zip(axes, sorted(metrics.items()), strict=True):
            ax.plot([t for t, _ in points], [v for _, v in points], lw=1.2)
            ax.set_ylabel(metric, fontsize=8)
            ax.tick_params(labelsize=7)
            ax.grid(alpha=0.3)
            for restart in restarts:
                colour = "tab:red" if restart.process == subject else "0.8"
                ax.axvline(restart.at_seconds / 60, color=colour, lw=0.8, ls="--")
            trend = trends.get(subject)
            if trend is not None and metric == trend.metric:
                half = [(t, v) for t, v in points if duration_s / 2 <= t * 60 <= duration_s]
                if half:
                    mid = (half[0][0] + half[-1][0]) / 2
                    per_min = trend.slope_mib_per_hour / 60
                    xs = [half[0][0], half[-1][0]]
                    ax.plot(xs, [trend.level_mib + per_min * (x - mid) for x in xs], "k:", lw=1)
        title = subject
        if subject in trends:
            t = trends[subject]
            title += (
                f": {t.slope_mib_per_hour:+.2f} MiB/h over the last half "
                f"(bound {t.bound_mib_per_hour:.1f}) at {t.level_mib:.0f} MiB"
            )
        axes[0].set_title(title, fontsize=9)
        axes[-1].set_xlabel("minutes", fontsize=8)
        fig.tight_layout()
        path = out / f"{subject}.png"
        fig.savefig(path, dpi=80)
        plt.close(fig)
        written.append(path)
    return written
