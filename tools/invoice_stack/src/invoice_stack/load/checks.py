"""The soak's verdicts (pure): is one result right, and which processes grew."""

from __future__ import annotations

from typing import Any

# Growth in resident memory, from the level after warm-up to the end, that fails a soak.
MAX_GROWTH = 0.10

# How sure the extractor was and where it read each field: the extractor's own account,
# not part of a ground truth (a generated truth leaves them empty).
EVIDENCE = frozenset({"confidence", "source"})

# Reported, not judged: stores that grow by design for as long as a load runs. Jaeger's
# in-memory store keeps every trace up to its cap (max_traces, observability/), and
# Prometheus holds the samples of its head block in memory until it cuts a block, every
# 2 hours (its TSDB's min block duration), so it grows for the first hours of a stack.
NOT_JUDGED = frozenset({"jaeger", "prometheus"})


def result_problem(view: dict[str, Any], truth: dict[str, Any]) -> str | None:
    """Why a finished invoice's view is wrong, or None when it matches ground truth."""
    if view["status"] != "COMPLETED":
        return f"{view['status']}: {view['error']}"
    wrong = [
        k
        for k, v in truth.items()
        if k != "invoice_id" and k not in EVIDENCE and view["result"].get(k) != v
    ]
    if wrong:
        return f"fields differ from ground truth: {wrong}"
    return None


def growth(before_kib: int, after_kib: int) -> float:
    """The relative change from `before_kib` to `after_kib` (0 when nothing was measured)."""
    return (after_kib - before_kib) / before_kib if before_kib else 0.0


def grown(warm: dict[str, int], end: dict[str, int], limit: float = MAX_GROWTH) -> list[str]:
    """The processes whose memory grew by more than `limit` between the two readings."""
    return [
        name for name in warm if name not in NOT_JUDGED and growth(warm[name], end[name]) > limit
    ]
