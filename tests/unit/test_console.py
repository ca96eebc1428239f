"""The console over a fake host API: sign-in, sessions, CSRF, what the pages show, and
what reaches the host."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Header, HTTPException, Response

from console_app import views
from console_app.config import Settings
from console_app.main import create_app
from console_app.routes import COOKIE
from console_app.sessions import Sessions

KEY = "console-test-key-0123456789"
PNG = b"\x89PNG\r\n\x1a\n"
WHEN = "2026-11-29T01:00:00Z"


def _fake_host(calls: list[tuple[str, str, Any]], listed: list[bool]) -> FastAPI:
    host = FastAPI()
    views_by_id = {
        "INV-1": {"instance_id": "INV-1", "workflow_name": "invoice_workflow",
                  "status": "COMPLETED", "stage": "completed", "pages_done": 3,
                  "pages_total": 3, "error": None,
                  "result": {"invoice_number": "N-7", "total": 12.5, "currency": "EUR",
                             "page_count": 3, "confidence": {"total": 0.97, "invoice_number": 0.6},
                             "source": {"total": "embedded_xml", "invoice_number": "text"},
                             "approval": {"status": "auto_approved", "reason": "fine"}}},
        "INV-2": {"instance_id": "INV-2", "workflow_name": "invoice_workflow", "status": "RUNNING",
                  "stage": "awaiting_approval", "pages_done": 1, "pages_total": 1, "error": None,
                  "result": None,
                  "approval_request": {"reason": "total 9000.00 exceeds the approval threshold",
                                       "total": 9000.0, "currency": "USD"}},
    }  # fmt: skip

    def check(key: str | None) -> None:
        if key != KEY:
            raise HTTPException(401, "missing or wrong API key")

    @host.get("/api/workflows")
    async def listing(
        x_api_key: str | None = Header(None), details: bool = False
    ) -> list[dict[str, Any]]:
        check(x_api_key)
        listed.append(details)
        rows = []
        for i, v in views_by_id.items():
            invoice = v["result"] or v.get("approval_request") or {}
            rows.append(
                {"instance_id": i, "workflow_name": "invoice_workflow", "status": v["status"],
                 "created_at": WHEN, "last_updated_at": WHEN, "stage": v["stage"],
                 "pages_done": v["pages_done"], "pages_total": v["pages_total"],
                 "total": invoice.get("total"), "currency": invoice.get("currency"),
                 "approval_reason": (v.get("approval_request") or {}).get("reason")}
            )  # fmt: skip
        return rows

    @host.get("/api/workflows/{instance_id}")
    async def one(instance_id: str, x_api_key: str | None = Header(None)) -> dict[str, Any]:
        check(x_api_key)
        return views_by_id[instance_id]

    @host.get("/api/workflows/{instance_id}/history")
    async def history(instance_id: str, x_api_key: str | None = Header(None)) -> list[Any]:
        check(x_api_key)
        return HISTORY

    @host.get("/api/workflows/{instance_id}/pages/{n}/image")
    async def image(instance_id: str, n: int, width: int,
                    x_api_key: str | None = Header(None)) -> Response:  # fmt: skip
        check(x_api_key)
        if n > views_by_id[instance_id]["pages_total"]:
            raise HTTPException(404, f"{instance_id} has no page {n}")
        return Response(PNG + f"{instance_id}/{n}/{width}".encode(), media_type="image/png")

    @host.post("/api/workflows/{instance_id}/{action}")
    async def act(
        instance_id: str, action: str, x_api_key: str | None = Header(None)
    ) -> dict[str, str]:
        check(x_api_key)
        calls.append(("POST", f"{instance_id}/{action}", None))
        return {"instance_id": instance_id}

    @host.post("/api/workflows/{instance_id}/raise-event/{event}")
    async def raise_event(instance_id: str, event: str, body: dict[str, Any],
                          x_api_key: str | None = Header(None)) -> dict[str, str]:  # fmt: skip
        check(x_api_key)
        calls.append(("POST", f"{instance_id}/raise-event/{event}", body))
        return {"instance_id": instance_id}

    return host


HISTORY = [
    {"event_id": -1, "timestamp": "2026-11-29T01:00:00Z", "kind": "executionStarted",
     "details": {}},
    {"event_id": 0, "timestamp": "2026-11-29T01:00:00.5Z", "kind": "taskScheduled",
     "details": {"name": "upload_pdf_activity", "input": "{}"}},
    {"event_id": -1, "timestamp": "2026-11-29T01:00:01Z", "kind": "taskCompleted",
     "details": {"taskScheduledId": 0}},
    {"event_id": 1, "timestamp": "2026-11-29T01:00:01Z", "kind": "taskScheduled",
     "details": {"name": "split_pdf_activity", "input": "{\"a\": 1}"}},
    {"event_id": -1, "timestamp": "2026-11-29T01:00:02Z", "kind": "taskFailed",
     "details": {"taskScheduledId": 1, "failureDetails": {"errorMessage": "boom"}}},
    {"event_id": 2, "timestamp": "2026-11-29T01:00:03Z", "kind": "taskScheduled",
     "details": {"name": "split_pdf_activity", "input": "{\"a\": 1}"}},
    {"event_id": -1, "timestamp": "2026-11-29T01:00:04Z", "kind": "taskFailed",
     "details": {"taskScheduledId": 2, "failureDetails": {"errorMessage": "boom again"}}},
    {"event_id": 3, "timestamp": "2026-11-29T01:00:04Z", "kind": "timerCreated", "details": {}},
]  # fmt: skip


class Browser:
    """Requests with cookies, against the console in process."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.calls: list[tuple[str, str, Any]] = []
        self.listed: list[bool] = []  # `details` of each list call
        # Without Jaeger and Prometheus unless a test gives them (whatever the environment says).
        unobserved = Settings(host_api_url="http://host", jaeger_url=None, prometheus_url=None)
        self.app = create_app(settings or unobserved)
        self.app.state.host_transport = httpx.ASGITransport(app=_fake_host(self.calls, self.listed))
        self.cookies = httpx.Cookies()

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        async def run() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(
                transport=transport, base_url="http://console", cookies=self.cookies
            ) as http:
                response = await http.request(method, path, **kwargs)
                self.cookies.update(http.cookies)
                return response

        return asyncio.run(run())

    def sign_in(self, key: str = KEY) -> httpx.Response:
        return self.request("POST", "/signin", data={"api_key": key})

    def csrf(self, path: str = "/") -> str:
        match = re.search(r'name="csrf" value="([^"]+)"', self.request("GET", path).text)
        assert match, "no CSRF token on the page"
        return match.group(1)


