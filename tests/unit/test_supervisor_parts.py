"""The supervisor's small parts: health checks, the per-stack Dapr configuration, and
the process identities that keep a stale state file from signalling a stranger."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import yaml

from invoice_shared.dapr_names import EXTRACT_ACTIVITY
from invoice_stack.supervisor import start_ticks
from invoice_stack.supervisor.dapr_config import supports_sqlite_resolver, write_stack_config
from invoice_stack.supervisor.health import healthy
from invoice_stack.topology import Health

BASE = {"apiVersion": "dapr.io/v1alpha1", "kind": "Configuration", "spec": {"tracing": {}}}


def _client(status: int) -> httpx.Client:
    return httpx.Client(transport=httpx.MockTransport(lambda _: httpx.Response(status)))


def test_a_url_is_healthy_when_it_answers_2xx():
    assert healthy(Health(url="http://127.0.0.1:1/healthz"), _client(204))
    assert not healthy(Health(url="http://127.0.0.1:1/healthz"), _client(503))


def test_an_unreachable_url_is_not_healthy():
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    client = httpx.Client(transport=httpx.MockTransport(refuse))
    assert not healthy(Health(url="http://127.0.0.1:1/healthz"), client)


def test_the_stack_config_adds_its_own_name_resolution_and_extraction_cap(tmp_path: Path):
    base = tmp_path / "config.yaml"
    base.write_text(yaml.safe_dump(BASE))
    written = yaml.safe_load(write_stack_config(base, tmp_path, True, extract_limit=3).read_text())
    assert written["spec"]["nameResolution"]["configuration"] == {
        "connectionString": str(tmp_path / "name-resolution.db"),
        "cleanupInterval": "0s",
    }
    assert written["spec"]["workflow"]["activityConcurrencyLimits"] == [
        {"name": EXTRACT_ACTIVITY, "maxConcurrent": 3}
    ]


def test_stock_binaries_keep_mdns_and_no_cap_is_added_unless_asked(tmp_path: Path):
    base = tmp_path / "config.yaml"
    base.write_text(yaml.safe_dump(BASE))
    assert not supports_sqlite_resolver(tmp_path)
    assert yaml.safe_load(write_stack_config(base, tmp_path, False).read_text()) == BASE


def test_a_process_is_known_by_its_start_time_and_a_gone_one_by_zero():
    assert start_ticks(os.getpid()) > 0
    assert start_ticks(2**22 + 1) == 0  # above the kernel's largest pid
