"""The console in a real browser (Debian's chromium driven by Playwright) on the real
stack: sign-in, upload, approval, pause and resume, a failure rerun from its step, the
system view, accessibility (axe-core) and the host's offline /docs. Screenshots of the
main views go to .run/screenshots/ (the README shows copies from docs/screenshots/)."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from invoice_gen import generate_invoice
from invoice_stack.layout import find_repo

from .helpers import unique_id, wait_for
from .stack import RunningStack

REPO = find_repo(Path(__file__).parent)
SHOTS = REPO / ".run" / "screenshots"
WIDE, PHONE = {"width": 1280, "height": 900}, {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def axe() -> str:
    """axe-core's script, installed (with chromium) by scripts/install-browser.sh."""
    out = subprocess.run(
        ["bash", str(REPO / "scripts" / "install-browser.sh")],
        check=True, stdout=subprocess.PIPE, text=True,
    ).stdout  # fmt: skip
    return (Path(out.strip().splitlines()[-1]) / "axe.min.js").read_text()


@pytest.fixture(scope="module")
def browser(axe: str) -> Iterator[Browser]:
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser, stack: RunningStack) -> Iterator[Page]:
    context = browser.new_context(viewport=WIDE, base_url=stack.console_url)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # the confirmations
    yield page
    context.close()


def _sign_in(page: Page, stack: RunningStack) -> None:
    page.goto("/signin")
    page.get_by_label("API key").fill(stack.tokens.api_key)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Invoices")).to_be_visible()


def _no_serious_violations(page: Page, axe: str) -> None:
    page.add_script_tag(content=axe)
    result = page.evaluate("async () => await axe.run(document)")
    serious = [
        (v["id"], v["impact"], len(v["nodes"]))
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], serious


def _pdf(stack: RunningStack, prefix: str, pages: int = 1, **kwargs: bool) -> tuple[str, Path]:
    invoice_id = unique_id(prefix)
    generated = generate_invoice(seed=77 + pages, pages=pages, invoice_id=invoice_id, **kwargs)
    path = stack.inputs / f"{invoice_id}.pdf"
    path.write_bytes(generated.pdf)
    return invoice_id, path


def test_a_wrong_key_is_refused_and_the_right_one_signs_in(
    page: Page, stack: RunningStack, axe: str
):
    page.goto("/")
    expect(page).to_have_url(f"{stack.console_url}/signin")
    page.get_by_label("API key").fill("not-the-key-0123456789")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("not accepted")
    _sign_in(page, stack)
    assert stack.tokens.api_key not in page.content()
    _no_serious_violations(page, axe)


def test_an_uploaded_pdf_reaches_completed_with_its_fields(
    page: Page, stack: RunningStack, axe: str
):
    _sign_in(page, stack)
    invoice_id, path = _pdf(stack, "UI")
    page.get_by_role("link", name="Start").click()
    page.get_by_label("A PDF").set_input_files(str(path))
    page.get_by_label("Invoice id").fill(invoice_id)
    page.screenshot(path=str(SHOTS / "start.png"))
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_role("heading", name=invoice_id)).to_be_visible()
    expect(page.locator("#live")).to_contain_text("completed", timeout=60_000)
    expect(page.locator(".fields")).to_contain_text("invoice number")
    # Beside the fields, the page they were read from, rendered by the extract service.
    picture = page.get_by_role("img", name=f"Page 1 of {invoice_id}")
    expect(picture).to_be_visible()
    picture.scroll_into_view_if_needed()
    loaded = "img => img.complete && img.naturalWidth > 0"
    page.wait_for_function(loaded, arg=picture.element_handle())
    assert picture.evaluate("img => img.naturalWidth") == 800
    page.screenshot(path=str(SHOTS / "invoice.png"), full_page=True)
    _no_serious_violations(page, axe)
    page.goto("/")
    page.screenshot(path=str(SHOTS / "invoices.png"))
    _no_serious_violations(page, axe)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(SHOTS / "invoices-phone.png"))


