"""Charts of Prometheus series drawn as SVG on the server: points land inside the plot,
gaps stay gaps, empty answers say so; and the Prometheus client's range queries."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import httpx
import pytest

from console_app import charts
from console_app.charts import (
    CHARTS,
    HEIGHT,
    LEFT,
    PLOT_HEIGHT,
    PLOT_WIDTH,
    TOP,
    WIDTH,
    ChartSpec,
    draw,
    nice_ceiling,
    number,
)
from console_app.prometheus import Prometheus, PrometheusError, Series, parse_matrix

END = 1_780_000_000.0
START = END - 3600
RATE = ChartSpec(key="r", title="Rate", unit="per minute", query="q", name="started")
BY_STATUS = ChartSpec(key="s", title="Ended", unit="per minute", query="q", label="status")


def coordinates(path: str) -> list[tuple[float, float]]:
    """The absolute points of a path made of M and L commands."""
    return [(float(x), float(y)) for x, y in re.findall(r"[ML](-?[\d.]+) (-?[\d.]+)", path)]


def test_the_first_and_last_points_of_the_hour_land_on_the_plots_corners():
    series = Series({}, [(START, 0.0), (START + 1800, 2.5), (END, 5.0)])
    chart = draw(RATE, [series], START, END)
    assert coordinates(chart.lines[0].path) == [
        (LEFT, TOP + PLOT_HEIGHT),
        (LEFT + PLOT_WIDTH / 2, TOP + PLOT_HEIGHT / 2),
        (LEFT + PLOT_WIDTH, TOP),
    ]
    assert [t.label for t in chart.y_ticks] == ["0", "2.5", "5"]
    assert [t.label for t in chart.x_ticks] == ["60 min ago", "30 min ago", "now"]


def test_every_point_stays_inside_the_viewbox():
    wild = Series({}, [(START - 600, 3.0)] + [(START + 30 * n, n * 0.37) for n in range(121)])
    chart = draw(RATE, [wild], START, END)
    points = coordinates(chart.lines[0].path)
    assert len(points) == 122
    assert all(LEFT <= x <= LEFT + PLOT_WIDTH and TOP <= y <= TOP + PLOT_HEIGHT for x, y in points)
    assert 0 < LEFT + PLOT_WIDTH <= WIDTH and TOP + PLOT_HEIGHT < HEIGHT


def test_the_y_axis_ends_at_a_round_number_at_or_above_the_peak():
    assert [nice_ceiling(v) for v in (0, 0.07, 1, 2, 3.4, 12, 2400)] == [
        1.0, 0.1, 1.0, 2.0, 5.0, 20.0, 2500.0,
    ]  # fmt: skip


def test_a_gap_in_the_data_starts_a_new_stroke_and_a_lone_point_is_a_dot():
    series = Series({}, [(START, 1.0), (START + 30, 1.0), (START + 600, 1.0)])
    path = draw(RATE, [series], START, END).lines[0].path
    assert path.count("M") == 2
    assert path.endswith("l0 0")


def test_no_series_or_only_empty_ones_is_no_data():
    for answer in ([], [Series({"status": "success"}, [])]):
        chart = draw(BY_STATUS, answer, START, END)
        assert chart.empty and chart.summary == "No data in the last hour."


def test_outcomes_keep_their_colours_and_the_summary_gives_each_latest_value():
    ended = [
        Series({"status": "success"}, [(START, 1.0), (END, 3.4)]),
        Series({"status": "failed"}, [(START, 0.2), (END, 0.0)]),
    ]
    chart = draw(BY_STATUS, ended, START, END)
    assert [(line.name, line.colour, line.last) for line in chart.lines] == [
        ("failed", "bad", 0.0),
        ("success", "ok", 3.4),
    ]
    assert chart.summary == (
        "Latest: failed 0 per minute; success 3.4 per minute. Highest in the hour: 3.4 per minute."
    )


def test_a_line_that_stopped_long_ago_has_no_latest_value():
    stopped = Series({}, [(START, 2.0), (START + 60, 2.0)])
    chart = draw(RATE, [stopped], START, END)
    assert chart.lines[0].last is None
    assert "started no recent value" in chart.summary


def test_numbers_are_short():
    assert [number(v) for v in (0, 0.01234, 0.5, 1.0, 3.46, 12.0, 123.4)] == [
        "0", "0.0123", "0.5", "1", "3.5", "12", "123",
    ]  # fmt: skip


def test_the_charts_ask_the_queries_of_the_dashboard():
    queries = {spec.key: spec.query for spec in CHARTS}
    assert queries["started"] == "sum(rate(invoice_workflows_started_total[5m])) * 60"
    assert 'status=~"success|failed|terminated"' in queries["ended"]
    assert queries["duration"].endswith("/ 1000")  # the runtime's milliseconds, as seconds
    assert "invoice_page_extraction_seconds_bucket" in queries["extraction"]
    assert (charts.WINDOW_SECONDS, charts.STEP_SECONDS) == (3600, 30)


def test_not_a_number_is_a_gap_not_a_point():
    body = {
        "status": "success",
        "data": {
            "resultType": "matrix",
            "result": [{"metric": {"status": "success"},
                        "values": [[START, "1.5"], [START + 30, "NaN"], [START + 60, "+Inf"]]}],
        },
    }  # fmt: skip
    assert parse_matrix(body) == [Series({"status": "success"}, [(START, 1.5)])]


def test_an_answer_that_is_not_a_matrix_of_numbers_is_an_error_in_words():
    vector = {"status": "success", "data": {"resultType": "vector", "result": []}}
    with pytest.raises(PrometheusError, match="answered a 'vector', not a matrix"):
        parse_matrix(vector)
    garbled = {"data": {"resultType": "matrix", "result": [{"values": [[START, "many"]]}]}}
    with pytest.raises(PrometheusError, match="not one of numbers"):
        parse_matrix(garbled)


def query(handler: Any) -> Any:
    async def go() -> Any:
        transport = httpx.MockTransport(handler)
        async with Prometheus("http://prometheus", 2.0, transport=transport) as prometheus:
            return await prometheus.query_range("up", START, END, 30)

    return asyncio.run(go())


def test_a_range_query_sends_the_window_and_step_and_reads_the_matrix():
    asked: list[httpx.Request] = []

    def prometheus(request: httpx.Request) -> httpx.Response:
        asked.append(request)
        result = [{"metric": {"job": "x"}, "values": [[START, "1"], [END, "2"]]}]
        body = {"status": "success", "data": {"resultType": "matrix", "result": result}}
        return httpx.Response(200, json=body)

    assert query(prometheus) == [Series({"job": "x"}, [(START, 1.0), (END, 2.0)])]
    params = asked[0].url.params
    assert asked[0].url.path == "/api/v1/query_range"
    assert (params["query"], params["step"]) == ("up", "30")
    assert (float(params["start"]), float(params["end"])) == (START, END)


def test_prometheus_down_or_refusing_is_said_in_words():
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with pytest.raises(PrometheusError, match="Prometheus did not answer at http://prometheus"):
        query(down)

    def refuses(request: httpx.Request) -> httpx.Response:
        body = {"status": "error", "errorType": "bad_data", "error": "parse error at char 3"}
        return httpx.Response(400, json=body)

    with pytest.raises(PrometheusError, match=r"refused the query \(bad_data\): parse error"):
        query(refuses)
