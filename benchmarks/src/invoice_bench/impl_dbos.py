"""DBOS peer: DBOS Transact workflows on a PostgreSQL system database.

    run(corpus, concurrency, database_url=None, poll_s=POLL_S) -> PeerRun

Processes: a private PostgreSQL cluster (invoice_bench.postgres, as the Prefect peer's:
Debian's binaries, initdb into the run's directory, a free loopback port) holding DBOS's
system database, and a driver process. DBOS is a library, not a server: workflows run in
the process that launched it, which checkpoints them in the system database. The driver
launches DBOS in its event loop and starts every invoice's workflow, `concurrency` at a
time, then waits for its result.

Workflows, all async so that invoices, children and pages share one event loop: `invoice`
runs upload -> split -> extract (up to MAX_DIRECT_PAGES: an `extract-page` workflow per
page, enqueued on the `extract` queue straight from the invoice; more: `page-batch` child
workflows of PAGE_BATCH_SIZE pages, ids `<invoice id>:batch-0001`, ... as on the Dapr
stack, started together, each enqueueing its pages) -> aggregate. Each `extract-page`
runs the `extract` step. Steps run their (blocking) step on a pool of ACTIVITY_WORKERS
threads. The names are the other peers' (invoice_shared.policy's numbers throughout).

- Persistence: the system database (PostgreSQL with fsync and synchronous commit on):
  each workflow's status with its inputs and output, each step's outcome (pickled, DBOS's
  default serializer) and the queue's entries. A workflow interrupted by a crash resumes
  from its last completed step when DBOS launches again (same executor, same version).
- Retries: each step as STEP_RETRY (`retries_allowed`, `max_attempts`, `interval_seconds`,
  `backoff_rate`; DBOS takes no maximum interval, so STEP_OPTIONS checks that the schedule
  never reaches it), skipped when the step says its input is at fault (`should_retry`);
  steps time out after SERVICE_TIMEOUT_SECONDS (`timeout_seconds`). DBOS never retries a
  failed workflow (recovery is for interrupted ones), so the invoice starts a failed
  page-batch child again, under STEP_RETRY with durable sleeps between, unless its input
  was at fault; each attempt has an id of its own (`...:batch-0001:attempt-2`), since an id
  is a workflow's idempotency key.
- Concurrency: the `extract` queue is registered with `global_concurrency` =
  EXTRACT_CONCURRENCY_LIMIT: DBOS's documented queue limit "across all DBOS processes"
  (`concurrency` in the docs, `global_concurrency` in 3.4.0, where `concurrency` is its
  deprecated alias), enforced in the database as workflows are dequeued, the system-wide
  cap of the Dapr stack. `worker_concurrency` would cap one process only.

Configuration, as DBOS's documentation describes it (docs.dbos.dev, Python: "Configuring
DBOS", "Database Connections", "Queues & Concurrency", "Queues"): `DBOS(config=DBOSConfig)`
with an application `name` and `system_database_url` (taken from
DBOS_SYSTEM_DATABASE_URL, the variable of the docs' examples; without it DBOS would use a
SQLite file, which the docs keep for prototyping and recommend Postgres over), then
`DBOS.launch()`, then `DBOS.register_queue_async` (queues are registered after launch);
`DBOS.destroy()` at the end. Everything else as shipped: a pool of 20 connections to the
system database, LISTEN/NOTIFY on, no Conductor, no OTLP, the application version DBOS
computes from the workflows' source.

One setting differs from DBOS's default, and why: polling. Nothing wakes a queue or a
result waiter: the queue's worker thread looks for work every `polling_interval_sec`, and
`handle.get_result` on an enqueued workflow reads its status every `polling_interval_sec`,
both 1 s by default. At 1 s a page waits up to a second to start and another to be seen
done, and four slots refill once a second: at most 4 pages/s. Both poll every POLL_S
here (the `poll_s` option); each poll is a query in the driver and the database, and is
counted in DBOS's CPU.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from importlib.metadata import version
from pathlib import Path
from typing import Any

from dbos import DBOS, DBOSConfig, SetWorkflowID, WorkflowHandleAsync

from invoice_bench import common
from invoice_bench.common import Job, PeerRun, Record
from invoice_bench.corpus import CorpusItem
from invoice_bench.logic import Json, Steps, request_for, retryable
from invoice_bench.postgres import PG_SETTINGS, postgres_version, start_cluster
from invoice_shared.policy import (
    ACTIVITY_WORKERS,
    SERVICE_TIMEOUT_SECONDS,
    STEP_RETRY,
    plan_batches,
)

PEER = "dbos"
APP_NAME = "invoice-bench"
EXTRACT_QUEUE = "extract"
# The private cluster's superuser and DBOS's system database (trust auth, loopback only).
PG_ROLE = PG_DATABASE = "dbos"
# The system database's URL, for the driver (the name DBOS's docs use for it).
DATABASE_URL_ENV = "DBOS_SYSTEM_DATABASE_URL"
POLL_ENV = "BENCH_DBOS_POLL_S"
# How often the extract queue looks for work and a waiter for an enqueued workflow's end
# (DBOS's default: 1 s each; see the module's docstring).
POLL_S = 0.05


def _step_options() -> dict[str, Any]:
    """STEP_RETRY as DBOS step options. DBOS waits interval * backoff**n before attempt
    n + 2, capped at an hour, not at the schedule's maximum interval: refuse a schedule
    whose delays that cap would change."""
    uncapped = tuple(
        STEP_RETRY.first_interval_s * STEP_RETRY.backoff**n for n in range(len(STEP_RETRY.delays_s))
    )
    if uncapped != STEP_RETRY.delays_s:
        raise ValueError(
            f"DBOS step retries cannot follow STEP_RETRY's delays {STEP_RETRY.delays_s}: "
            f"it would wait {uncapped}"
        )
    return {
        "retries_allowed": True,
        "max_attempts": STEP_RETRY.attempts,
        "interval_seconds": STEP_RETRY.first_interval_s,
        "backoff_rate": STEP_RETRY.backoff,
        "should_retry": retryable,
        "timeout_seconds": SERVICE_TIMEOUT_SECONDS,
    }


STEP_OPTIONS = _step_options()


class _Driver:
    """What the driver process holds for its workflows: the steps, their threads and how
    often to poll."""

    def __init__(self, steps: Steps, poll_s: float) -> None:
        self.steps = steps
        self.poll_s = poll_s
        self.threads = ThreadPoolExecutor(ACTIVITY_WORKERS, thread_name_prefix="step")

    async def call(self, fn: Callable[..., Json], *args: Any) -> Json:
        # Our own pool: DBOS makes its executor the loop's default one.
        return await asyncio.get_running_loop().run_in_executor(self.threads, fn, *args)


_driver: _Driver | None = None


def here() -> _Driver:
    assert _driver is not None, "the driver sets itself up"
    return _driver


# --- steps and workflows ----------------------------------------------------------------


@DBOS.step(name="upload", **STEP_OPTIONS)
async def upload_step(request: Json) -> Json:
    return await here().call(here().steps.upload, request)


@DBOS.step(name="split", **STEP_OPTIONS)
async def split_step(upload: Json) -> Json:
    return await here().call(here().steps.split, upload)


@DBOS.step(name="extract", **STEP_OPTIONS)
async def extract_step(page: Json) -> Json:
    return await here().call(here().steps.extract, page)


@DBOS.step(name="aggregate", **STEP_OPTIONS)
async def aggregate_step(invoice_id: str, pages: list[Json]) -> Json:
    return await here().call(here().steps.aggregate, invoice_id, pages)


@DBOS.workflow(name="extract-page")
async def extract_page_workflow(page: Json) -> Json:
    """One page's extraction: what the `extract` queue runs, at most its limit at once."""
    return await extract_step(page)


