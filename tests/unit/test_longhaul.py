"""The long-haul run's pure parts: its restart plan, its memory verdict, and the readings'
parsing."""

import os
import signal

import pytest

from invoice_stack.load.memory import usage_by_session, window_mean
from invoice_stack.longhaul.readings import _complete, go_metric_mib
from invoice_stack.longhaul.report import Outcome, failed, read_csv, trends_of, write_csv
from invoice_stack.longhaul.sampler import Sample
from invoice_stack.longhaul.schedule import SETTLE_SECONDS, restart_plan, restart_window
from invoice_stack.longhaul.trend import last_half_trend, slope_per_hour

PROCESSES = ["redis", "scheduler", "workflow-app", "workflow-app-dapr", "extract-service"]


def test_restarts_are_spread_over_the_first_part_and_repeatable():
    plan = restart_plan(3600, PROCESSES, 4, seed=7)
    assert len(plan) == 4
    times = [r.at_seconds for r in plan]
    assert times == sorted(times) and times[-1] < 1800 - SETTLE_SECONDS and times[0] > 0
    assert plan == restart_plan(3600, PROCESSES, 4, seed=7)
    assert {r.process for r in plan} <= set(PROCESSES)
    assert restart_plan(3600, PROCESSES, 0, seed=7) == []


def test_redis_is_only_ever_stopped_gracefully():
    plan = restart_plan(3600, ["redis"], 6, seed=1)
    assert {r.sig for r in plan} == {signal.SIGTERM}
    kinds = {r.sig for r in restart_plan(3600, ["scheduler"], 6, seed=1)}
    assert kinds == {signal.SIGKILL, signal.SIGTERM}


def test_restarts_leave_time_to_settle_before_the_judged_half():
    assert restart_window(3600) == 1800 - SETTLE_SECONDS  # the first quarter of an hour
    assert restart_window(4 * 3600) == 2 * 3600 - SETTLE_SECONDS
    assert restart_window(20 * 60) == pytest.approx(2 * 60)  # too short: its first tenth


def test_slope_is_per_hour():
    assert slope_per_hour([(0, 100.0), (1800, 101.0), (3600, 102.0)]) == pytest.approx(2.0)
    assert slope_per_hour([(0, 5.0)]) == 0.0


def _trend(points, duration=3600):
    return last_half_trend("p", "rss_mib", points, duration, sample_s=60)


