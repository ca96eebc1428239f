"""The operator's console and the host's system view, on the real stack (over HTTP; the
pages' behaviour in a browser is not tested here yet)."""

from __future__ import annotations

import re

import httpx

from invoice_shared.dapr_names import WORKFLOW_APP_ID
from invoice_shared.policy import EXTRACT_CONCURRENCY_LIMIT
from invoice_stack.topology import APP_IDS

from .helpers import start_generated
from .stack import RunningStack


def test_the_system_view_lists_every_app_healthy_and_placement_connected(stack: RunningStack):
    with stack.client() as client:
        overview = client.get("/api/system").json()
    assert {app["app_id"] for app in overview["apps"]} == set(APP_IDS)
    assert all(app["healthy"] for app in overview["apps"]), overview["apps"]
    assert "connected" in overview["infrastructure"]["placement"].lower()
    assert "state.redis" in overview["infrastructure"]["state store"]
    assert "answers" in overview["infrastructure"]["state store"]
    # Each app's row comes from its own sidecar: its id, its ports, the components it loaded.
    for app in overview["apps"]:
        sidecar = app["sidecar"]
        assert sidecar is not None, app
        assert sidecar["app_id"] == app["app_id"]
        assert stack.sidecar_urls[app["app_id"]].endswith(f":{sidecar['dapr_http_port']}")
        assert stack.app_urls[app["app_id"]].endswith(f":{sidecar['app_port']}")
        assert sidecar["runtime_version"] and sidecar["components"], sidecar
    host = next(a for a in overview["apps"] if a["app_id"] == WORKFLOW_APP_ID)
    assert any(t.endswith(".workflow") for t in host["sidecar"]["actor_types"])
    assert overview["extraction"]["cap"] == EXTRACT_CONCURRENCY_LIMIT
    assert overview["extraction"]["in_flight"] >= 0


def test_the_console_signs_in_with_the_key_and_shows_a_started_invoice(stack: RunningStack):
    truths: dict = {}
    invoice_id = start_generated(stack, 0, truths, "CONSOLE", pages=1)
    stack.wait_for_end(invoice_id)
    with httpx.Client(base_url=stack.console_url, timeout=30) as browser:
        assert browser.get("/").headers["location"] == "/signin"
        refused = browser.post("/signin", data={"api_key": "not-the-key-0123456789"})
        assert "not accepted" in refused.text
        signed = browser.post("/signin", data={"api_key": stack.tokens.api_key})
        assert signed.status_code == 303
        listing = browser.get("/", params={"q": invoice_id}).text
        assert invoice_id in listing
        page = browser.get(f"/invoices/{invoice_id}").text
        assert truths[invoice_id].invoice_number in page
        assert stack.tokens.api_key not in page
        system = browser.get("/system").text
        assert all(app_id in system for app_id in APP_IDS)
        csrf = re.search(r'name="csrf" value="([^"]+)"', page)
        assert csrf
        browser.post("/signout", data={"csrf": csrf.group(1)})
        assert browser.get("/").status_code == 303


def test_a_page_of_an_invoice_is_served_as_a_png_and_a_missing_page_is_a_404(
    stack: RunningStack,
):
    truths: dict = {}
    invoice_id = start_generated(stack, 1, truths, "PAGEIMG", pages=2)
    stack.wait_for_end(invoice_id)
    with stack.client() as client:
        image = client.get(f"/api/workflows/{invoice_id}/pages/2/image", params={"width": 400})
        assert image.status_code == 200 and image.headers["content-type"] == "image/png"
        assert image.content.startswith(b"\x89PNG")
        # The PNG header's width field (bytes 16-19, big-endian).
        assert int.from_bytes(image.content[16:20], "big") == 400
        beyond = client.get(f"/api/workflows/{invoice_id}/pages/3/image")
        assert beyond.status_code == 404 and "has 2 page(s), not 3" in beyond.json()["message"]
        unknown = client.get("/api/workflows/NO-SUCH-INVOICE/pages/1/image")
        assert unknown.status_code == 404