def test_an_invoice_waiting_for_approval_is_approved_in_the_page(page: Page, stack: RunningStack):
    _sign_in(page, stack)
    invoice_id, _ = _pdf(stack, "UIAPPROVE", inconsistent=True)  # a warning: needs a person
    with stack.client() as client:
        body = {"invoice_id": invoice_id, "pdf_path": f"e2e-tests/{invoice_id}.pdf"}
        assert client.post("/api/workflows/invoice", json=body).status_code == 202
    wait_for(stack, invoice_id, stage="awaiting_approval")
    page.get_by_role("link", name="Approvals").click()
    queued = page.get_by_role("row").filter(has_text=invoice_id)
    expect(queued).to_contain_text("warning")  # why it waits, and for how much
    page.screenshot(path=str(SHOTS / "approvals.png"))
    page.get_by_role("link", name=invoice_id).click()
    page.get_by_label("Your name").fill("Jane Operator")
    page.get_by_label("Comment").fill("checked the totals")
    page.get_by_role("button", name="Approve").click()
    view = stack.wait_for_end(invoice_id)
    assert view["result"]["approval"]["approver"] == "Jane Operator"
    assert view["result"]["approval"]["status"] == "approved"


def test_pause_and_resume_from_the_page(page: Page, stack: RunningStack):
    _sign_in(page, stack)
    invoice_id, _ = _pdf(stack, "UIPAUSE", inconsistent=True)
    with stack.client() as client:
        body = {"invoice_id": invoice_id, "pdf_path": f"e2e-tests/{invoice_id}.pdf"}
        assert client.post("/api/workflows/invoice", json=body).status_code == 202
    wait_for(stack, invoice_id, stage="awaiting_approval")
    page.goto(f"/invoices/{invoice_id}")
    page.get_by_role("button", name="Pause").click()
    wait_for(stack, invoice_id, status="SUSPENDED")
    page.goto(f"/invoices/{invoice_id}")
    page.get_by_role("button", name="Resume").click()
    wait_for(stack, invoice_id, status="RUNNING")
    page.goto(f"/invoices/{invoice_id}")
    page.get_by_role("button", name="Terminate").click()
    wait_for(stack, invoice_id, status="TERMINATED")


def test_a_failed_invoice_shows_its_step_and_reruns_from_it(page: Page, stack: RunningStack):
    """The operator's case: the file was not there yet; once it is, rerun the failed step."""
    _sign_in(page, stack)
    invoice_id, path = _pdf(stack, "UIFAIL")
    pdf = path.read_bytes()
    path.unlink()
    with stack.client() as client:
        body = {"invoice_id": invoice_id, "pdf_path": f"e2e-tests/{invoice_id}.pdf"}
        assert client.post("/api/workflows/invoice", json=body).status_code == 202
    assert stack.wait_for_end(invoice_id)["status"] == "FAILED"
    page.goto(f"/invoices/{invoice_id}")
    expect(page.get_by_role("heading", name="Where it failed")).to_be_visible()
    expect(page.locator("#failure-h + p")).to_contain_text("upload")
    page.screenshot(path=str(SHOTS / "failed.png"), full_page=True)
    path.write_bytes(pdf)
    page.get_by_role("button", name="Rerun from the failed step").click()
    rerun = f"{invoice_id}-rerun"
    expect(page.get_by_role("heading", name=rerun)).to_be_visible()
    assert stack.wait_for_end(rerun)["status"] == "COMPLETED"


def test_the_system_view_lists_all_five_apps_healthy(page: Page, stack: RunningStack, axe: str):
    _sign_in(page, stack)
    page.get_by_role("link", name="System").click()
    table = page.get_by_role("table")
    for app_id in ("upload-service", "split-service", "extract-service", "aggregate-service",
                   "workflow-app"):  # fmt: skip
        expect(table.get_by_role("row").filter(has_text=app_id)).to_contain_text("yes")
    page.screenshot(path=str(SHOTS / "system.png"), full_page=True)
    _no_serious_violations(page, axe)