async def _extract(pages: list[Json]) -> list[Json]:
    """Every page's extraction through the queue, in page order. Enqueue all, then wait
    for each in turn: every enqueue and every wait is a step of the calling workflow, so
    issuing them in a fixed order keeps the workflow deterministic; the pages still run
    concurrently, as the queue allows."""
    handles = [
        await DBOS.enqueue_workflow_async(EXTRACT_QUEUE, extract_page_workflow, page)
        for page in pages
    ]
    return [await handle.get_result(polling_interval_sec=here().poll_s) for handle in handles]


@DBOS.workflow(name="page-batch")
async def page_batch_workflow(pages: list[Json]) -> list[Json]:
    """Extract a batch of pages in parallel; one PageExtraction per page."""
    return await _extract(pages)


async def _start_batch(workflow_id: str, pages: list[Json]) -> WorkflowHandleAsync[list[Json]]:
    with SetWorkflowID(workflow_id):
        return await DBOS.start_workflow_async(page_batch_workflow, pages)


async def _batch_result(
    workflow_id: str, pages: list[Json], handle: WorkflowHandleAsync[list[Json]]
) -> list[Json]:
    """The child's extractions; a child that failed, unless for its input, is started
    again under STEP_RETRY (after a durable sleep, with an id of its own)."""
    for attempt, delay in enumerate(STEP_RETRY.delays_s, start=2):
        try:
            return await handle.get_result()
        except Exception as exc:
            if not retryable(exc):
                raise
        await DBOS.sleep_async(delay)
        handle = await _start_batch(f"{workflow_id}:attempt-{attempt}", pages)
    return await handle.get_result()  # the last attempt: its failure is the invoice's


