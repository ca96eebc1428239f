"""Helpers for end-to-end tests: the running stack and polling a workflow."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from invoice_stack.supervisor import Stack

TERMINAL = {"COMPLETED", "FAILED", "TERMINATED"}


@dataclass
class RunningStack:
    api_url: str
    source_dir: Path
    stack: Stack | None  # None when reusing a stack this session did not start

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.api_url, timeout=15.0)


def wait_for_end(client: httpx.Client, instance_id: str, timeout: float = 180.0) -> dict:  # type: ignore[type-arg]
    """Poll until the workflow is COMPLETED, FAILED or TERMINATED."""
    deadline = time.monotonic() + timeout
    while True:
        response = client.get(f"/api/workflows/{instance_id}")
        assert response.status_code == 200, response.text
        view = response.json()
        if view["status"] in TERMINAL:
            return view
        if time.monotonic() > deadline:
            pytest.fail(f"{instance_id} still {view['status']} ({view['stage']}) after {timeout} s")
        time.sleep(0.25)


def unique_id(prefix: str) -> str:
    return f"{prefix}-{time.time_ns()}"