def test_the_hosts_docs_work_offline_and_authorize(browser: Browser, stack: RunningStack):
    context = browser.new_context(viewport=WIDE)
    page = context.new_page()
    page.goto(f"{stack.api_url}/docs")
    expect(page.get_by_text("/api/workflows/invoice").first).to_be_visible(timeout=20_000)
    page.get_by_role("button", name="Authorize").first.click()
    api_key = page.locator("form").filter(has_text="APIKeyHeader")
    api_key.locator("input").fill(stack.tokens.api_key)
    api_key.get_by_role("button", name="Apply credentials").click()  # the dialog's Authorize
    expect(api_key.get_by_role("button", name="Remove authorization")).to_be_visible()
    page.screenshot(path=str(SHOTS / "docs.png"))
    context.close()


def _weigh(page: Page, path: str) -> dict[str, object]:
    """Load `path` afresh; what it fetched (bytes over the wire), from where, and how long."""
    page.goto(path, wait_until="load")
    return page.evaluate(
        """() => {
          const nav = performance.getEntriesByType("navigation")[0];
          const parts = performance.getEntriesByType("resource");
          // Body sizes, cached or not: the page's weight rather than this load's traffic.
          return {
            bytes: nav.encodedBodySize + parts.reduce((sum, r) => sum + r.encodedBodySize, 0),
            requests: 1 + parts.length,
            load_ms: Math.round(nav.loadEventEnd - nav.startTime),
            origins: [...new Set(parts.map((r) => new URL(r.name).origin))],
          };
        }"""
    )


def test_every_main_view_loads_from_the_console_alone_and_fits_a_phone(
    browser: Browser, stack: RunningStack
):
    """No asset comes from anywhere but the console; at 390 px nothing but the tables'
    own scrollers is wider than the screen. The weights and times are printed and saved
    (.run/screenshots/weights.json) for the README, not asserted."""
    invoice_id, _ = _pdf(stack, "UIWEIGH", pages=2)
    with stack.client() as client:
        body = {"invoice_id": invoice_id, "pdf_path": f"e2e-tests/{invoice_id}.pdf"}
        assert client.post("/api/workflows/invoice", json=body).status_code == 202
    stack.wait_for_end(invoice_id)
    weights = {}
    for viewport in (WIDE, PHONE):
        context = browser.new_context(viewport=viewport, base_url=stack.console_url)
        page = context.new_page()
        _sign_in(page, stack)
        views = {"invoices": "/", "approvals": "/approvals", "system": "/system",
                 "invoice": f"/invoices/{invoice_id}", "start": "/start"}  # fmt: skip
        for name, path in views.items():
            weighed = _weigh(page, path)
            assert weighed["origins"] in ([], [stack.console_url]), weighed
            overflow = page.evaluate("document.documentElement.scrollWidth")
            assert overflow <= viewport["width"], f"{path} is {overflow} px wide"
            weights[f"{name} at {viewport['width']} px"] = weighed
        if viewport is PHONE:
            page.goto(f"/invoices/{invoice_id}")
            page.screenshot(path=str(SHOTS / "invoice-phone.png"), full_page=True)
        context.close()
    (SHOTS / "weights.json").write_text(json.dumps(weights, indent=2))
    print(json.dumps(weights, indent=2))


def test_the_main_views_work_from_the_keyboard(page: Page, stack: RunningStack):
    """Tab reaches the skip link first, then the navigation; every stop shows a focus ring;
    Enter follows a link and submits a form."""
    _sign_in(page, stack)
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert "Skip" in focused, focused
    stops = []
    for _ in range(8):
        page.keyboard.press("Tab")
        stops.append(
            page.evaluate(
                """() => { const e = document.activeElement;
                  return [e.textContent.trim() || e.id, getComputedStyle(e).outlineStyle]; }"""
            )
        )
    assert all(style != "none" for _, style in stops), stops
    assert any(name == "Approvals" for name, _ in stops), stops
    page.get_by_label("Invoice id").focus()
    page.keyboard.type("no-such-invoice")
    page.keyboard.press("Enter")
    expect(page.locator("#rows")).to_contain_text("No invoices match")
    page.get_by_role("link", name="System").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="The system")).to_be_visible()
