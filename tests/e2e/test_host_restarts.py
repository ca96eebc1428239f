"""The host restarts twenty times in a row, killed and stopped by turns, mostly with
invoices in flight; after each restart a new invoice must be accepted and complete.

A restart used to wedge the host's sidecar now and then (Dapr 1.18.2 left the workflow
actor types unregistered while the worker's stream was open): starts answered 503 for
good while /readyz was green. The host now reports that state and has the sidecar
restarted; this test shows every restart ends in a host that takes work.
"""

from __future__ import annotations

import signal
import statistics
import time

import httpx
import pytest

from invoice_shared.dapr_names import WORKFLOW_APP_ID
from workflow_app.actor_health import missing_actor_types, workflow_actor_types

from .helpers import assert_results_match, start_generated, unfinished_count
from .stack import RunningStack, sidecar_of

# Restarts the host twenty times: after every other test.
pytestmark = pytest.mark.disruptive

RESTARTS = 20
# From the stop or kill to an accepted start, at worst: a wedged sidecar is noticed after
# 20 s (SIDECAR_WEDGE_SECONDS), restarted in a few, and the worker reconnects within its
# 15 s backoff; a start may then wait out its own 30 s budget once.
FIRST_START_BOUND_SECONDS = 90
# Invoices a restart interrupts: a few seconds of work each. A warm compose stack ran
# 20 pages in 1.1 s, done before the stop came: too short to be in flight reliably.
IN_FLIGHT_PAGES = 60
# And the invoice started then (5-12 pages) completes within this.
COMPLETION_BOUND_SECONDS = 120


def test_every_restart_of_the_host_ends_in_a_host_that_takes_work(stack: RunningStack):
    processes = stack.owned("restarts the host")
    truths: dict = {}
    to_first_start: list[float] = []
    in_flight_at_stop: list[int] = []
    for restart in range(RESTARTS):
        # Two of every three restarts happen with invoices in flight (long enough to be).
        started = [
            start_generated(stack, len(truths), truths, "RESTART", pages=IN_FLIGHT_PAGES)
            for _ in range(2 if restart % 3 != 2 else 0)
        ]
        in_flight_at_stop.append(unfinished_count(stack, started))
        stopped = time.monotonic()
        if restart % 2 == 0:
            processes.kill(WORKFLOW_APP_ID, signal.SIGKILL)
        processes.restart(WORKFLOW_APP_ID)  # SIGTERM first when it still runs
        probe = start_generated(
            stack, len(truths), truths, "RESTART", patience=FIRST_START_BOUND_SECONDS
        )
        to_first_start.append(time.monotonic() - stopped)
        view = stack.wait_for_end(probe, timeout=COMPLETION_BOUND_SECONDS)
        assert view["status"] == "COMPLETED", (restart, view)
        _assert_sidecar_hosts_workflow_actors(stack)

    heals = len(stack.log_lines(WORKFLOW_APP_ID, "sidecar wedged"))
    print(
        f"\n{RESTARTS} host restarts (SIGKILL and SIGTERM by turns); just started and still "
        f"in flight at each: "
        f"{in_flight_at_stop}; stop to first accepted start: median "
        f"{statistics.median(to_first_start):.1f} s, worst {max(to_first_start):.1f} s; "
        f"wedged sidecars healed: {heals}"
    )
    outcomes = {i: stack.wait_for_end(i, timeout=300) for i in truths}
    assert_results_match(stack, outcomes, truths)
    assert sum(1 for n in in_flight_at_stop if n) >= RESTARTS * 2 // 3 - 1, in_flight_at_stop


# How long an answering sidecar may lack our actor types: a sidecar the host just
# restarted answers before our worker reconnects (its backoff reaches 15 s).
REGISTRATION_GRACE_SECONDS = 25


def _assert_sidecar_hosts_workflow_actors(stack: RunningStack, patience: float = 90) -> None:
    """What /readyz promised: the sidecar lists our workflow actor types.

    The host may be restarting its sidecar at this very moment, on its own: the fan-out
    repair of an invoice interrupted by an earlier restart asks the sidecar to exit and
    the supervisor starts it again (CI once saw connection refused here, right after the
    probe completed). So a sidecar that does not answer is waited for, within `patience`;
    one that answers gets REGISTRATION_GRACE_SECONDS to list the types, and a wedged one
    (answering, never listing them) still fails."""
    wanted = workflow_actor_types(WORKFLOW_APP_ID)
    deadline = time.monotonic() + patience
    missing_since: float | None = None
    while True:
        now = time.monotonic()
        try:
            with stack.sidecar_client() as sidecar:
                missing = missing_actor_types(sidecar.get("/v1.0/metadata").json(), wanted)
        except (httpx.HTTPError, ValueError) as exc:  # away, or not yet speaking JSON
            missing, missing_since = [f"no answer: {exc!r}"], None
        else:
            missing_since = missing_since or now
        if not missing:
            return
        out_of_grace = missing_since is not None and now - missing_since > (
            REGISTRATION_GRACE_SECONDS
        )
        if out_of_grace or now > deadline:
            break
        time.sleep(0.5)
    assert not missing, missing


def test_readyz_says_why_and_a_sidecar_without_our_actor_types_is_restarted(
    stack: RunningStack,
):
    """The heal, end to end and on demand: a host told another app id (Dapr's APP_ID)
    looks for actor types its sidecar never registers. /readyz says so; with healing off
    it only reports, with healing on the sidecar is asked to exit and the supervisor
    starts it again, three times, then the host gives up and says so. Then the real host
    takes work as before."""
    processes = stack.owned("restarts the host and its sidecar")
    sidecar = sidecar_of(WORKFLOW_APP_ID)

    def sidecar_exits() -> int:
        return len(stack.log_lines(sidecar, "Daprd shutdown gracefully"))

    def heals() -> int:
        return len(stack.log_lines(WORKFLOW_APP_ID, "sidecar wedged", "asking it to shut down"))

    exits_before, heals_before = sidecar_exits(), heals()
    blind = {"APP_ID": "another-app", "SIDECAR_WEDGE_SECONDS": "2"}
    try:
        processes.restart(WORKFLOW_APP_ID, env={**blind, "HEAL_WEDGED_SIDECAR": "false"})
        reason = _readyz_until(stack, "restart the sidecar")
        wanted = ", ".join(workflow_actor_types("another-app"))
        assert f"has not registered the workflow actor types ending {wanted}" in reason
        assert sidecar_exits() == exits_before and heals() == heals_before

        processes.restart(WORKFLOW_APP_ID, env=blind)
        _readyz_until(stack, "restarting it did not help, see its log", timeout=120)
        assert heals() - heals_before == 3
        assert sidecar_exits() - exits_before == 3
    finally:
        processes.restart(WORKFLOW_APP_ID)
    stack.wait_ready()
    _assert_sidecar_hosts_workflow_actors(stack)
    truths: dict = {}
    probe = start_generated(stack, 7, truths, "HEALED")
    assert_results_match(stack, {probe: stack.wait_for_end(probe)}, truths)


def _readyz_until(stack: RunningStack, ending: str, timeout: float = 30) -> str:
    """Poll /readyz (503 all along) until its reason ends with `ending`; the reason."""
    deadline = time.monotonic() + timeout
    while True:
        answer = httpx.get(f"{stack.api_url}/readyz", timeout=5)
        if answer.status_code == 503 and answer.json()["reason"].endswith(ending):
            return str(answer.json()["reason"])
        assert answer.status_code in (200, 503), answer.text
        assert time.monotonic() < deadline, answer.text
        time.sleep(0.25)
