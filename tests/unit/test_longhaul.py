"""The long-haul run's pure parts: its restart plan, its memory verdict, and the readings'
parsing."""

import signal

import pytest

from invoice_stack.load.memory import window_mean
from invoice_stack.longhaul.readings import _complete
from invoice_stack.longhaul.schedule import RESTARTS_WITHIN, restart_plan
from invoice_stack.longhaul.trend import last_half_trend, slope_per_hour

PROCESSES = ["redis", "scheduler", "workflow-app", "workflow-app-dapr", "extract-service"]


def test_restarts_are_spread_over_the_first_part_and_repeatable():
    plan = restart_plan(3600, PROCESSES, 4, seed=7)
    assert len(plan) == 4
    times = [r.at_seconds for r in plan]
    assert times == sorted(times) and times[-1] < 3600 * RESTARTS_WITHIN and times[0] > 0
    assert plan == restart_plan(3600, PROCESSES, 4, seed=7)
    assert {r.process for r in plan} <= set(PROCESSES)
    assert restart_plan(3600, PROCESSES, 0, seed=7) == []


def test_redis_is_only_ever_stopped_gracefully():
    plan = restart_plan(3600, ["redis"], 6, seed=1)
    assert {r.sig for r in plan} == {signal.SIGTERM}
    kinds = {r.sig for r in restart_plan(3600, ["scheduler"], 6, seed=1)}
    assert kinds == {signal.SIGKILL, signal.SIGTERM}


def test_slope_is_per_hour():
    assert slope_per_hour([(0, 100.0), (1800, 101.0), (3600, 102.0)]) == pytest.approx(2.0)
    assert slope_per_hour([(0, 5.0)]) == 0.0


def test_a_leak_fails_and_a_level_with_noise_or_an_early_climb_passes():
    minutes = range(0, 3600, 60)
    leaking = [(t, 100 + 10 * t / 3600) for t in minutes]  # 10 MiB/h at 100 MiB
    assert not last_half_trend("leaky", leaking, 3600).flat
    noisy = [(t, 100 + (1.5 if (t // 60) % 2 else -1.5)) for t in minutes]
    assert last_half_trend("steady", noisy, 3600).flat
    # Climbs for the first 20 minutes (warming up, or restarted), then level: judged
    # on the last half only.
    warming = [(t, min(100.0, 60 + t / 30)) for t in minutes]
    trend = last_half_trend("warming", warming, 3600)
    assert trend.flat and trend.level_mib == pytest.approx(100)


def test_the_bound_scales_with_the_level_with_a_floor():
    big = last_half_trend("big", [(1800, 500.0), (3600, 500.0)], 3600)
    small = last_half_trend("small", [(1800, 10.0), (3600, 10.0)], 3600)
    assert big.bound_mib_per_hour == pytest.approx(10.0)
    assert small.bound_mib_per_hour == pytest.approx(1.0)


def test_memory_level_is_the_mean_of_the_window():
    samples = [(0.0, {"a": 100}), (10.0, {"a": 200}), (20.0, {"a": 300})]
    assert window_mean(samples, since=5.0) == {"a": 250}
    assert window_mean(samples, since=99.0) == {"a": 300}  # nothing that recent: the last


def test_a_redis_reply_is_read_until_complete():
    assert not _complete(b"$10\r\nabc")
    assert _complete(b"$3\r\nabc\r\n")
    assert _complete(b":42\r\n") and not _complete(b":4")
