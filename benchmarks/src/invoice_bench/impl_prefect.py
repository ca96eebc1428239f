"""Prefect 3 peer: async flows and tasks on a local Prefect server on PostgreSQL.

    run(corpus, concurrency, database="postgres"|"sqlite") -> PeerRun

Processes: a private PostgreSQL cluster (initdb into the run's directory, on a free
loopback port; Debian's server binaries, scripts/install-postgres.sh), `prefect server
start` (API + services, no UI, on a free loopback port, its own PREFECT_HOME, its
database in that cluster) and a driver process that calls the flow for every invoice,
`concurrency` at a time, in one event loop: Prefect runs a flow in whatever process
calls it, reporting every flow and task run's state to the server. With
database="sqlite" the server keeps its database in a SQLite file instead (Prefect's
default, which answers "database is locked" under concurrent run creation).

The flow, `invoice`: upload -> split -> extract (up to MAX_DIRECT_PAGES: the `extract`
task for each page straight from the flow; more: `page-batch` subflows of PAGE_BATCH_SIZE
pages each, run concurrently, each extracting its pages concurrently) -> aggregate. Flows
and tasks are async so that many invoices, subflows and pages share one event loop; each
task runs its (blocking) step in a pool of ACTIVITY_WORKERS threads. The names are
invoice_shared.policy's, the Dapr stack's own.

- Persistence: every task and flow result is persisted (`persist_result=True`, local
  storage under the run's directory); the default cache policy (inputs + task source +
  run id) makes a retried flow reuse the tasks it already completed, never another run's.
- Retries: each task as STEP_RETRY (its attempts and delays), skipped when the step says
  its input is at fault (`retry_condition_fn`); each page-batch subflow as many attempts,
  all its first interval apart (flows take one delay). Tasks time out after
  SERVICE_TIMEOUT_SECONDS.
- Concurrency: extractions are capped system-wide by a tag concurrency limit,
  `extract` = EXTRACT_CONCURRENCY_LIMIT (the Dapr stack's activityConcurrencyLimits).
"""

from __future__ import annotations

import asyncio
import sys
import time
import urllib.request
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from prefect import flow, task
from prefect.client.orchestration import get_client
from prefect.client.schemas.objects import TaskRun
from prefect.states import State
from prefect.tasks import Task

from invoice_bench import common
from invoice_bench.common import Job, PeerRun, Processes, Record
from invoice_bench.corpus import CorpusItem
from invoice_bench.logic import Json, Steps, request_for, retryable
from invoice_bench.postgres import PG_SETTINGS, postgres_version, start_cluster
from invoice_shared.policy import (
    ACTIVITY_WORKERS,
    SERVICE_TIMEOUT_SECONDS,
    STEP_RETRY,
    plan_batches,
)

PEER = "prefect"
EXTRACT_TAG = "extract"
DATABASES = ("postgres", "sqlite")
# The private cluster's superuser and the Prefect database (trust auth, loopback only).
PG_ROLE = PG_DATABASE = "prefect"

_steps: Steps | None = None


async def _in_thread(fn: Callable[..., Json], *args: Any) -> Json:
    # The loop's default executor: ACTIVITY_WORKERS threads (set by the driver).
    return await asyncio.get_running_loop().run_in_executor(None, fn, *args)


def _may_pass(_task: Task[..., Any], _run: TaskRun, state: State[Any]) -> bool:
    """retry_condition_fn: retry unless the step said its input is at fault."""
    return not (isinstance(state.data, BaseException) and not retryable(state.data))


STEP_OPTIONS: dict[str, Any] = {
    "retries": STEP_RETRY.attempts - 1,
    # A list: Prefect refuses other sequences here.
    "retry_delay_seconds": list(STEP_RETRY.delays_s),
    "retry_condition_fn": _may_pass,
    "persist_result": True,
    "timeout_seconds": SERVICE_TIMEOUT_SECONDS,
}


def steps() -> Steps:
    assert _steps is not None, "the driver sets the steps up"
    return _steps