@DBOS.workflow(name="invoice")
async def invoice_workflow(request: Json, batch_size: int, max_direct_pages: int) -> Json:
    """upload -> split -> extract every page (children above a few pages) -> aggregate."""
    upload = await upload_step(request)
    split = await split_step(upload)
    pages: list[Json] = split["pages"]
    batches = plan_batches(len(pages), batch_size, max_direct_pages)
    if batches is None:
        extractions = await _extract(pages)
    else:
        parent = DBOS.workflow_id
        children = [
            (f"{parent}:batch-{number:04d}", [pages[i] for i in batch])
            for number, batch in enumerate(batches, start=1)
        ]
        # All started before any is waited for: they run concurrently.
        handles = [await _start_batch(child_id, group) for child_id, group in children]
        extractions = []
        for (child_id, group), handle in zip(children, handles, strict=True):
            extractions += await _batch_result(child_id, group, handle)
    return await aggregate_step(request["invoice_id"], extractions)


@DBOS.step(name="warm-up")
async def warm_up_step() -> str:
    return "ok"


@DBOS.workflow(name="warm-up")
async def warm_up_workflow() -> str:
    return await warm_up_step()


# --- the driver process -----------------------------------------------------------------


async def _launch(job: Job, database_url: str) -> None:
    """Configure and launch DBOS in this event loop (DBOS runs the async workflows it
    dequeues on the loop that launched it), register the extract queue, and run one
    trivial workflow through that queue: its worker thread started and polling, the
    enqueue and result paths warm."""
    config: DBOSConfig = {"name": APP_NAME, "system_database_url": database_url}
    DBOS(config=config)
    DBOS.launch()
    await DBOS.register_queue_async(
        EXTRACT_QUEUE,
        global_concurrency=job.extract_concurrency,
        polling_interval_sec=here().poll_s,
    )
    with SetWorkflowID("warm-up"):
        handle = await DBOS.enqueue_workflow_async(EXTRACT_QUEUE, warm_up_workflow)
    await handle.get_result(polling_interval_sec=here().poll_s)


async def _drive(job: Job) -> list[Record]:
    async def one(invoice: dict[str, Any]) -> Json:
        request = request_for(invoice["invoice_id"], invoice["pdf_path"])
        with SetWorkflowID(invoice["invoice_id"]):
            handle = await DBOS.start_workflow_async(
                invoice_workflow, request, job.batch_size, job.max_direct_pages
            )
        return await handle.get_result()

    return await common.drive(job, one)


def child_main(args: list[str]) -> None:
    """The driver process (see invoice_bench.driver)."""
    global _driver
    job_dir = Path(args[0])
    _driver = _Driver(Steps.from_env(), float(os.environ[POLL_ENV]))
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)

    def warm_up() -> None:
        here().steps.warm_up()
        job = Job.load(job_dir / "job.json")
        loop.run_until_complete(_launch(job, os.environ[DATABASE_URL_ENV]))

    try:
        common.driver_main(job_dir, warm_up, lambda job: loop.run_until_complete(_drive(job)))
    finally:
        DBOS.destroy()
        here().threads.shutdown()
        loop.close()


# --- the harness side -------------------------------------------------------------------


def run(
    corpus: Sequence[CorpusItem],
    concurrency: int,
    *,
    workdir: Path | None = None,
    on_ready: Callable[[dict[str, int]], None] | None = None,
    timeout: float = 3600.0,
    database_url: str | None = None,
    poll_s: float = POLL_S,
    **options: Any,
) -> PeerRun:
    """Run `corpus` through DBOS, `concurrency` invoices at a time; the processes are
    reported as "postgres" (unless `database_url`, a PostgreSQL URL, names a system
    database of your own) and "driver". That database must be empty: workflow ids are
    the invoices' own, and DBOS answers an id it has finished before from its record."""
    with common.peer_session(PEER, workdir, corpus, concurrency, options) as (root, procs, job):
        steps = Steps(common.source_dir(corpus), root / "artifacts")
        config: dict[str, Any] = {
            **job.options(),
            "dbos": version("dbos"),
            "queue": {"name": EXTRACT_QUEUE, "global_concurrency": job.extract_concurrency},
            "poll_s": poll_s,
        }
        if database_url is None:
            (port,) = common.pick_ports(1)
            database_url = start_cluster(root, procs, port, role=PG_ROLE, database=PG_DATABASE)
            config["postgres"] = postgres_version()
            config["postgres_settings"] = PG_SETTINGS
        # DBOS reads DBOS_* variables of its own (application name, version, executor):
        # none from outside reach the driver.
        env = {
            k: v for k, v in common.child_env(**steps.env()).items() if not k.startswith("DBOS_")
        }
        env[DATABASE_URL_ENV] = database_url
        env[POLL_ENV] = repr(poll_s)
        records, wall = common.run_driver(procs, PEER, job, root, env, on_ready, timeout)
        pids = procs.pids()
    return PeerRun(PEER, records, pids, wall, config=config)
