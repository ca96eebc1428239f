"""The console's trace and chart pages over a fake host, a fake Jaeger and a fake
Prometheus: what they show, what they say when those are down or empty, and that
nothing is shown (or asked) when the console is not told where they are."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from console_app.charts import CHARTS
from console_app.config import Settings

from .test_console import Browser

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
OLDER_TRACE_ID = "0af7651916cd43dd8448eb211c80319c"
T0 = 1_780_000_000_000_000
SDK_TAG = "dapr.ext.workflow._durabletask.task.instance_id"
Handler = Callable[[httpx.Request], httpx.Response]


def _span(
    span_id: str,
    start_ms: int,
    duration_ms: int,
    operation: str,
    parent: str | None = None,
    tags: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "traceID": TRACE_ID, "spanID": span_id, "operationName": operation,
        "references": [{"refType": "CHILD_OF", "traceID": TRACE_ID, "spanID": parent}]
        if parent else [],
        "startTime": T0 + start_ms * 1000, "duration": duration_ms * 1000,
        "tags": [{"key": k, "type": "string", "value": v} for k, v in (tags or {}).items()],
        "processID": "p1",
    }  # fmt: skip


WHOLE_TRACE = {
    "traceID": TRACE_ID,
    "spans": [
        _span("a0", 0, 2000, "orchestration||invoice_workflow"),
        _span("a1", 500, 1000, "activity: upload_pdf_activity", "a0", {SDK_TAG: "INV-1"}),
        _span("a2", 1000, 500, "activity: extract_page_activity", "a0",
              {SDK_TAG: "INV-1:batch-0001", "error": "true"}),
    ],
    "processes": {"p1": {"serviceName": "workflow-app", "tags": []}},
}  # fmt: skip


class FakeJaeger:
    """Jaeger's query API: the traced invoices have two traces (they ran twice), others
    none."""

    def __init__(self, traced: tuple[str, ...] = ("INV-1",)) -> None:
        self.traced = traced
        self.asked: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.asked.append(str(request.url))
        if request.url.path == "/api/traces":
            tags = json.loads(request.url.params["tags"])
            if tags.get(SDK_TAG) not in self.traced:
                return httpx.Response(200, json={"data": []})
            older = {
                **WHOLE_TRACE,
                "traceID": OLDER_TRACE_ID,
                "spans": [{**_span("o1", -60_000, 5, "old"), "traceID": OLDER_TRACE_ID}],
            }
            return httpx.Response(200, json={"data": [older, WHOLE_TRACE]})  # fmt: skip
        trace_id = request.url.path.rsplit("/", 1)[-1]
        if trace_id == TRACE_ID:
            return httpx.Response(200, json={"data": [WHOLE_TRACE]})
        return httpx.Response(404, json={"data": None, "errors": [{"msg": "trace not found"}]})


def down(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused", request=request)


def never(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"the console asked {request.url} although it was not told of it")


def fake_prometheus(asked: list[str]) -> Handler:
    """Every chart's query has a line, except the extraction chart: no data yet."""

    def answer(request: httpx.Request) -> httpx.Response:
        query = request.url.params["query"]
        asked.append(query)
        start, end = float(request.url.params["start"]), float(request.url.params["end"])
        if "extraction" in query:
            result: list[dict[str, Any]] = []
        elif "by (status)" in query:
            result = [
                {"metric": {"status": "success"}, "values": [[start, "1"], [end, "4"]]},
                {"metric": {"status": "failed"}, "values": [[start, "0"], [end, "0.5"]]},
            ]
        else:
            result = [{"metric": {}, "values": [[start, "2"], [end, "3"]]}]
        body = {"status": "success", "data": {"resultType": "matrix", "result": result}}
        return httpx.Response(200, json=body)

    return answer


def observed(jaeger: Handler = never, prometheus: Handler = never) -> Browser:
    settings = Settings(
        host_api_url="http://host",
        jaeger_url="http://jaeger:16686/",
        prometheus_url="http://prometheus:9090",
    )
    browser = Browser(settings)
    browser.app.state.jaeger_transport = httpx.MockTransport(jaeger)
    browser.app.state.prometheus_transport = httpx.MockTransport(prometheus)
    browser.sign_in()
    return browser


def test_the_invoice_page_links_its_newest_trace():
    jaeger = FakeJaeger()
    browser = observed(jaeger)
    page = browser.request("GET", "/invoices/INV-1").text
    assert f'href="/invoices/INV-1/trace?trace={TRACE_ID}"><code>{TRACE_ID}</code></a>' in page
    assert "the newest of 2 runs" in page
    assert jaeger.asked and all(
        url.startswith("http://jaeger:16686/api/traces?") for url in jaeger.asked
    )
    # The live part refreshes every few seconds: it does not ask Jaeger each time.
    asked = len(jaeger.asked)
    assert browser.request("GET", "/fragments/invoices/INV-1").status_code == 200
    assert len(jaeger.asked) == asked


