"""The request collections run against the real stack: every request answers the
status it documents, so the collections cannot silently rot."""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from invoice_shared.auth import api_key_headers
from invoice_stack.collections import (
    CollectedRequest,
    parse_bruno,
    parse_http,
)

from .helpers import unique_id
from .stack import RunningStack

REPO = Path(__file__).resolve().parents[2]
HTTP_FILE = REPO / "http" / "workflow.http"
BRUNO_DIR = REPO / "http" / "bruno"
INPUTS = ("single-page-invoice.pdf", "inconsistent-invoice.pdf")


class Runner:
    """Sends requests in order, as a person clicking through the collection would."""

    def __init__(self, stack: RunningStack, variables: dict[str, str], base: Path) -> None:
        self.vars = {
            **variables,
            "host": stack.api_url,
            "apiKey": stack.tokens.api_key,
            **{k: unique_id(v) for k, v in variables.items() if k.endswith("Id")},
        }
        self.base = base
        self.responses: dict[str, Any] = {}
        self.client = httpx.Client(timeout=30)

    def render(self, text: str) -> str:
        def value(match: re.Match[str]) -> str:
            ref = match[1]
            if ".response.body." in ref:
                name, path = ref.split(".response.body.")
                found: Any = self.responses[name]
                for key in path.split("."):
                    found = found[key]
                return str(found)
            return self.vars[ref]

        return re.sub(r"\{\{([\w.]+)\}\}", value, text)

    def wait(self, spec: str) -> None:
        instance, *conditions = self.render(spec).split()
        expected = dict(c.split("=", 1) for c in conditions)
        deadline = time.monotonic() + 90
        while True:
            view = self.client.get(
                f"{self.vars['host']}/api/workflows/{instance}",
                headers=api_key_headers(self.vars["apiKey"]),
            ).json()
            if all(str(view.get(k)) in v.split("|") for k, v in expected.items()):
                return
            assert time.monotonic() < deadline, f"{instance} never reached {expected}: {view}"
            time.sleep(0.2)

    def body(self, request: CollectedRequest) -> bytes | None:
        if request.body is None:
            return None
        lines = []
        for line in self.render(request.body).split("\n"):
            # REST Client's "< path" includes a file's bytes.
            lines.append(
                (self.base / line[2:]).read_bytes() if line.startswith("< ") else line.encode()
            )
        multipart = "multipart/" in request.headers.get("Content-Type", "")
        return (b"\r\n" if multipart else b"\n").join(lines)

    def send(self, request: CollectedRequest) -> httpx.Response:
        for spec in request.waits:
            self.wait(spec)
        url = self.render(request.url)
        headers = {k: self.render(v) for k, v in request.headers.items()}
        if request.form is not None:
            files, data = {}, {}
            for key, raw in request.form.items():
                if raw.startswith("@file("):
                    path = self.base / raw[len("@file(") : -1]
                    files[key] = (path.name, path.read_bytes(), "application/pdf")
                else:
                    data[key] = self.render(raw)
            headers.pop("Content-Type", None)  # httpx writes it, with the boundary
            return self.client.request(request.method, url, headers=headers, files=files, data=data)
        return self.client.request(request.method, url, headers=headers, content=self.body(request))

    def __enter__(self) -> Runner:
        return self

    def __exit__(self, *_: object) -> None:
        self.client.close()

    def run(self, requests: list[CollectedRequest]) -> None:
        for request in requests:
            response = self.send(request)
            assert response.status_code == request.expect, (
                f"{request.title!r}: expected {request.expect}, got {response.status_code}: "
                f"{response.text[:300]}"
            )
            body = response.json() if "json" in response.headers.get("content-type", "") else None
            if request.name:
                self.responses[request.name] = body
            for var, path in request.post_vars.items():
                found: Any = body
                for key in path.removeprefix("res.body.").split("."):
                    found = found[key]
                self.vars[var] = str(found)


@pytest.fixture
def inputs(stack: RunningStack) -> None:
    for name in INPUTS:
        target = stack.source_dir / name
        if not target.exists():
            shutil.copy(REPO / "data" / name, target)


def test_every_request_in_the_http_file_answers_as_documented(stack, inputs):
    variables, requests = parse_http(HTTP_FILE.read_text())
    assert len(requests) >= 25
    with Runner(stack, variables, HTTP_FILE.parent) as runner:
        runner.run(requests)


def test_every_request_in_the_bruno_collection_answers_as_documented(stack, inputs):
    variables, requests = parse_bruno(BRUNO_DIR)
    assert len(requests) == len(parse_http(HTTP_FILE.read_text())[1])
    with Runner(stack, variables, BRUNO_DIR) as runner:
        runner.run(requests)
