"""The aggregate service in Go (AGGREGATE_IMPL=go) behind the same app id: a stack of
its own runs the same invoices as the session's stack, whose aggregate service is the
Python one. Each completes with its ground truth on both, and the two results agree
field by field (confidence, source and warnings included)."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from invoice_shared.dapr_names import AGGREGATE_APP_ID
from invoice_stack.topology.ports import free_ports

from .helpers import assert_results_match, start_generated
from .own_stack import stack_of_its_own
from .stack import RunningStack

# Generated invoices of 1 to 7 pages: one page (no child batch), two (one batch), more.
PAGES = (1, 2, 3, 5, 7)
# What the runs differ in by nature; everything else of a result must be equal.
PER_RUN = {"invoice_id", "approval"}


@pytest.fixture(scope="module")
def in_go(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    ports = free_ports(cli_purge=False)
    run_dir = tmp_path_factory.mktemp("aggregate-go")
    with stack_of_its_own(run_dir, ports, "invoice-e2e-go", go_apps=(AGGREGATE_APP_ID,)) as (
        _,
        running,
    ):
        yield running


def _run(running: RunningStack, prefix: str) -> tuple[dict[str, dict], dict[str, Any]]:
    truths: dict[str, Any] = {}
    ids = [start_generated(running, n, truths, prefix, pages=p) for n, p in enumerate(PAGES)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = dict(zip(ids, pool.map(running.wait_for_end, ids), strict=True))
    assert_results_match(running, outcomes, truths)
    return outcomes, truths


def test_the_go_aggregate_service_gives_each_invoice_as_the_python_one_does(
    in_go: RunningStack, stack: RunningStack
):
    assert "aggregate-service-go (Go) serving" in in_go.read_log(AGGREGATE_APP_ID), (
        "the stack's aggregate service is not the Go one"
    )
    go, _ = _run(in_go, "GOAGG")
    python, _ = _run(stack, "PYAGG")
    for (go_id, go_view), (py_id, py_view) in zip(go.items(), python.items(), strict=True):
        go_result = {k: v for k, v in go_view["result"].items() if k not in PER_RUN}
        py_result = {k: v for k, v in py_view["result"].items() if k not in PER_RUN}
        assert go_result == py_result, (go_id, py_id)
    print(f"\n{len(go)} invoices ({', '.join(map(str, PAGES))} pages): Go and Python agree")
