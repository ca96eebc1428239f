"""The workflow's policies and defaults, stated once for the host, its tests and the bench.

Plain numbers and pure rules: each engine builds its own objects from them where they
are used (Dapr's RetryPolicy in `workflow_app.workflows`, Temporal's and Prefect's retry
options in the bench peers), so a change here reaches every implementation at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Final, Literal


@dataclass(frozen=True)
class RetrySchedule:
    """Attempts of one step with exponential backoff between them."""

    attempts: int
    first_interval_s: float
    backoff: float
    max_interval_s: float

    @property
    def first_interval(self) -> timedelta:
        return timedelta(seconds=self.first_interval_s)

    @property
    def max_interval(self) -> timedelta:
        return timedelta(seconds=self.max_interval_s)

    @property
    def delays_s(self) -> tuple[float, ...]:
        """The waits between attempts, one fewer than the attempts."""
        return tuple(
            min(self.first_interval_s * self.backoff**n, self.max_interval_s)
            for n in range(self.attempts - 1)
        )

    @property
    def total_delay_s(self) -> float:
        """How long the retries span, not counting the attempts themselves."""
        return sum(self.delays_s)


# Every activity and child workflow call: 5 attempts, 1, 2, 4 and 8 s apart. The 15 s
# this spans must outlast a service restarting plus the sidecar's circuit breaker
# staying open (3 s a time, components/resiliency.yaml): while it is open every attempt
# fails at once, and with 3 attempts (3 s) the fault test lost an invoice to it. Input
# errors skip the retries (NonRetryableError in the host, StepError in the bench).
STEP_RETRY: Final = RetrySchedule(
    attempts=5, first_interval_s=1.0, backoff=2.0, max_interval_s=10.0
)

# A workflow that sees no step finish for this long issues its pending activities again
# (workflow_app.stall_guard: the runtime can drop an activity's outcome when Redis
# restarts). It must outlast the longest legitimate wait for one step: every attempt
# timing out (5 x SERVICE_TIMEOUT_SECONDS = 300 s) plus the backoffs (15 s), and a
# queue behind the extraction cap. A stall is noticed one to two bounds after the last
# progress; re-issuing a step that was only slow costs a repeated call, never a
# duplicate result.
STALL_SECONDS: Final = 600

# Invoices of up to MAX_DIRECT_PAGES pages fan out straight from the parent; longer
# ones go through child workflows of PAGE_BATCH_SIZE pages. Two-page batches are the
# specification's; PAGE_BATCH_SIZE is a setting for long invoices.
PAGE_BATCH_SIZE: Final = 2
MAX_PAGE_BATCH_SIZE: Final = 100
MAX_DIRECT_PAGES: Final = 2
# Past this many children an invoice's batches grow instead (adaptive batching): a
# parent replays every child call on each event, so its cost grows as children squared.
# 64 keeps two-page batches up to 128 pages; 2,000 pages go in 63 batches of 32.
MAX_CHILD_WORKFLOWS: Final = 64


def batch_size_for(page_count: int, batch_size: int, max_children: int | None) -> int:
    """Pages per child: `batch_size`, grown just enough to stay within `max_children`
    (None: no bound), and never past MAX_PAGE_BATCH_SIZE."""
    if not max_children or -(-page_count // batch_size) <= max_children:
        return batch_size
    return min(-(-page_count // max_children), MAX_PAGE_BATCH_SIZE)


def plan_batches(
    page_count: int,
    batch_size: int,
    max_direct_pages: int,
    max_children: int | None = MAX_CHILD_WORKFLOWS,
) -> list[list[int]] | None:
    """Group page indexes into child-workflow batches, or None to extract directly.

    Invoices of up to `max_direct_pages` pages fan out straight from the parent; longer
    ones go through children so the parent's history grows with the number of batches,
    not pages; past `max_children` batches, each batch takes more pages.
    """
    if page_count <= max_direct_pages:
        return None
    size = batch_size_for(page_count, batch_size, max_children)
    return [list(range(i, min(i + size, page_count))) for i in range(0, page_count, size)]


# When an invoice waits for a person, and how long. An unanswered invoice is never
# approved silently: it ends as APPROVAL_TIMEOUT_OUTCOME.
ApprovalTimeoutOutcome = Literal["escalated", "rejected"]
APPROVAL_THRESHOLD: Final = Decimal("10000")
APPROVAL_ON_WARNINGS: Final = True
APPROVAL_TIMEOUT_SECONDS: Final = 72 * 3600
APPROVAL_TIMEOUT_OUTCOME: Final[ApprovalTimeoutOutcome] = "escalated"

# Bound on one service call from an activity (a step in the bench).
SERVICE_TIMEOUT_SECONDS: Final = 60.0
# Threads running activities in the host (steps in the bench); they mostly wait on I/O.
ACTIVITY_WORKERS: Final = 16
# Extractions at once across the whole system: the shape of a paid OCR API that allows a
# few connections. config/config.yaml states it for the sidecars (activityConcurrencyLimits).
EXTRACT_CONCURRENCY_LIMIT: Final = 4
# Largest PDF: the host's upload endpoint and the upload service refuse the same sizes.
MAX_PDF_BYTES: Final = 50 * 1024 * 1024
# Largest JSON a service takes: an aggregate request carries every page's extraction
# (up to 2,000 pages of up to 16 KiB each), under the sidecars' 64 MiB body limit.
MAX_SERVICE_JSON_BYTES: Final = 32 * 1024 * 1024
