"""The floor: the workflow as plain asyncio in one process, no engine, no durability.

Same shape as the Dapr workflow: upload -> split -> extract every page (up to
MAX_DIRECT_PAGES straight from the invoice, more in batches gathered as "children") ->
aggregate. Each step runs in a pool of ACTIVITY_WORKERS threads (the workflow host's);
extractions are capped at EXTRACT_CONCURRENCY_LIMIT at once across the process (the
stack's activityConcurrencyLimits); every step and batch is retried under the workflow's
STEP_RETRY unless its input is at fault. Nothing survives a crash. The names are
invoice_shared.policy's.

    run(corpus, concurrency) -> PeerRun
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from invoice_bench import common
from invoice_bench.common import Job, PeerRun, Record
from invoice_bench.corpus import CorpusItem
from invoice_bench.logic import Json, Steps, request_for, retryable
from invoice_shared.policy import ACTIVITY_WORKERS, STEP_RETRY, plan_batches

T = TypeVar("T")
PEER = "asyncio"


async def retried(call: Callable[[], Awaitable[T]]) -> T:
    """`call()` under the workflow's retry policy."""
    for delay in STEP_RETRY.delays_s:
        try:
            return await call()
        except Exception as exc:
            if not retryable(exc):
                raise
        await asyncio.sleep(delay)
    return await call()  # the last attempt: its failure is the step's


class InvoicePipeline:
    def __init__(self, steps: Steps, job: Job) -> None:
        self.steps = steps
        self.job = job
        self.threads = ThreadPoolExecutor(ACTIVITY_WORKERS, thread_name_prefix="step")
        limit = job.extract_concurrency
        self.extract_slots = asyncio.Semaphore(limit) if limit else None

    async def _step(self, fn: Callable[..., Json], *args: Any) -> Json:
        loop = asyncio.get_running_loop()
        return await retried(lambda: loop.run_in_executor(self.threads, fn, *args))

    async def _extract(self, page: Json) -> Json:
        if self.extract_slots is None:
            return await self._step(self.steps.extract, page)

        async def capped() -> Json:
            assert self.extract_slots is not None
            async with self.extract_slots:
                return await asyncio.get_running_loop().run_in_executor(
                    self.threads, self.steps.extract, page
                )

        return await retried(capped)

    async def _batch(self, pages: list[Json]) -> list[Json]:
        return list(await asyncio.gather(*(self._extract(page) for page in pages)))

    async def process(self, invoice: dict[str, Any]) -> Json:
        request = request_for(invoice["invoice_id"], invoice["pdf_path"])
        upload = await self._step(self.steps.upload, request)
        split = await self._step(self.steps.split, upload)
        pages: list[Json] = split["pages"]
        batches = plan_batches(len(pages), self.job.batch_size, self.job.max_direct_pages)
        if batches is None:
            extractions = await self._batch(pages)
        else:
            groups = await asyncio.gather(
                *(retried(lambda b=batch: self._batch([pages[i] for i in b])) for batch in batches)
            )
            extractions = [extraction for group in groups for extraction in group]
        return await self._step(self.steps.aggregate, request["invoice_id"], extractions)


def _drive(job: Job) -> list[Record]:
    steps = Steps.from_env()

    async def main() -> list[Record]:
        pipeline = InvoicePipeline(steps, job)
        try:
            return await common.drive(job, pipeline.process)
        finally:
            pipeline.threads.shutdown()

    return asyncio.run(main())


def run(
    corpus: Sequence[CorpusItem],
    concurrency: int,
    *,
    workdir: Path | None = None,
    on_ready: Callable[[dict[str, int]], None] | None = None,
    timeout: float = 3600.0,
    **options: Any,
) -> PeerRun:
    """Run `corpus` through the asyncio floor, `concurrency` invoices at a time, in a
    driver process of its own (pid reported as "driver")."""
    with common.peer_session(PEER, workdir, corpus, concurrency, options) as (root, procs, job):
        steps = Steps(common.source_dir(corpus), root / "artifacts")
        records, wall = common.run_driver(
            procs, PEER, job, root, common.child_env(**steps.env()), on_ready, timeout
        )
        pids = procs.pids()
    return PeerRun(PEER, records, pids, wall, config=job.options())


def child_main(args: list[str]) -> None:
    """The driver process (see invoice_bench.driver)."""
    common.driver_main(Path(args[0]), lambda: Steps.from_env().warm_up(), _drive)
