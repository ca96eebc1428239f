"""Past one instance: three workflow hosts and two extract services, each with its own
sidecar, sharing Redis, placement and the scheduler. Placement spreads the workflow
actors over the hosts; service invocation spreads calls over the extract services.

A stack of its own (no Jaeger or Prometheus), beside the session's."""

from __future__ import annotations

import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from invoice_shared.dapr_names import EXTRACT_APP_ID, WORKFLOW_APP_ID
from invoice_stack.layout import dapr_bin_dir, find_repo
from invoice_stack.supervisor import Stack
from invoice_stack.topology import StackLayout
from invoice_stack.topology.ports import free_ports

from .helpers import assert_results_match, start_generated
from .stack import RunningStack
from .stack_config import E2E_APP_ENV, EXTRACT_CONCURRENCY_LIMIT
from .supervised import owned_stack

HOSTS, EXTRACTORS = 3, 2
INVOICES = 30
# Activities each sidecar ran, by its own count (a Prometheus counter per activity name).
_ACTIVITY_COUNT = re.compile(
    r"^dapr_runtime_workflow_activity_execution_count\{[^}]*\} (\d+(?:\.\d+)?(?:e\+\d+)?)$",
    re.MULTILINE,
)


@pytest.fixture(scope="module")
def replicated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Stack, RunningStack]]:
    repo = find_repo(Path(__file__).parent)
    run_dir = tmp_path_factory.mktemp("replicas")
    layout = StackLayout(
        repo=repo, bin_dir=dapr_bin_dir(repo), run_dir=run_dir, source_dir=run_dir / "source"
    )
    ports = free_ports(replicas={WORKFLOW_APP_ID: HOSTS, EXTRACT_APP_ID: EXTRACTORS})
    stack = Stack(
        layout,
        ports,
        app_env=E2E_APP_ENV,
        die_with_parent=True,
        extract_limit=EXTRACT_CONCURRENCY_LIMIT,
    )
    stack.start()
    try:
        yield stack, owned_stack(stack)
    finally:
        stack.stop()


def _activities_run(metrics_port: int) -> int:
    text = httpx.get(f"http://127.0.0.1:{metrics_port}/metrics", timeout=10).text
    return int(sum(float(count) for count in _ACTIVITY_COUNT.findall(text)))


_PAGES_EXTRACTED = re.compile(
    r"^invoice_pages_extracted_total\{[^}]*\} (\d+(?:\.\d+)?)$", re.MULTILINE
)


def _pages_extracted(stack: Stack, app_port: int) -> int:
    token = stack.tokens.app_tokens[EXTRACT_APP_ID]  # what its sidecar presents
    answer = httpx.get(
        f"http://127.0.0.1:{app_port}/metrics", headers={"dapr-api-token": token}, timeout=10
    )
    answer.raise_for_status()
    return int(sum(float(count) for count in _PAGES_EXTRACTED.findall(answer.text)))


def _extract_app_ports(stack: Stack) -> list[int]:
    first = stack.ports.apps[EXTRACT_APP_ID].app
    return [first, *(p.app for p in stack.ports.replicas[EXTRACT_APP_ID])]


def _host_metrics_ports(stack: Stack) -> dict[str, int]:
    more = stack.ports.replicas[WORKFLOW_APP_ID]
    ports = {WORKFLOW_APP_ID: stack.ports.apps[WORKFLOW_APP_ID].metrics}
    ports |= {f"{WORKFLOW_APP_ID}-{n}": p.metrics for n, p in enumerate(more, start=2)}
    return ports


def test_invoices_spread_over_every_host_replica_and_each_completes_once(
    replicated: tuple[Stack, RunningStack],
):
    stack, running = replicated
    before = {name: _activities_run(port) for name, port in _host_metrics_ports(stack).items()}
    truths: dict = {}
    ids = [start_generated(running, n, truths, "REPLICA", pages=3 + n % 4) for n in range(INVOICES)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = dict(zip(ids, pool.map(running.wait_for_end, ids), strict=True))
    assert_results_match(running, outcomes, truths)
    ran = {
        name: _activities_run(port) - before[name]
        for name, port in _host_metrics_ports(stack).items()
    }
    print(f"\nactivities run per host replica over {INVOICES} invoices: {ran}")
    assert len(ran) == HOSTS
    assert all(count > 0 for count in ran.values()), ran
    pages = [_pages_extracted(stack, port) for port in _extract_app_ports(stack)]
    print(f"pages extracted per extract-service replica: {pages}")
    assert len(pages) == EXTRACTORS and all(count > 0 for count in pages), pages
