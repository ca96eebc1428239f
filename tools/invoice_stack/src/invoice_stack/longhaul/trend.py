"""Is a process's memory flat? Slopes over the last half of a long-haul run (pure)."""

from __future__ import annotations

from dataclasses import dataclass

# The steepest growth over the last half that still counts as flat: 2% of the
# process's level per hour, and never less than 1 MiB/h (a small process's noise).
# A real leak of 1 KiB per invoice at 2 invoices/s is 7 MiB/h: past it for every
# process smaller than 350 MiB.
MAX_SLOPE_FRACTION_PER_HOUR = 0.02
MIN_SLOPE_BOUND_MIB_PER_HOUR = 1.0

# A leak grows all the time; a heap that takes one more arena or span (Python and Go
# processes grow in steps of a MiB or two, ever further apart: the split service alone
# stepped at 4, 8, 12, 20, 36, 44 and 80 thousand splits) grows once in a while. So a
# process is growing only when the last half climbs faster than the bound and so do
# both of its quarters: one step, wherever it falls, lifts at most one quarter, while
# a steady climb lifts both. A run forgives steps further apart than a quarter of it,
# so the longer the run, the finer the growth it tells from high water.


def slope_per_hour(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of (seconds, value) points, in value per hour."""
    if len(points) < 2:
        return 0.0
    n = len(points)
    mean_t = sum(t for t, _ in points) / n
    mean_v = sum(v for _, v in points) / n
    spread = sum((t - mean_t) ** 2 for t, _ in points)
    if spread == 0:
        return 0.0
    covariance = sum((t - mean_t) * (v - mean_v) for t, v in points)
    return covariance / spread * 3600


# A verdict needs most of the last half's samples: a sampler that stopped early
# (a crash, a process that would not answer) must not pass as a flat line.
MIN_SAMPLE_SHARE = 0.8


@dataclass(frozen=True)
class Trend:
    subject: str
    metric: str  # what was fitted (anon_mib, or rss_mib; used_mib for Redis's data)
    level_mib: float  # mean over the last half
    slope_mib_per_hour: float
    third_quarter_slope_mib_per_hour: float
    late_slope_mib_per_hour: float  # over the last quarter
    samples: int  # in the last half
    expected: int  # samples the last half should have had

    @property
    def bound_mib_per_hour(self) -> float:
        return max(MIN_SLOPE_BOUND_MIB_PER_HOUR, MAX_SLOPE_FRACTION_PER_HOUR * self.level_mib)

    @property
    def enough_samples(self) -> bool:
        return self.samples >= MIN_SAMPLE_SHARE * self.expected

    @property
    def flat(self) -> bool:
        bound = self.bound_mib_per_hour
        slopes = (
            self.slope_mib_per_hour,
            self.third_quarter_slope_mib_per_hour,
            self.late_slope_mib_per_hour,
        )
        growing = all(slope > bound for slope in slopes)
        return self.enough_samples and not growing


def last_half_trend(
    subject: str,
    metric: str,
    points: list[tuple[float, float]],
    duration_s: float,
    sample_s: float,
) -> Trend:
    """The trend of `points` (seconds from the start, MiB) over the run's last half: from
    half-way to the end of the load, not the drain after it."""
    half = [(t, v) for t, v in points if duration_s / 2 <= t <= duration_s]
    third = [(t, v) for t, v in half if t < duration_s * 3 / 4]
    quarter = [(t, v) for t, v in half if t >= duration_s * 3 / 4]
    level = sum(v for _, v in half) / len(half) if half else 0.0
    expected = int(duration_s / 2 / sample_s)
    slopes = slope_per_hour(half), slope_per_hour(third), slope_per_hour(quarter)
    return Trend(subject, metric, level, *slopes, len(half), expected)
