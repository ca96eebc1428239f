"""Our system: the real Dapr stack (Redis, placement, scheduler, four services, the
workflow host, five sidecars), driven through its REST API as a user drives it.

The driver is `invoice_stack.bench`, run with the product's own interpreter
(`<repo>/.venv`): the stack must run on the product's dependencies, not on this
environment's (which holds Prefect and Temporal). Its settings are the product's
defaults, except that no invoice waits for a human's approval.

    run(corpus, concurrency) -> PeerRun
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from invoice_bench import common
from invoice_bench.common import PeerRun
from invoice_bench.corpus import CorpusItem

PEER = "dapr"
REPO = Path(__file__).resolve().parents[3]
PRODUCT_PYTHON = REPO / ".venv" / "bin" / "python"


def run(
    corpus: Sequence[CorpusItem],
    concurrency: int,
    *,
    workdir: Path | None = None,
    on_ready: Callable[[dict[str, int]], None] | None = None,
    timeout: float = 3600.0,
    **options: Any,
) -> PeerRun:
    if not PRODUCT_PYTHON.exists():
        raise RuntimeError(f"{PRODUCT_PYTHON} is missing: run `make install` in {REPO}")
    with common.peer_session(PEER, workdir, corpus, concurrency, options) as (root, procs, job):
        argv = [
            str(PRODUCT_PYTHON),
            "-m",
            "invoice_stack.bench",
            str(root),
            str(common.source_dir(corpus)),
        ]
        records, wall = common.run_driver(
            procs, PEER, job, root, common.child_env(), on_ready, timeout, argv=argv
        )
        pids = {**procs.pids(), **common.driver_pids(root)}
        profile = root / "runtime-profile.md"
        notes = profile.read_text(encoding="utf-8") if profile.exists() else ""
    return PeerRun(PEER, records, pids, wall, config=job.options(), notes=notes)
