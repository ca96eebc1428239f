"""The one description of the local stack (pure): its apps, ports, sidecar flags, limits
and the names of its secrets, and the processes they make.

Every other place that states these is generated from here (`make generate`:
`dapr.yaml`) or checked against it by a unit test (tests/unit/test_topology_restated.py).
"""

from invoice_stack.topology.apps import APP_IDS, APP_MODULES, HOST_APP_ID
from invoice_stack.topology.processes import (
    Health,
    ProcessSpec,
    StackLayout,
    api_url,
    build_processes,
    redis_host,
)

__all__ = [
    "APP_IDS",
    "APP_MODULES",
    "HOST_APP_ID",
    "Health",
    "ProcessSpec",
    "StackLayout",
    "api_url",
    "build_processes",
    "redis_host",
]
