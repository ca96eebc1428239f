"""Dapr names used across apps, defined once.

App ids and method names must match `dapr.yaml`, `docker-compose.yml` and the
supervisor in `tools/invoice_stack`; workflow names are part of every stored
history, so renaming one strands instances already in flight.
"""

from typing import Final

WORKFLOW_APP_ID: Final = "workflow-app"
UPLOAD_APP_ID: Final = "upload-service"
SPLIT_APP_ID: Final = "split-service"
EXTRACT_APP_ID: Final = "extract-service"
AGGREGATE_APP_ID: Final = "aggregate-service"
SERVICE_APP_IDS: Final = (UPLOAD_APP_ID, SPLIT_APP_ID, EXTRACT_APP_ID, AGGREGATE_APP_ID)

UPLOAD_METHOD: Final = "upload"
SPLIT_METHOD: Final = "split"
EXTRACT_METHOD: Final = "extract"
AGGREGATE_METHOD: Final = "aggregate"

STATE_STORE: Final = "statestore"

INVOICE_WORKFLOW: Final = "invoice_workflow"
PAGE_BATCH_WORKFLOW: Final = "page_batch_workflow"

UPLOAD_ACTIVITY: Final = "upload_pdf_activity"
SPLIT_ACTIVITY: Final = "split_pdf_activity"
EXTRACT_ACTIVITY: Final = "extract_invoice_activity"
AGGREGATE_ACTIVITY: Final = "aggregate_invoice_activity"

# External event a person raises to approve or reject an invoice awaiting approval.
APPROVAL_EVENT: Final = "approval"

# Dapr's runtime statuses from which an instance never moves on.
TERMINAL_STATUSES: Final = frozenset({"COMPLETED", "FAILED", "TERMINATED"})
