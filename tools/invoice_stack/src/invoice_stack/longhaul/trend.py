"""Is a process's memory flat? Slopes over the last half of a long-haul run (pure)."""

from __future__ import annotations

from dataclasses import dataclass

# The steepest growth over the last half that still counts as flat: 2% of the
# process's level per hour, and never less than 1 MiB/h (a small process's noise).
# A real leak of 1 KiB per invoice at 2 invoices/s is 7 MiB/h: past it for every
# process smaller than 350 MiB.
MAX_SLOPE_FRACTION_PER_HOUR = 0.02
MIN_SLOPE_BOUND_MIB_PER_HOUR = 1.0


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


@dataclass(frozen=True)
class Trend:
    subject: str
    level_mib: float  # mean over the last half
    slope_mib_per_hour: float

    @property
    def bound_mib_per_hour(self) -> float:
        return max(MIN_SLOPE_BOUND_MIB_PER_HOUR, MAX_SLOPE_FRACTION_PER_HOUR * self.level_mib)

    @property
    def flat(self) -> bool:
        return self.slope_mib_per_hour <= self.bound_mib_per_hour


def last_half_trend(subject: str, points: list[tuple[float, float]], duration_s: float) -> Trend:
    """The trend of `points` (seconds from the start, MiB) over the run's last half."""
    half = [(t, v) for t, v in points if t >= duration_s / 2] or points[-1:]
    level = sum(v for _, v in half) / len(half) if half else 0.0
    return Trend(subject, level, slope_per_hour(half))
