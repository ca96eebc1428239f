"""The workflow runtime inside the host: registration, start-up and readiness."""

from __future__ import annotations

import logging
import threading
import time

import httpx
from dapr.ext.workflow import WorkflowRuntime
from dapr.ext.workflow.logger import LoggerOptions

from invoice_shared.dapr_names import INVOICE_WORKFLOW, PAGE_BATCH_WORKFLOW
from workflow_app.activities import InvoiceActivities
from workflow_app.config import Settings
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
            invoice_workflow_v1, name=INVOICE_WORKFLOW, version_name="v1", is_latest=not has_v2
        )
        if has_v2:
            self.runtime.register_versioned_workflow(
                invoice_workflow, name=INVOICE_WORKFLOW, version_name="v2", is_latest=True
            )
        self.runtime.register_workflow(page_batch_workflow, name=PAGE_BATCH_WORKFLOW)
        activities = InvoiceActivities(self.sidecar, settings.extraction_ttl_seconds)
        for name, activity in activities.by_name().items():
            self.runtime.register_activity(activity, name=name)
        self._started = threading.Event()
        self._start_attempted = False
        self.start_error: str | None = None

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
                self.start_error = "the Dapr sidecar did not become healthy in time"
                log.error(self.start_error)
                return
            time.sleep(0.25)
        self._start_attempted = True
        try:
            self.runtime.start()
        except Exception as exc:  # surfaced through /readyz and the log
            self.start_error = f"workflow runtime failed to start: {exc}"
            log.exception("workflow runtime failed to start; waiting for it to connect")
            # The worker thread keeps reconnecting on its own: notice when it succeeds.
            while not self.runtime.wait_for_worker_ready(timeout=5.0):
                pass
            self.start_error = None
        self._started.set()
        log.info("workflow runtime connected to the sidecar")

    def readiness(self) -> tuple[bool, str]:
        """Ready once our worker stream is open and the sidecar's actor runtime is placed."""
        if self.start_error:
            return False, self.start_error
        if not self._started.is_set():
            return False, "workflow runtime is still connecting to the sidecar"
        try:
            actors = self.sidecar.metadata().get("actorRuntime") or {}
        except httpx.HTTPError as exc:
            return False, f"sidecar metadata unavailable: {exc}"
        if actors.get("runtimeStatus") != "RUNNING":
            return False, f"actor runtime is {actors.get('runtimeStatus', 'unknown')}"
        placement = str(actors.get("placement", ""))
        if "connected" not in placement or "disconnected" in placement:
            return False, f"placement: {placement or 'unknown'}"
        return True, "ready"

    def stop(self) -> None:
        if self._start_attempted:
            try:
                self.runtime.shutdown()
            except Exception:  # shutting down anyway; leave a trace
                log.exception("workflow runtime did not shut down cleanly")
        self.sidecar.close()
