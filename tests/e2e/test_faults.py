"""Crashes lose nothing: 50 invoices in flight while every kind of process of the stack is
killed with SIGKILL at a seeded-random moment and restarted. Every invoice must complete
with exactly its correct result."""

from __future__ import annotations

import random
import signal
import time

import pytest

from invoice_shared.dapr_names import (
    AGGREGATE_APP_ID,
    EXTRACT_ACTIVITY,
    EXTRACT_APP_ID,
    SPLIT_APP_ID,
    UPLOAD_APP_ID,
    WORKFLOW_APP_ID,
)
from invoice_shared.policy import STEP_RETRY

from .helpers import assert_results_match, start_generated, unfinished_count
from .stack import RunningStack, sidecar_of

# Kills and restarts processes: after every other test.
pytestmark = pytest.mark.disruptive

# The host, each service, a sidecar, Redis (AOF on), placement and the scheduler.
VICTIMS = [
    WORKFLOW_APP_ID,
    UPLOAD_APP_ID,
    SPLIT_APP_ID,
    EXTRACT_APP_ID,
    AGGREGATE_APP_ID,
    sidecar_of(EXTRACT_APP_ID),
    "redis",
    "placement",
    "scheduler",
]
INVOICES = 50


def _start(stack: RunningStack, n: int, truths: dict) -> str:
    return start_generated(stack, n, truths, "FAULT")


def test_every_invoice_survives_sigkill_of_every_process(stack: RunningStack):
    processes = stack.owned("kills the stack's processes")
    rng = random.Random(20261123)
    truths: dict = {}
    per_wave = -(-INVOICES // len(VICTIMS))
    in_flight_at_kill = {}
    kill_to_next_start: dict[str, float] = {}  # seconds from a SIGKILL to the next start
    killed: tuple[str, float] | None = None
    for victim in VICTIMS:
        # A fresh wave right before each kill, so every victim dies with work in flight;
        # should a wave finish first (the stack is quick), another one is started.
        for _ in range(3):
            wave = [_start(stack, len(truths), truths)]
            if killed:
                kill_to_next_start[killed[0]] = time.monotonic() - killed[1]
                killed = None
            wave += [_start(stack, len(truths), truths) for _ in range(per_wave - 1)]
            time.sleep(rng.uniform(0.0, 0.2))
            unfinished = unfinished_count(stack, wave)
            if unfinished:
                break
        in_flight_at_kill[victim] = unfinished
        killed = (victim, time.monotonic())
        processes.kill(victim, signal.SIGKILL)
        time.sleep(rng.uniform(0.2, 1.0))
        processes.restart(victim)
        stack.wait_ready()

    # Every kill hit invoices in flight, or it proved nothing.
    print(f"\ninvoices in flight at each SIGKILL: {in_flight_at_kill}")
    print(f"seconds from each SIGKILL to the next accepted start: {kill_to_next_start}")
    assert all(in_flight_at_kill.values()), in_flight_at_kill
    assert len(truths) >= INVOICES

    outcomes = {invoice_id: stack.wait_for_end(invoice_id, timeout=300) for invoice_id in truths}
    assert_results_match(stack, outcomes, truths)


# The host's per-call bound for the hung-service test (60 s by default: five attempts
# would take minutes); the Dapr resiliency timeout (30 s) stays as configured.
HUNG_CALL_TIMEOUT_SECONDS = 4


def test_a_hung_service_cannot_hang_an_invoice(stack: RunningStack):
    """A service that stops answering (SIGSTOP: its socket still accepts, nothing
    replies) costs the invoice its bounded attempts, then it fails with a reason, and
    a rerun completes it once the service is back."""
    processes = stack.owned("freezes a service")
    processes.restart(
        WORKFLOW_APP_ID, env={"SERVICE_TIMEOUT_SECONDS": str(HUNG_CALL_TIMEOUT_SECONDS)}
    )
    stack.wait_ready()
    try:
        processes.freeze(AGGREGATE_APP_ID)
        invoice_id = _start(stack, 900, {})
        started = time.monotonic()
        view = stack.wait_for_end(invoice_id, timeout=120)
        took = time.monotonic() - started
    finally:
        processes.thaw(AGGREGATE_APP_ID)
        processes.restart(WORKFLOW_APP_ID)  # back to the default bound
        stack.wait_ready()
    print(f"\nhung aggregate-service: the invoice failed after {took:.1f} s")
    assert view["status"] == "FAILED", view
    bound = f"aggregate-service/aggregate did not answer within {HUNG_CALL_TIMEOUT_SECONDS} s"
    assert bound in view["error"], view
    # The policy's attempts of one bound each plus its backoffs, with slack for the pages
    # before it: a minute or so, never a hang.
    worst = STEP_RETRY.attempts * HUNG_CALL_TIMEOUT_SECONDS + STEP_RETRY.total_delay_s
    assert took < worst + 45, took
    with stack.client(timeout=45) as client:
        rerun = client.post(
            f"/api/workflows/{invoice_id}/rerun", json={"new_instance_id": f"{invoice_id}-again"}
        )
        assert rerun.status_code == 202, rerun.text
    assert stack.wait_for_end(f"{invoice_id}-again")["status"] == "COMPLETED"


# The stall bound for the frozen-extraction test: fires (and re-arms) while upload and
# split progress, then re-issues the frozen extractions every 4 s until the thaw.
SHORT_STALL_SECONDS = 4
FROZEN_SECONDS = 9


def test_extractions_issued_again_after_a_stall_still_count_each_page_once(stack: RunningStack):
    """The stall guard on the real runtime: while extract-service is frozen nothing
    finishes, so the workflow issues its pending extractions again; after the thaw the
    originals and the re-issues all answer, and the invoice completes once, right."""
    processes = stack.owned("freezes a service")
    processes.restart(WORKFLOW_APP_ID, env={"STALL_SECONDS": str(SHORT_STALL_SECONDS)})
    stack.wait_ready()
    truths: dict = {}
    try:
        processes.freeze(EXTRACT_APP_ID)
        invoice_id = start_generated(stack, 0, truths, "STALL", pages=2)
        time.sleep(FROZEN_SECONDS)
    finally:
        processes.thaw(EXTRACT_APP_ID)
    try:
        outcome = stack.wait_for_end(invoice_id, timeout=120)
        with stack.client() as client:
            response = client.get(f"/api/workflows/{invoice_id}/history")
        assert response.status_code == 200, response.text
        history = response.json()
    finally:
        processes.restart(WORKFLOW_APP_ID)  # back to the stack's bound
        stack.wait_ready()
    assert_results_match(stack, {invoice_id: outcome}, truths)
    extracts = [
        e for e in history
        if e["kind"] == "taskScheduled" and e["details"].get("name") == EXTRACT_ACTIVITY
    ]  # fmt: skip
    print(f"\nextractions scheduled for 2 pages with extract-service frozen: {len(extracts)}")
    assert len(extracts) > 2, history  # re-issued at least once