@task(name="upload", **STEP_OPTIONS)
async def upload_task(request: Json) -> Json:
    return await _in_thread(steps().upload, request)


@task(name="split", **STEP_OPTIONS)
async def split_task(upload: Json) -> Json:
    return await _in_thread(steps().split, upload)


@task(name="extract", tags=[EXTRACT_TAG], **STEP_OPTIONS)
async def extract_task(page: Json) -> Json:
    return await _in_thread(steps().extract, page)


@task(name="aggregate", **STEP_OPTIONS)
async def aggregate_task(invoice_id: str, pages: list[Json]) -> Json:
    return await _in_thread(steps().aggregate, invoice_id, pages)


@flow(
    name="page-batch",
    flow_run_name="{invoice_id}:batch-{number:04d}",
    retries=STEP_RETRY.attempts - 1,
    retry_delay_seconds=STEP_RETRY.first_interval_s,
    persist_result=True,
)
async def page_batch_flow(invoice_id: str, number: int, pages: list[Json]) -> list[Json]:
    return list(await asyncio.gather(*(extract_task(page) for page in pages)))


@flow(name="invoice", flow_run_name="{request[invoice_id]}", persist_result=True)
async def invoice_flow(request: Json, batch_size: int, max_direct_pages: int) -> Json:
    upload = await upload_task(request)
    split = await split_task(upload)
    pages: list[Json] = split["pages"]
    batches = plan_batches(len(pages), batch_size, max_direct_pages)
    if batches is None:
        extractions = list(await asyncio.gather(*(extract_task(page) for page in pages)))
    else:
        groups = await asyncio.gather(
            *(
                page_batch_flow(request["invoice_id"], number, [pages[i] for i in batch])
                for number, batch in enumerate(batches, start=1)
            )
        )
        extractions = [extraction for group in groups for extraction in group]
    return await aggregate_task(request["invoice_id"], extractions)


@flow(name="warm-up", persist_result=True)
async def warm_up_flow() -> str:
    return await warm_up_task()


@task(name="warm-up", persist_result=True)
async def warm_up_task() -> str:
    return "ok"


async def _set_up(extract_concurrency: int | None) -> None:
    async with get_client() as client:
        if extract_concurrency:
            await client.create_concurrency_limit(
                tag=EXTRACT_TAG, concurrency_limit=extract_concurrency
            )
    # One run through the client machinery (API client, events, result storage), as a
    # long-running Prefect process would have it warm.
    await warm_up_flow()


def _drive(job: Job) -> list[Record]:
    async def one(invoice: dict[str, Any]) -> Json:
        request = request_for(invoice["invoice_id"], invoice["pdf_path"])
        return await invoice_flow(request, job.batch_size, job.max_direct_pages)

    async def main() -> list[Record]:
        asyncio.get_running_loop().set_default_executor(
            ThreadPoolExecutor(ACTIVITY_WORKERS, thread_name_prefix="step")
        )
        return await common.drive(job, one)

    return asyncio.run(main())


def child_main(args: list[str]) -> None:
    """The driver process (see invoice_bench.driver)."""
    global _steps
    _steps = Steps.from_env()
    job_dir = Path(args[0])

    def warm_up() -> None:
        steps().warm_up()
        asyncio.run(_set_up(Job.load(job_dir / "job.json").extract_concurrency))

    common.driver_main(job_dir, warm_up, _drive)


# The Prefect server's tuning, on either database (see "How each peer is configured" in
# the README). Durability and retries are untouched.
SERVER_SETTINGS: dict[str, str] = {
    # SQLAlchemy's pool to PostgreSQL (ignored on SQLite). At the default 5 (+10 overflow)
    # a run at concurrency 4 holds ~12 connections and churns the overflow: each return
    # beyond 5 closes its connection and the next checkout forks a new backend. 20 keeps
    # them open; overflow stays at its default 10, so at most 30 of max_connections 100.
    "PREFECT_SERVER_DATABASE_SQLALCHEMY_POOL_SIZE": "20",
    # Services for features this benchmark does not use, each polling the database on
    # its own schedule or evaluating every event: deployments' scheduler and late-run
    # marking, work pools' foreman, pause expirations, automations (triggers + actions).
    # The task-run recorder, event persister, repossessor (expired concurrency leases)
    # and cancellation cleanup stay on.
    "PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_LATE_RUNS_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_FOREMAN_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_PAUSE_EXPIRATIONS_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED": "false",
}


