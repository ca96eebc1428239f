"""Line charts of Prometheus series, drawn as SVG on the server (pure: no I/O, no clock).

The y axis starts at zero (every chart here is a rate or a duration, so zero is honest)
and ends at a round number above the highest point; the x axis is the whole window, so
a stretch without data shows as a gap rather than being stretched over.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from console_app.prometheus import Series

WINDOW_SECONDS = 3600
STEP_SECONDS = 30

# The drawing, in viewBox units; the SVG scales to the page's width.
WIDTH, HEIGHT = 600, 200
LEFT, RIGHT, TOP, BOTTOM = 52, 12, 14, 26
PLOT_WIDTH, PLOT_HEIGHT = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM


@dataclass(frozen=True)
class ChartSpec:
    key: str  # names the chart's heading and ids in the page
    title: str
    unit: str
    query: str
    label: str | None = None  # the series label that names each line
    name: str = "value"  # the line's name when there is no such label


CHARTS = (
    ChartSpec(
        key="started",
        title="Invoices started per minute",
        unit="per minute",
        query="sum(rate(invoice_workflows_started_total[5m])) * 60",
        name="started",
    ),
    ChartSpec(
        key="ended",
        title="Invoices ended per minute, by status",
        unit="per minute",
        query=(
            'sum by (status) (rate(dapr_runtime_workflow_execution_count{workflow_name="invoice'
            '_workflow", status=~"success|failed|terminated"}[5m])) * 60'
        ),
        label="status",
    ),
    ChartSpec(
        key="duration",
        title="Invoice duration, 95th percentile",
        unit="s",
        # The runtime measures workflows in milliseconds.
        query=(
            "histogram_quantile(0.95, sum by (le) (rate(dapr_runtime_workflow_execution_"
            'latency_bucket{workflow_name="invoice_workflow"}[5m]))) / 1000'
        ),
        name="p95",
    ),
    ChartSpec(
        key="extraction",
        title="Page extraction, 95th percentile",
        unit="s",
        query=(
            "histogram_quantile(0.95, sum by (le) (rate(invoice_page_extraction_seconds_bucket"
            "[5m])))"
        ),
        name="p95",
    ),
)

# Outcomes keep their usual colours; other lines take the palette in turn.
STATUS_COLOURS = {"success": "ok", "failed": "bad", "terminated": "warn"}
PALETTE = ("accent", "ok", "bad", "warn", "ink")


@dataclass(frozen=True)
class Line:
    name: str
    path: str  # the SVG path's `d`
    colour: str  # a CSS class suffix: line-<colour>, swatch-<colour>
    last: float | None


@dataclass(frozen=True)
class Tick:
    at: float  # viewBox units along its axis
    label: str


@dataclass(frozen=True)
class Chart:
    spec: ChartSpec
    lines: list[Line]
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    peak: float

    @property
    def empty(self) -> bool:
        return not self.lines

    @property
    def summary(self) -> str:
        """What the chart shows, in a sentence (its SVG description)."""
        if self.empty:
            return "No data in the last hour."
        lasts = "; ".join(
            f"{line.name} {number(line.last)} {self.spec.unit}"
            if line.last is not None
            else f"{line.name} no recent value"
            for line in self.lines
        )
        return f"Latest: {lasts}. Highest in the hour: {number(self.peak)} {self.spec.unit}."


def number(value: float) -> str:
    """Three significant figures at most, without a trailing `.00` on whole numbers."""
    if value == 0 or abs(value) >= 100:
        return f"{value:.0f}"
    return f"{value:.3g}" if abs(value) < 1 else f"{value:.1f}".removesuffix(".0")


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 (times a power of ten) at or above `value`."""
    if value <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if value <= m * power * (1 + 1e-9))


def _path(
    points: list[tuple[float, float]], start: float, end: float, top: float, step: float
) -> str:
    """An SVG path through the points; a new stroke after each gap in the data."""
    strokes: list[list[tuple[float, float]]] = []
    previous: float | None = None
    for at, value in points:
        if previous is None or at - previous > 1.5 * step:
            strokes.append([])
        x = LEFT + PLOT_WIDTH * min(max((at - start) / (end - start), 0.0), 1.0)
        y = TOP + PLOT_HEIGHT * (1 - min(max(value / top, 0.0), 1.0))
        strokes[-1].append((x, y))
        previous = at
    return " ".join(_stroke(stroke) for stroke in strokes)


def _stroke(points: list[tuple[float, float]]) -> str:
    (x, y), rest = points[0], points[1:]
    if not rest:
        return f"M{x:.1f} {y:.1f} l0 0"  # a lone point: round caps draw it as a dot
    return f"M{x:.1f} {y:.1f} " + " ".join(f"L{x:.1f} {y:.1f}" for x, y in rest)


def _name(spec: ChartSpec, series: Series) -> str:
    return series.labels.get(spec.label, spec.name) if spec.label else spec.name


def draw(
    spec: ChartSpec, series: list[Series], start: float, end: float, step: float = STEP_SECONDS
) -> Chart:
    shown = sorted((s for s in series if s.points), key=lambda s: _name(spec, s))
    peak = max((v for s in shown for _, v in s.points), default=0.0)
    top = nice_ceiling(peak)
    lines = [
        Line(
            name=_name(spec, s),
            path=_path(s.points, start, end, top, step),
            colour=STATUS_COLOURS.get(_name(spec, s), PALETTE[index % len(PALETTE)]),
            last=s.points[-1][1] if end - s.points[-1][0] <= 2 * step else None,
        )
        for index, s in enumerate(shown)
    ]
    minutes = round((end - start) / 60)
    return Chart(
        spec=spec,
        lines=lines,
        y_ticks=[
            Tick(TOP + PLOT_HEIGHT, "0"),
            Tick(TOP + PLOT_HEIGHT / 2, number(top / 2)),
            Tick(TOP, number(top)),
        ],
        x_ticks=[
            Tick(LEFT, f"{minutes} min ago"),
            Tick(LEFT + PLOT_WIDTH / 2, f"{minutes // 2} min ago"),
            Tick(LEFT + PLOT_WIDTH, "now"),
        ],
        peak=peak,
    )
