"""The shared policy's numbers and what follows from them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from invoice_shared.policy import (
    MAX_CHILD_WORKFLOWS,
    MAX_DIRECT_PAGES,
    MAX_PAGE_BATCH_SIZE,
    PAGE_BATCH_SIZE,
    STEP_RETRY,
    RetrySchedule,
    batch_size_for,
    plan_batches,
)


def test_steps_are_tried_five_times_1_2_4_and_8_seconds_apart():
    assert STEP_RETRY.attempts == 5
    assert STEP_RETRY.delays_s == (1, 2, 4, 8)
    assert STEP_RETRY.first_interval == timedelta(seconds=1)
    assert STEP_RETRY.max_interval == timedelta(seconds=10)


def test_the_retries_span_15_seconds_to_outlast_a_restart_and_an_open_breaker():
    # The circuit breaker in components/resiliency.yaml stays open 3 s at a time.
    assert STEP_RETRY.total_delay_s == 15
    assert STEP_RETRY.total_delay_s > 3


def test_delays_stop_growing_at_the_longest_interval():
    schedule = RetrySchedule(attempts=7, first_interval_s=1.0, backoff=2.0, max_interval_s=10.0)
    assert schedule.delays_s == (1, 2, 4, 8, 10, 10)
    assert schedule.total_delay_s == 35


def test_a_single_attempt_never_waits():
    schedule = RetrySchedule(attempts=1, first_interval_s=1.0, backoff=2.0, max_interval_s=10.0)
    assert schedule.delays_s == ()
    assert schedule.total_delay_s == 0


def test_the_schedule_cannot_be_changed_in_place():
    with pytest.raises(AttributeError):
        STEP_RETRY.attempts = 3


def test_by_default_two_pages_fan_out_directly_and_more_go_in_pairs():
    assert (PAGE_BATCH_SIZE, MAX_DIRECT_PAGES) == (2, 2)
    assert plan_batches(2, PAGE_BATCH_SIZE, MAX_DIRECT_PAGES) is None
    assert plan_batches(5, PAGE_BATCH_SIZE, MAX_DIRECT_PAGES) == [[0, 1], [2, 3], [4]]


def test_long_invoices_grow_their_batches_to_stay_within_the_childrens_bound():
    assert MAX_CHILD_WORKFLOWS == 64
    # Two-page batches up to 128 pages...
    assert len(plan_batches(128, PAGE_BATCH_SIZE, MAX_DIRECT_PAGES) or []) == 64
    # ...then the fewest pages per child that keep 64 children or fewer.
    batches = plan_batches(129, PAGE_BATCH_SIZE, MAX_DIRECT_PAGES) or []
    assert (len(batches), len(batches[0])) == (43, 3)
    batches = plan_batches(2000, PAGE_BATCH_SIZE, MAX_DIRECT_PAGES) or []
    assert (len(batches), len(batches[0]), len(batches[-1])) == (63, 32, 16)
    assert [page for batch in batches for page in batch] == list(range(2000))


def test_no_bound_keeps_the_batch_size_and_a_batch_never_passes_the_largest():
    assert batch_size_for(2000, 2, None) == 2
    assert batch_size_for(2000, 2, 1) == MAX_PAGE_BATCH_SIZE
