"""Past one instance: three workflow hosts and two extract services, each with its own
sidecar, sharing Redis, placement and the scheduler. Placement spreads the workflow
actors over the hosts; service invocation spreads calls over the extract services.

A stack of its own (no Jaeger or Prometheus), beside the session's and of the same
kind: processes of this machine, or containers (E2E_STACK=compose, the replicas
rendered into the compose file as `make compose-up` adds them)."""

from __future__ import annotations

import dataclasses
import re
import signal
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from invoice_shared.dapr_names import EXTRACT_APP_ID, WORKFLOW_APP_ID
from invoice_stack.topology.ports import free_ports

from .helpers import assert_results_match, start_generated
from .own_stack import OwnStack, stack_of_its_own
from .stack import RunningStack, sidecar_of

HOSTS, EXTRACTORS = 3, 2
INVOICES = 30
REPLICAS = {WORKFLOW_APP_ID: HOSTS, EXTRACT_APP_ID: EXTRACTORS}
# Activities each sidecar ran, by its own count (a Prometheus counter per activity name).
_ACTIVITY_COUNT = re.compile(
    r"^dapr_runtime_workflow_activity_execution_count\{[^}]*\} (\d+(?:\.\d+)?(?:e\+\d+)?)$",
    re.MULTILINE,
)


@pytest.fixture(scope="module")
def replicated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[OwnStack, RunningStack]]:
    # Beside the session's stack, which holds the port the stock CLI purges through.
    ports = free_ports(cli_purge=False, replicas=REPLICAS)
    run_dir = tmp_path_factory.mktemp("replicas")
    with stack_of_its_own(run_dir, ports, "invoice-e2e-replicas") as started:
        yield started


def _activities_run(metrics_port: int) -> int:
    text = httpx.get(f"http://127.0.0.1:{metrics_port}/metrics", timeout=10).text
    return int(sum(float(count) for count in _ACTIVITY_COUNT.findall(text)))


_PAGES_EXTRACTED = re.compile(
    r"^invoice_pages_extracted_total\{[^}]*\} (\d+(?:\.\d+)?)$", re.MULTILINE
)


def _pages_extracted(stack: OwnStack, app_port: int) -> int:
    token = stack.tokens.app_tokens[EXTRACT_APP_ID]  # what its sidecar presents
    answer = httpx.get(
        f"http://127.0.0.1:{app_port}/metrics", headers={"dapr-api-token": token}, timeout=10
    )
    answer.raise_for_status()
    return int(sum(float(count) for count in _PAGES_EXTRACTED.findall(answer.text)))


def _extract_app_ports(stack: OwnStack) -> list[int]:
    first = stack.ports.apps[EXTRACT_APP_ID].app
    return [first, *(p.app for p in stack.ports.replicas[EXTRACT_APP_ID])]


def _host_metrics_ports(stack: OwnStack) -> dict[str, int]:
    more = stack.ports.replicas[WORKFLOW_APP_ID]
    ports = {WORKFLOW_APP_ID: stack.ports.apps[WORKFLOW_APP_ID].metrics}
    ports |= {f"{WORKFLOW_APP_ID}-{n}": p.metrics for n, p in enumerate(more, start=2)}
    return ports


def test_invoices_spread_over_every_host_replica_and_each_completes_once(
    replicated: tuple[OwnStack, RunningStack],
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


def _wait_all(running: RunningStack, ids: list[str]) -> dict[str, dict]:
    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(zip(ids, pool.map(running.wait_for_end, ids), strict=True))


def _through(running: RunningStack, stack: OwnStack, replica: int) -> RunningStack:
    """The same stack, its REST API reached through host replica `replica` (a load
    balancer's choice): every replica serves the API over its own sidecar."""
    ports = stack.ports.apps[WORKFLOW_APP_ID]
    if replica > 1:
        ports = stack.ports.replicas[WORKFLOW_APP_ID][replica - 2]
    return dataclasses.replace(running, api_url=f"http://127.0.0.1:{ports.app}")


def _stop_pod(running: RunningStack, name: str) -> None:
    """An instance and its sidecar die together, as a pod does."""
    processes = running.owned("kills replicas")
    processes.kill(name, signal.SIGKILL)
    processes.kill(sidecar_of(name), signal.SIGKILL)


def _start_pod(running: RunningStack, name: str) -> None:
    processes = running.owned("restarts replicas")
    processes.restart(name)
    processes.restart(sidecar_of(name))


def _all_complete_without(
    running: RunningStack, pod: str, first: int, count: int, pages: int
) -> None:
    """Start `count` invoices, stop `pod` (and its sidecar) while they run, and leave it
    down until every one has ended: each completes once with its ground truth."""
    truths: dict = {}
    ids = [start_generated(running, first + n, truths, "DOWN", pages=pages) for n in range(count)]
    _stop_pod(running, pod)
    try:
        assert_results_match(running, _wait_all(running, ids), truths)
    finally:
        _start_pod(running, pod)


def test_a_killed_extract_replica_leaves_its_calls_to_the_other(
    replicated: tuple[OwnStack, RunningStack],
):
    _all_complete_without(replicated[1], f"{EXTRACT_APP_ID}-2", first=100, count=6, pages=6)


def test_a_host_replica_killed_mid_flight_loses_and_repeats_nothing(
    replicated: tuple[OwnStack, RunningStack],
):
    _all_complete_without(replicated[1], f"{WORKFLOW_APP_ID}-3", first=200, count=10, pages=8)


def test_a_rolling_restart_of_every_host_replica_under_load_fails_nothing(
    replicated: tuple[OwnStack, RunningStack],
):
    stack, running = replicated
    truths: dict = {}
    ids: list[str] = []
    # Replica 1 last, reaching the API through replica 2 while it restarts.
    for replica, name in [(3, "workflow-app-3"), (2, "workflow-app-2"), (1, WORKFLOW_APP_ID)]:
        api = _through(running, stack, 2 if replica == 1 else 1)
        ids += [start_generated(api, 300 + len(ids), truths, "ROLL", pages=6) for _ in range(4)]
        _stop_pod(running, name)
        _start_pod(running, name)
    assert_results_match(running, _wait_all(running, ids), truths)
