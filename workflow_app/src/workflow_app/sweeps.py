"""The host's periodic look at all instances: the census behind the /metrics gauges,
and the repair of parents stuck in the runtime's lock cycle."""

from __future__ import annotations

import asyncio
import logging

from dapr.ext.workflow.aio import DaprWorkflowClient

from invoice_shared.telemetry import untraced
from workflow_app.census import read_parents, take_census
from workflow_app.engine_api import WorkflowEngine
from workflow_app.fanout_repair import FanoutRepair

log = logging.getLogger(__name__)


async def sweep_forever(
    interval_seconds: float,
    client: DaprWorkflowClient,
    engine: WorkflowEngine,
    repair: FanoutRepair | None,
) -> None:
    """Every `interval_seconds` until cancelled (the host's lifespan ends)."""
    while True:
        await asyncio.sleep(interval_seconds)
        try:
            with untraced():  # every 15 s, about no invoice in particular
                ids = await engine.list_instance_ids()
                parents = await read_parents(client, ids)
                take_census(parents).publish()
                if repair is not None:
                    await repair.sweep(ids, parents)
        except asyncio.CancelledError:
            raise
        except Exception:  # the sidecar may be restarting; the next sweep looks again
            log.exception("the periodic look at the workflow instances failed")
