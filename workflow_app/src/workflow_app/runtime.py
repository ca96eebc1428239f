"""The workflow runtime inside the host: registration, start-up and readiness."""

from __future__ import annotations

import logging
import threading
import time

from dapr.ext.workflow import WorkflowRuntime
from dapr.ext.workflow.logger import LoggerOptions

from invoice_shared.dapr_names import INVOICE_WORKFLOW, PAGE_BATCH_WORKFLOW
from workflow_app import suspension_fix
from workflow_app.activities import InvoiceActivities
from workflow_app.actor_health import workflow_actor_types
from workflow_app.config import Settings
from workflow_app.local_ends import observed
from workflow_app.readiness import SidecarReadiness
from workflow_app.sidecar import Sidecar
from workflow_app.workflows import invoice_workflow, invoice_workflow_v1, page_batch_workflow

log = logging.getLogger(__name__)


def sdk_logger_options() -> LoggerOptions:
    """The SDK adds its own stream handler unless given one; with a NullHandler its
    records reach the root logger once, in our format, instead of twice."""
    return LoggerOptions(log_handler=logging.NullHandler())


class WorkflowHost:
    """Owns the sidecar client and the WorkflowRuntime of this process."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        suspension_fix.apply()  # before any instance runs here
        self.sidecar = Sidecar(
            settings.dapr_host,
            settings.dapr_http_port,
            settings.service_timeout_seconds,
            settings.dapr_api_token,
        )
        self.runtime = WorkflowRuntime(
            host=settings.dapr_host,
            port=str(settings.dapr_grpc_port),
            logger_options=sdk_logger_options(),
            maximum_thread_pool_workers=settings.activity_workers,
        )
        # Versions of one workflow name: an instance replays on the version it started
        # with, so in-flight v1 instances finish on v1 after v2 is deployed.
        has_v2 = settings.invoice_workflow_latest == "v2"
        self.runtime.register_versioned_workflow(
            observed(invoice_workflow_v1),
            name=INVOICE_WORKFLOW,
            version_name="v1",
            is_latest=not has_v2,
        )
        if has_v2:
            self.runtime.register_versioned_workflow(
                observed(invoice_workflow), name=INVOICE_WORKFLOW, version_name="v2", is_latest=True
            )
        self.runtime.register_workflow(page_batch_workflow, name=PAGE_BATCH_WORKFLOW)
        activities = InvoiceActivities(
            self.sidecar, settings.extraction_ttl_seconds, settings.line_items_inline_bytes
        )
        for name, activity in activities.by_name().items():
            self.runtime.register_activity(activity, name=name)
        self._start_attempted = False
        self.readiness = SidecarReadiness(
            self.sidecar,
            workflow_actor_types(settings.app_id),
            settings.sidecar_wedge_seconds,
            heal=settings.heal_wedged_sidecar,
        )
        self._stopping = threading.Event()

    def start_in_background(self) -> None:
        """Connect to the sidecar without blocking the web server's start-up.

        `WorkflowRuntime.start()` blocks until the work-item stream is open, which
        needs a healthy sidecar; until then /readyz says why the host is not ready.
        """
        threading.Thread(target=self._start, name="workflow-runtime-start", daemon=True).start()

    def _start(self) -> None:
        deadline = time.monotonic() + self.settings.sidecar_wait_seconds
        while not self.sidecar.outbound_healthy():
            if time.monotonic() > deadline:
                self.readiness.start_error = "the Dapr sidecar did not become healthy in time"
                log.error(self.readiness.start_error)
                return
            time.sleep(0.25)
        self._start_attempted = True
        try:
            self.runtime.start()  # type: ignore[no-untyped-call]  # unannotated in SDK 1.18.3
        except Exception as exc:  # surfaced through /readyz and the log
            self.readiness.start_error = f"workflow runtime failed to start: {exc}"
            log.exception("workflow runtime failed to start; waiting for it to connect")
            # The worker thread keeps reconnecting on its own: notice when it succeeds.
            while not self.runtime.wait_for_worker_ready(timeout=5.0):
                pass
            self.readiness.start_error = None
        self.readiness.connected.set()
        log.info("workflow runtime connected to the sidecar")
        self._watch_sidecar()

    def _watch_sidecar(self) -> None:
        """Check readiness every second for as long as the host runs, so a wedged sidecar
        is healed even when nobody asks /readyz."""
        while not self._stopping.wait(1.0):
            try:
                self.readiness.check()
            except Exception:  # the watch must outlive any one bad answer
                log.exception("checking the sidecar failed")

    def stop(self) -> None:
        self._stopping.set()
        if self._start_attempted:
            try:
                self.runtime.shutdown()  # type: ignore[no-untyped-call]  # unannotated in SDK 1.18.3
            except Exception:  # shutting down anyway; leave a trace
                log.exception("workflow runtime did not shut down cleanly")
        self.sidecar.close()