@pytest.fixture
def browser() -> Browser:
    return Browser()


def test_pages_need_a_sign_in_and_fragments_say_401(browser: Browser):
    page = browser.request("GET", "/")
    assert page.status_code == 303 and page.headers["location"] == "/signin"
    assert browser.request("GET", "/fragments/invoices").status_code == 401
    assert "API key" in browser.request("GET", "/signin").text


def test_a_wrong_key_is_refused_in_words(browser: Browser):
    page = browser.sign_in("not-the-key-0123456789")
    assert page.status_code == 200 and "not accepted" in page.text
    assert COOKIE not in browser.cookies


def test_signing_in_sets_an_httponly_strict_cookie_that_is_not_the_key(browser: Browser):
    response = browser.sign_in()
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert KEY not in cookie
    for path in ("/", "/invoices/INV-1", "/approvals", "/start"):
        page = browser.request("GET", path)
        assert page.status_code == 200, path
        assert KEY not in page.text, path


def test_the_list_shows_status_stage_pages_total_and_counts(browser: Browser):
    browser.sign_in()
    page = browser.request("GET", "/").text
    assert "INV-1" in page and "INV-2" in page
    assert "EUR 12.50" in page and "3/3" in page
    assert "awaiting approval" in page
    only = browser.request("GET", "/?status=AWAITING_APPROVAL").text
    assert "INV-2" in only and "/invoices/INV-1" not in only
    assert "/invoices/INV-1" in browser.request("GET", "/?q=inv-1").text
    # After the sign-in's key check: one call per page view, asking for the details,
    # not one call per invoice.
    assert browser.listed[1:] == [True, True, True]


def test_the_time_filter_keeps_what_started_within_the_period():
    now = views.parse_time("2026-11-29T02:00:00Z")
    assert now is not None
    recent = {"instance_id": "A", "status": "RUNNING", "created_at": views.parse_time(WHEN)}
    assert views.matches(recent, None, None, views.since_cutoff("1h", now))
    assert not views.matches(recent, None, None, views.since_cutoff("1h", now.replace(hour=3)))
    assert views.since_cutoff("", now) is None and views.since_cutoff("forever", now) is None


def test_the_approval_queue_shows_why_and_how_much(browser: Browser):
    browser.sign_in()
    queue = browser.request("GET", "/approvals").text
    assert "exceeds the approval threshold" in queue and "USD 9000.00" in queue
    assert "/invoices/INV-1" not in queue
    detail = browser.request("GET", "/invoices/INV-2").text
    assert "exceeds the approval threshold: USD 9000.00" in detail