def test_the_trace_page_draws_the_waterfall_indented_with_bars():
    page = observed(FakeJaeger()).request("GET", "/invoices/INV-1/trace").text
    assert f"<code>{TRACE_ID}</code>" in page
    operations = re.findall(r'padding-left: ([\d.]+)rem"><span class="visually-hidden">'
                            r"level \d: </span>([^<]+)", page)  # fmt: skip
    assert operations == [
        ("0.6", "orchestration||invoice_workflow"),
        ("1.6", "activity: upload_pdf_activity"),
        ("1.6", "activity: extract_page_activity "),
    ]
    assert 'class="bar" style="margin-left: 25.00%; width: 50.00%"' in page
    assert 'class="bar b-failed" style="margin-left: 50.00%; width: 25.00%"' in page
    assert ">batch-0001</span>" in page and '<span class="error">failed</span>' in page
    assert "2000.0 ms" in page
    # Both runs of the id are offered; the one shown is marked.
    assert f'trace={OLDER_TRACE_ID}"><code>' in page
    assert f'trace={TRACE_ID}" aria-current="page">' in page


def test_a_trace_that_is_not_the_invoices_is_not_shown_under_its_name():
    jaeger = FakeJaeger()
    observed(jaeger).request("GET", "/invoices/INV-1/trace?trace=ffffffffffffffff")
    assert not any("ffffffffffffffff" in url for url in jaeger.asked)


def test_a_running_invoice_says_its_trace_grows_until_it_ends():
    page = observed(FakeJaeger()).request("GET", "/invoices/INV-2/trace").text
    assert "Jaeger has no trace of INV-2 yet" in page
    assert "only when the workflow ends, so the trace grows while it runs" in page
    invoice = observed(FakeJaeger()).request("GET", "/invoices/INV-2").text
    assert "Jaeger has no trace of INV-2 yet" in invoice


def test_a_running_invoices_trace_is_shown_with_a_note_that_it_grows():
    page = observed(FakeJaeger(traced=("INV-2",))).request("GET", "/invoices/INV-2/trace").text
    assert '<p class="notice" role="status">Still running.' in page
    assert "<table" in page
    finished = observed(FakeJaeger()).request("GET", "/invoices/INV-1/trace").text
    assert "Still running" not in finished


def test_jaeger_down_is_said_and_the_invoice_page_still_renders():
    browser = observed(down)
    page = browser.request("GET", "/invoices/INV-1")
    assert page.status_code == 200 and "EUR" in page.text
    assert "Jaeger did not answer at http://jaeger:16686" in page.text
    trace = browser.request("GET", "/invoices/INV-1/trace")
    assert trace.status_code == 200
    assert '<p class="error" role="alert">Jaeger did not answer' in trace.text


def test_the_charts_page_draws_every_query_as_an_accessible_svg():
    asked: list[str] = []
    page = observed(prometheus=fake_prometheus(asked)).request("GET", "/charts").text
    assert sorted(asked) == sorted(spec.query for spec in CHARTS)
    assert page.count('role="img"') == 3  # the extraction chart has no data yet
    assert "No data yet in the last hour." in page
    assert 'id="chart-ended-desc">Latest: failed 0.5 per minute; success 4 per minute.' in page
    assert 'class="line line-ok"' in page and 'class="line line-bad"' in page
    for spec in CHARTS:
        assert f'<h2 id="chart-{spec.key}-h">{spec.title}</h2>' in page


def test_prometheus_down_is_said_once_not_per_chart():
    page = observed(prometheus=down).request("GET", "/charts").text
    assert page.count("Prometheus did not answer at http://prometheus:9090") == 1
    assert 'role="img"' not in page


@pytest.mark.parametrize("path", ["/invoices/INV-1/trace", "/charts"])
def test_the_new_pages_need_a_sign_in(path: str):
    browser = Browser()
    answer = browser.request("GET", path)
    assert answer.status_code == 303 and answer.headers["location"] == "/signin"


def test_without_their_urls_traces_and_charts_are_hidden_with_a_note():
    browser = Browser()  # no Jaeger, no Prometheus
    browser.app.state.jaeger_transport = httpx.MockTransport(never)
    browser.app.state.prometheus_transport = httpx.MockTransport(never)
    browser.sign_in()
    invoice = browser.request("GET", "/invoices/INV-1").text
    assert "has not been told where Jaeger is (<code>CONSOLE_JAEGER_URL</code>)" in invoice
    assert "/invoices/INV-1/trace" not in invoice
    trace = browser.request("GET", "/invoices/INV-1/trace").text
    assert "CONSOLE_JAEGER_URL" in trace and "<table" not in trace
    charts = browser.request("GET", "/charts").text
    assert "CONSOLE_PROMETHEUS_URL" in charts and "<svg" not in charts
    assert '<a href="/charts">Charts</a>' in charts  # where the charts would be


def test_blank_urls_mean_unset_and_a_trailing_slash_is_dropped():
    settings = Settings(jaeger_url="  ", prometheus_url="http://prometheus:9090/")
    assert settings.jaeger_url is None
    assert settings.prometheus_url == "http://prometheus:9090"