def test_a_leak_fails_and_a_level_with_noise_or_an_early_climb_passes():
    minutes = range(0, 3601, 60)
    leaking = [(t, 100 + 10 * t / 3600) for t in minutes]  # 10 MiB/h at 100 MiB
    assert not _trend(leaking).flat
    noisy = [(t, 100 + (1.5 if (t // 60) % 2 else -1.5)) for t in minutes]
    assert _trend(noisy).flat
    # Climbs for the first 20 minutes (warming up, or restarted), then level: judged
    # on the last half only.
    warming = [(t, min(100.0, 60 + t / 30)) for t in minutes]
    trend = _trend(warming)
    assert trend.flat and trend.level_mib == pytest.approx(100)


def test_one_step_up_is_not_a_leak_but_a_steady_climb_is():
    minutes = range(0, 3601, 60)
    # A Python process taking one more 2 MiB arena at 36 minutes (the first hour run's
    # split service): over the bound on the last half, level in its last quarter.
    step = _trend([(t, 82.0 if t < 2160 else 84.0) for t in minutes])
    assert step.slope_mib_per_hour > step.bound_mib_per_hour and step.flat
    # The same 2 MiB gained in steps all through the last half is growth.
    stairs = _trend([(t, 82.0 + 0.5 * (t // 450)) for t in minutes])
    assert not stairs.flat


@pytest.mark.parametrize("minute", [33, 40, 47, 52, 58])
def test_one_step_anywhere_in_the_last_half_is_high_water(minute):
    """The fifth long-haul run's split service stepped 1.9 MiB at 75 of 90 minutes: over
    the bound on the last half and on its last quarter, level in its third."""
    minutes = range(0, 3601, 60)
    trend = _trend([(t, 63.0 if t < minute * 60 else 65.0) for t in minutes])
    assert trend.slope_mib_per_hour > trend.bound_mib_per_hour
    assert trend.flat


def test_a_step_in_each_quarter_of_the_last_half_is_growth():
    minutes = range(0, 3601, 60)
    two_steps = _trend([(t, 63.0 + 2.0 * (t >= 2400) + 2.0 * (t >= 3300)) for t in minutes])
    assert not two_steps.flat
    # Every quarter's slope is reported, so a reader can see which one climbed.
    assert two_steps.third_quarter_slope_mib_per_hour > two_steps.bound_mib_per_hour
    assert two_steps.late_slope_mib_per_hour > two_steps.bound_mib_per_hour


def test_the_drain_after_the_load_is_not_judged():
    """Samples past the end of the load (at falling load) would pull a slope down."""
    leaking = [(t, 100 + 10 * t / 3600) for t in range(0, 3601, 60)]
    drained = leaking + [(3600 + t, 80.0) for t in range(60, 601, 60)]
    assert _trend(drained).slope_mib_per_hour == pytest.approx(10)


def test_a_sampler_that_stopped_early_is_not_a_flat_line():
    stopped = [(t, 100.0) for t in range(0, 2101, 60)]  # nothing after 35 minutes
    trend = _trend(stopped)
    assert not trend.enough_samples and not trend.flat


def test_the_bound_scales_with_the_level_with_a_floor():
    big = _trend([(t, 500.0) for t in range(1800, 3601, 60)])
    small = _trend([(t, 10.0) for t in range(1800, 3601, 60)])
    assert big.bound_mib_per_hour == pytest.approx(10.0)
    assert small.bound_mib_per_hour == pytest.approx(1.0)


def test_a_run_fails_on_wrong_invoices_unasked_restarts_or_growth_but_not_on_capped_stores():
    flat = {name: _trend([(t, 100.0) for t in range(0, 3601, 60)]) for name in ("host", "jaeger")}
    ok = Outcome(rate=2, minutes=60, started=10, correct=10)
    assert failed(ok, flat) == []
    leak = [(t, 100 + 10 * t / 3600) for t in range(0, 3601, 60)]
    assert failed(ok, {**flat, "jaeger": _trend(leak)}) == []  # a store that grows by design
    assert failed(ok, {**flat, "host": _trend(leak)}) == [
        "memory not flat over the last half: host"
    ]
    wrong = Outcome(rate=2, minutes=60, started=10, correct=9, problems=["x: FAILED"])
    assert failed(wrong, flat) == ["1 wrong and 0 lost invoices"]
    restarted = Outcome(rate=2, minutes=60, started=1, correct=1, unplanned_restarts=["redis"])
    assert failed(restarted, flat) == ["restarted in the last half: redis"]


def test_samples_survive_the_csv(tmp_path):
    samples = [Sample(60.0, "scheduler", "rss_mib", 150.25), Sample(60.0, "redis-db", "keys", 40)]
    write_csv(samples, tmp_path / "samples.csv")
    assert read_csv(tmp_path / "samples.csv") == samples


def test_memory_level_is_the_mean_of_the_window():
    samples = [(0.0, {"a": 100}), (10.0, {"a": 200}), (20.0, {"a": 300})]
    assert window_mean(samples, since=5.0) == {"a": 250}
    assert window_mean(samples, since=99.0) == {"a": 300}  # nothing that recent: the last


def test_a_redis_reply_is_read_until_complete():
    assert not _complete(b"$10\r\nabc")
    assert _complete(b"$3\r\nabc\r\n")
    assert _complete(b":42\r\n") and not _complete(b":4")


def test_processes_are_judged_on_private_memory_when_it_was_sampled():
    # RSS climbs (a binary's pages coming in) while the private memory is level.
    rss = [Sample(m * 60.0, "sidecar", "rss_mib", 100 + m) for m in range(1, 61)]
    anon = [Sample(m * 60.0, "sidecar", "anon_mib", 30.0) for m in range(1, 61)]
    redis = [Sample(m * 60.0, "redis-db", "used_mib", 1.8) for m in range(1, 61)]
    judged = trends_of([*rss, *anon, *redis], duration=3600, sample_s=60)
    assert (judged["sidecar"].metric, judged["sidecar"].flat) == ("anon_mib", True)
    assert judged["redis-db"].metric == "used_mib"
    before = trends_of(rss, duration=3600, sample_s=60)  # a run from before: RSS
    assert (before["sidecar"].metric, before["sidecar"].flat) == ("rss_mib", False)


def test_the_private_part_of_a_process_memory_is_read():
    me = os.getsid(0)
    usage = usage_by_session([me])[me]
    assert 0 < usage.anon_kib <= usage.rss_kib


def test_go_processes_are_judged_on_their_runtimes_memory_when_it_was_sampled():
    # Private memory creeps into what the Go runtime already holds; the runtime is level.
    anon = [Sample(m * 60.0, "sidecar", "anon_mib", 30 + m / 30) for m in range(1, 101)]
    runtime = [Sample(m * 60.0, "sidecar", "go_sys_mib", 42.9) for m in range(1, 101)]
    python = [Sample(m * 60.0, "host", "anon_mib", 80.0) for m in range(1, 101)]
    judged = trends_of([*anon, *runtime, *python], duration=6000, sample_s=60)
    assert (judged["sidecar"].metric, judged["sidecar"].flat) == ("go_sys_mib", True)
    assert judged["host"].metric == "anon_mib"
    growing = [Sample(m * 60.0, "sidecar", "go_sys_mib", 42 + m / 20) for m in range(1, 101)]
    assert not trends_of(growing, duration=6000, sample_s=60)["sidecar"].flat


def test_the_go_runtimes_memory_is_read_from_its_metrics():
    metrics = "# HELP go_memstats_sys_bytes ...\ngo_memstats_sys_bytes 4.5e+07\ngo_goroutines 170\n"
    assert abs(go_metric_mib(metrics, "go_memstats_sys_bytes") - 45e6 / 2**20) < 1e-9
    with pytest.raises(ValueError, match="go_memstats_buck_hash_sys_bytes"):
        go_metric_mib(metrics, "go_memstats_buck_hash_sys_bytes")


def test_a_go_process_is_judged_without_its_allocation_profiles_records():
    """The host's sidecar after a restart: its runtime's memory climbs, all of it in the
    allocation profile's records, while the rest holds level."""
    minutes = range(1, 91)
    held = [Sample(m * 60.0, "sidecar", "go_sys_mib", 46 + 2.5 * m / 60) for m in minutes]
    program = [Sample(m * 60.0, "sidecar", "go_program_mib", 44.4) for m in minutes]
    judged = trends_of([*held, *program], duration=5400, sample_s=60)
    assert (judged["sidecar"].metric, judged["sidecar"].flat) == ("go_program_mib", True)
    assert not trends_of(held, duration=5400, sample_s=60)["sidecar"].flat
    leaking = [Sample(m * 60.0, "sidecar", "go_program_mib", 44 + m / 20) for m in minutes]
    assert not trends_of([*held, *leaking], duration=5400, sample_s=60)["sidecar"].flat
