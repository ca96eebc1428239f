"""How the session's own stack is configured, for the tests that depend on it."""

from __future__ import annotations

# Approval by amount off (generated totals vary), on for warnings (the inconsistent
# invoice has one), and a timeout short enough to watch it fire.
APPROVAL_TIMEOUT_SECONDS = 10
MAX_UPLOAD_BYTES = 300_000
MAX_PDF_BYTES = 3_000_000
# The system-wide cap on concurrent extractions this stack runs with.
EXTRACT_CONCURRENCY_LIMIT = 3
# The stall guard's bound: well above any wait of this stack's tests (the hung-service
# test's worst is about 35 s), short enough that a dropped outcome in the fault test is
# re-issued within its 300 s wait.
STALL_SECONDS = 45
# A parent caught in the runtime's lock cycle is freed after this (fanout_repair); well
# above the moment a healthy parent's children exist before its history records them.
FANOUT_REPAIR_SECONDS = 30
# Line items above this many bytes of JSON live in the state store, not the history: low
# enough that most of the 5-12-page invoices of the fault, restart and replica tests take
# that path (our generator prints about 1 KB of items a page) while the 1-3-page ones keep
# theirs inline; both are checked against ground truth.
LINE_ITEMS_INLINE_BYTES = 4096
E2E_APP_ENV = {
    "STALL_SECONDS": str(STALL_SECONDS),
    "FANOUT_REPAIR_SECONDS": str(FANOUT_REPAIR_SECONDS),
    "SWEEP_INTERVAL_SECONDS": "5",
    "LINE_ITEMS_INLINE_BYTES": str(LINE_ITEMS_INLINE_BYTES),
    "APPROVAL_THRESHOLD": "",
    "APPROVAL_ON_WARNINGS": "true",
    "APPROVAL_TIMEOUT_SECONDS": str(APPROVAL_TIMEOUT_SECONDS),
    # Small enough to test the limit without sending 50 MiB.
    "MAX_UPLOAD_BYTES": str(MAX_UPLOAD_BYTES),
    "MAX_PDF_BYTES": str(MAX_PDF_BYTES),
    # The URL tests serve PDFs from this machine; refusing loopback is unit-tested.
    "ALLOW_LOOPBACK_URLS": "true",
}
