"""Entry point of the peers' child processes: `python -m invoice_bench.driver ROLE ARGS...`.

Kept free of heavy imports on purpose: the extract service's pool forks its workers from a
forkserver, and each worker re-imports the main module of the process that started the
pool. With this module as main, a worker imports nothing more than it does under the
extract service, whichever engine the process hosts.
"""

import importlib
import sys

ROLES = {
    "asyncio": ("invoice_bench.impl_asyncio", "child_main"),
    "prefect": ("invoice_bench.impl_prefect", "child_main"),
    "temporal": ("invoice_bench.impl_temporal", "client_main"),
    "temporal-worker": ("invoice_bench.impl_temporal", "worker_main"),
    "dbos": ("invoice_bench.impl_dbos", "child_main"),
}


def main() -> None:
    role, *args = sys.argv[1:]
    module, function = ROLES[role]
    getattr(importlib.import_module(module), function)(args)


if __name__ == "__main__":
    main()
