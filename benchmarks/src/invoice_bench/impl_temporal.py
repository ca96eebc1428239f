"""Temporal peer: the workflow on `temporal server start-dev`, with a Python SDK worker.

    run(corpus, concurrency) -> PeerRun

Processes: the dev server (the `temporal` CLI built by scripts/install-temporal.sh; on
free loopback ports, UI off, state in a SQLite file of the run), one worker process, and
a driver process that starts every invoice's workflow, `concurrency` at a time, and
waits for its result.

Workflows (invoice_bench.temporal_workflows): `invoice` runs upload -> split -> extract
(up to MAX_DIRECT_PAGES: an `extract` activity per page; more: `page-batch` child
workflows of PAGE_BATCH_SIZE pages, ids `<invoice id>:batch-0001`, ... as on the Dapr
stack) -> aggregate. The names are invoice_shared.policy's, the Dapr stack's own.

- Persistence: the dev server's SQLite file (`--db-filename`): histories, timers and
  task queues survive a server restart. Activity results travel in the histories.
- Retries: every activity and child as STEP_RETRY; a step whose input is at fault raises
  a non-retryable ApplicationError, and children and the parent pass it on as
  non-retryable. Activities time out after SERVICE_TIMEOUT_SECONDS.
- Concurrency: activities are synchronous functions on a pool of ACTIVITY_WORKERS
  threads (the workflow host's); extractions run on their own task queue whose worker
  takes at most EXTRACT_CONCURRENCY_LIMIT at once, the stack's system-wide cap.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from temporalio import activity
from temporalio.client import Client
from temporalio.exceptions import ApplicationError
from temporalio.worker import Worker

from invoice_bench import common
from invoice_bench.common import Job, PeerRun, Record
from invoice_bench.corpus import CorpusItem
from invoice_bench.logic import Json, StepError, Steps, request_for
from invoice_bench.temporal_workflows import (
    EXTRACT_QUEUE,
    STEP_FAILURE,
    TASK_QUEUE,
    InvoiceWorkflow,
    PageBatchWorkflow,
    WarmUpWorkflow,
)
from invoice_shared.policy import ACTIVITY_WORKERS

PEER = "temporal"
INSTALL_SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "install-temporal.sh"
ADDRESS_ENV = "BENCH_TEMPORAL_ADDRESS"


def temporal_cli() -> str:
    """The `temporal` binary: $BENCH_TEMPORAL_CLI, else what scripts/install-temporal.sh has
    built (it builds it when missing: minutes)."""
    if path := os.environ.get("BENCH_TEMPORAL_CLI"):
        return path
    out = subprocess.run(
        ["bash", str(INSTALL_SCRIPT)], check=True, stdout=subprocess.PIPE, text=True
    ).stdout
    return out.strip().splitlines()[-1]


# --- the worker process ---------------------------------------------------------------


class Activities:
    def __init__(self, steps: Steps) -> None:
        self.steps = steps

    @staticmethod
    def _call(fn: Callable[..., Json], *args: Any) -> Json:
        try:
            return fn(*args)
        except StepError as exc:
            raise ApplicationError(
                exc.message, type=STEP_FAILURE, non_retryable=not exc.retryable
            ) from None

    @activity.defn(name="upload")
    def upload(self, request: Json) -> Json:
        return self._call(self.steps.upload, request)

    @activity.defn(name="split")
    def split(self, upload: Json) -> Json:
        return self._call(self.steps.split, upload)

    @activity.defn(name="extract")
    def extract(self, page: Json) -> Json:
        return self._call(self.steps.extract, page)

    @activity.defn(name="aggregate")
    def aggregate(self, invoice_id: str, pages: list[Json]) -> Json:
        return self._call(self.steps.aggregate, invoice_id, pages)

    @activity.defn(name="warm-up")
    def warm_up(self) -> str:
        return "ok"


def worker_main(args: list[str]) -> None:
    """The worker process: `driver temporal-worker EXTRACT_CONCURRENCY_LIMIT`."""
    extract_limit = int(args[0]) or ACTIVITY_WORKERS
    steps = Steps.from_env()
    steps.warm_up()
    acts = Activities(steps)

    async def main() -> None:
        client = await Client.connect(os.environ[ADDRESS_ENV])
        threads = ThreadPoolExecutor(ACTIVITY_WORKERS, thread_name_prefix="activity")
        main_worker = Worker(
            client,
            task_queue=TASK_QUEUE,
            workflows=[InvoiceWorkflow, PageBatchWorkflow, WarmUpWorkflow],
            activities=[acts.upload, acts.split, acts.aggregate, acts.warm_up],
            activity_executor=threads,
            max_concurrent_activities=ACTIVITY_WORKERS,
        )
        extract_worker = Worker(
            client,
            task_queue=EXTRACT_QUEUE,
            activities=[acts.extract],
            activity_executor=threads,
            max_concurrent_activities=extract_limit,
        )
        await asyncio.gather(main_worker.run(), extract_worker.run())

    asyncio.run(main())


# --- the driver process ---------------------------------------------------------------


def _drive(job: Job) -> list[Record]:
    async def main() -> list[Record]:
        client = await Client.connect(os.environ[ADDRESS_ENV])

        async def one(invoice: dict[str, Any]) -> Json:
            request = request_for(invoice["invoice_id"], invoice["pdf_path"])
            return await client.execute_workflow(
                InvoiceWorkflow.run,
                args=[request, job.batch_size, job.max_direct_pages],
                id=invoice["invoice_id"],
                task_queue=TASK_QUEUE,
            )

        return await common.drive(job, one)

    return asyncio.run(main())


def _warm_up() -> None:
    """Connect and run one trivial workflow once the worker polls."""

    async def main() -> None:
        client = await Client.connect(os.environ[ADDRESS_ENV])
        await client.execute_workflow(WarmUpWorkflow.run, id="warm-up", task_queue=TASK_QUEUE)

    asyncio.run(main())


def client_main(args: list[str]) -> None:
    """The driver process (see invoice_bench.driver)."""
    common.driver_main(Path(args[0]), _warm_up, _drive)


# --- the harness side -----------------------------------------------------------------


def run(
    corpus: Sequence[CorpusItem],
    concurrency: int,
    *,
    workdir: Path | None = None,
    on_ready: Callable[[dict[str, int]], None] | None = None,
    timeout: float = 3600.0,
    **options: Any,
) -> PeerRun:
    """Run `corpus` through Temporal, `concurrency` invoices at a time; the processes are
    reported as "temporal-server", "temporal-worker" and "driver"."""
    cli = temporal_cli()
    with common.peer_session(PEER, workdir, corpus, concurrency, options) as (root, procs, job):
        port, http_port, metrics_port = common.pick_ports(3)
        address = f"127.0.0.1:{port}"
        steps = Steps(common.source_dir(corpus), root / "artifacts")
        env = common.child_env(**steps.env(), **{ADDRESS_ENV: address})
        procs.start(
            "temporal-server",
            [
                cli, "server", "start-dev",
                "--ip", "127.0.0.1",
                "--port", str(port),
                "--http-port", str(http_port),
                "--metrics-port", str(metrics_port),
                "--headless",
                "--db-filename", str(root / "temporal.db"),
                "--log-level", "warn",
            ],
            env,
        )  # fmt: skip
        common.wait_for_port(port, 120, lambda: procs.procs["temporal-server"].poll() is None)
        procs.start(
            "temporal-worker",
            common.driver_argv("temporal-worker", str(job.extract_concurrency or 0)),
            env,
        )
        records, wall = common.run_driver(procs, PEER, job, root, env, on_ready, timeout)
        pids = procs.pids()
    config = {**job.options(), "temporal_cli": cli, "address": address}
    return PeerRun(PEER, records, pids, wall, config=config)