def test_the_result_is_shown_beside_its_pages(browser: Browser):
    browser.sign_in()
    page = browser.request("GET", "/invoices/INV-1").text
    for n in (1, 2, 3):
        assert f'src="/invoices/INV-1/pages/{n}.png"' in page
    # Each field with how sure the extractor is and where it read it; doubts stand out.
    assert (
        "97% · embedded xml" in page
        and 'doubtful" title="confidence and where it was read">60% · text' in page
    )
    image = browser.request("GET", "/invoices/INV-1/pages/2.png")
    assert image.headers["content-type"] == "image/png"
    assert image.content == PNG + b"INV-1/2/800"
    assert browser.request("GET", "/invoices/INV-1/pages/9.png").status_code == 404


def test_a_post_without_the_sessions_csrf_token_is_refused(browser: Browser):
    browser.sign_in()
    refused = browser.request("POST", "/invoices/INV-2/actions/pause", data={"csrf": "forged"})
    assert refused.status_code == 403
    assert browser.calls == []
    done = browser.request(
        "POST", "/invoices/INV-2/actions/pause", data={"csrf": browser.csrf("/invoices/INV-2")}
    )
    assert done.status_code == 303
    assert browser.calls == [("POST", "INV-2/pause", None)]


def test_an_approval_from_the_page_reaches_the_host_with_the_approver(browser: Browser):
    browser.sign_in()
    page = browser.request("GET", "/invoices/INV-2").text
    assert "Waiting for approval" in page
    assert "INV-2" in browser.request("GET", "/approvals").text
    browser.request(
        "POST",
        "/invoices/INV-2/decision",
        data={"csrf": browser.csrf("/invoices/INV-2"), "approved": "yes",
              "approver": "jane", "comment": "ok"},
    )  # fmt: skip
    assert browser.calls == [
        (
            "POST",
            "INV-2/raise-event/approval",
            {"approved": True, "approver": "jane", "comment": "ok"},
        )
    ]


def test_signing_out_ends_the_session(browser: Browser):
    browser.sign_in()
    browser.request("POST", "/signout", data={"csrf": browser.csrf()})
    assert browser.request("GET", "/").status_code == 303


def test_the_timeline_pairs_steps_with_outcomes_and_counts_attempts():
    line = views.timeline(HISTORY)
    assert [(b.name, b.outcome, b.attempt) for b in line.bars] == [
        ("upload_pdf_activity", "completed", 1),
        ("split_pdf_activity", "failed", 1),
        ("split_pdf_activity", "failed", 2),
    ]
    assert line.bars[0].start_s == 0.5 and line.bars[0].duration_s == 0.5
    assert [m.label for m in line.marks] == ["timer set"]
    failure = views.failing_step(line)
    assert failure is not None
    # Rerun from the step's first attempt, with the last error shown.
    assert failure.event_id == 1 and failure.error == "boom again" and failure.attempt == 2


@pytest.mark.parametrize(
    ("status", "actions"),
    [
        ("RUNNING", ["pause", "terminate"]),
        ("SUSPENDED", ["resume", "terminate"]),
        ("COMPLETED", ["rerun", "purge"]),
        ("FAILED", ["rerun", "purge"]),
    ],
)
def test_actions_are_offered_only_when_the_state_allows_them(status: str, actions: list[str]):
    assert views.allowed_actions(status) == actions


def test_paging_ages_and_the_page_grid():
    items, page = views.paginate(list(range(45)), 3, 20)
    assert items == list(range(40, 45)) and page.previous == 2 and page.next is None
    assert views.paginate([], 5, 20)[1].number == 1
    now = views.parse_time("2026-11-29T02:00:00Z")
    assert views.age(views.parse_time("2026-11-29T01:59:18Z"), now) == "42 s"
    assert views.age(views.parse_time("2026-11-29T00:00:00Z"), now) == "2 h"
    assert views.page_grid(2, 4) == [True, True, False, False]
    # The host's list gives times without an offset: UTC.
    assert views.age(views.parse_time("2026-11-29T01:59:00.5"), now) == "59 s"


def test_sessions_expire_and_close():
    clock = [0.0]
    sessions = Sessions(60, clock=lambda: clock[0])
    session_id, session = sessions.open(KEY)
    assert sessions.get(session_id) == session
    clock[0] = 61
    assert sessions.get(session_id) is None
    other, _ = sessions.open(KEY)
    sessions.close(other)
    assert sessions.get(other) is None


def test_a_finished_invoices_page_stops_refreshing_and_a_running_ones_does_not(
    browser: Browser,
):
    browser.sign_in()
    done = browser.request("GET", "/invoices/INV-1").text
    running = browser.request("GET", "/invoices/INV-2").text
    assert 'data-refresh="/fragments/invoices/INV-1"' not in done and "data-final" in done
    assert 'data-refresh="/fragments/invoices/INV-2"' in running and "data-final" not in running
    # A page opened while the invoice ran learns from the fragment that it has ended.
    assert "data-final" in browser.request("GET", "/fragments/invoices/INV-1").text