def _wait_healthy(url: str, procs: Processes, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        procs.check_alive()
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"the Prefect server at {url} is not healthy after {timeout} s")
        time.sleep(0.2)


# --- the private PostgreSQL cluster (invoice_bench.postgres) ---------------------------


def start_postgres(root: Path, procs: Processes, port: int, timeout: float = 120.0) -> str:
    """A fresh cluster under `root`/postgres (see invoice_bench.postgres) with PG_ROLE its
    superuser and an empty database PG_DATABASE; started as "postgres" in `procs`.
    Returns Prefect's connection URL."""
    start_cluster(root, procs, port, role=PG_ROLE, database=PG_DATABASE, timeout=timeout)
    return f"postgresql+asyncpg://{PG_ROLE}@127.0.0.1:{port}/{PG_DATABASE}"


# --- the peer ---------------------------------------------------------------------------


def run(
    corpus: Sequence[CorpusItem],
    concurrency: int,
    *,
    workdir: Path | None = None,
    on_ready: Callable[[dict[str, int]], None] | None = None,
    timeout: float = 3600.0,
    database: str = "postgres",
    database_url: str | None = None,
    **options: Any,
) -> PeerRun:
    """Run `corpus` through Prefect, `concurrency` invoices at a time; the processes are
    reported as "postgres" (database="postgres" only), "prefect-server" and "driver".

    database="postgres": a private cluster in the run's directory (its postmaster and
    backends count as Prefect's engine); "sqlite": a SQLite file there. `database_url`
    (an SQLAlchemy URL) points the server at a database of your own instead."""
    if database not in DATABASES:
        raise ValueError(f"database must be one of {DATABASES}, got {database!r}")
    private_pg = database == "postgres" and database_url is None
    with common.peer_session(PEER, workdir, corpus, concurrency, options) as (root, procs, job):
        port, pg_port = common.pick_ports(2)
        api = f"http://127.0.0.1:{port}/api"
        prefect_cli = str(Path(sys.executable).with_name("prefect"))
        steps = Steps(common.source_dir(corpus), root / "artifacts")
        driver_env = common.child_env(
            **steps.env(),
            PREFECT_API_URL=api,
            PREFECT_HOME=str(root / "client-home"),
            PREFECT_LOCAL_STORAGE_PATH=str(root / "results"),
            PREFECT_RESULTS_PERSIST_BY_DEFAULT="true",
        )
        config: dict[str, Any] = {**job.options(), "prefect_api": api, "database": database}
        if private_pg:
            database_url = start_postgres(root, procs, pg_port)
            config["postgres"] = postgres_version()
            config["postgres_settings"] = PG_SETTINGS
        url = database_url or f"sqlite+aiosqlite:///{root / 'prefect.db'}"
        server_env = common.child_env(
            PREFECT_HOME=str(root / "server-home"),
            PREFECT_API_DATABASE_CONNECTION_URL=url,
            PREFECT_SERVER_ANALYTICS_ENABLED="false",
            PREFECT_SERVER_UI_ENABLED="false",
            # Retryable database errors (SQLite's "database is locked": 503, retried
            # by the client) in the log.
            PREFECT_API_LOG_RETRYABLE_ERRORS="true",
            **SERVER_SETTINGS,
        )
        config["server_settings"] = SERVER_SETTINGS
        procs.start(
            "prefect-server",
            [prefect_cli, "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            server_env,
        )
        _wait_healthy(api, procs, timeout=120)
        records, wall = common.run_driver(procs, PEER, job, root, driver_env, on_ready, timeout)
        pids = procs.pids()
    return PeerRun(PEER, records, pids, wall, config=config)
