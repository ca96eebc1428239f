"""`python -m invoice_stack.history_size ID [ID...]`: the bytes a workflow instance's
history takes in the state store, as the runtime keeps it (one Redis hash per event,
its `data` field the encoded event), with its children's (`ID:batch-NNNN`).

The runtime sends an instance's whole history with every event it delivers, and the
Python SDK takes at most 4 MiB in one message: this is the figure to hold against that.
Reads the running stack's Redis port from `.run/stack.json` (`make up`).
"""

from __future__ import annotations

import argparse
import subprocess
from dataclasses import dataclass
from pathlib import Path

from invoice_stack.supervisor.stack import read_state

REPO = Path(__file__).resolve().parents[4]


@dataclass(frozen=True)
class HistorySize:
    instance_id: str
    events: int
    bytes: int


def _redis(port: int, *args: str, stdin: str | None = None) -> list[str]:
    done = subprocess.run(
        ["redis-cli", "-p", str(port), *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.split()


def history_sizes(port: int, instance_id: str) -> dict[str, HistorySize]:
    """Events and encoded bytes of the history of `instance_id` and of each of its
    children, by instance id (one scan of the keyspace)."""
    keys = [
        key
        for key in _redis(port, "--scan", "--pattern", f"*||{instance_id}*||history-*")
        if key.split("||")[2] == instance_id
        or key.split("||")[2].startswith(f"{instance_id}:batch-")
    ]
    if not keys:
        return {}
    # One HSTRLEN per key, sent down one connection.
    lengths = _redis(port, stdin="".join(f'HSTRLEN "{key}" data\n' for key in keys))
    sizes: dict[str, HistorySize] = {}
    for key, length in zip(keys, lengths, strict=True):
        owner = key.split("||")[2]
        known = sizes.get(owner, HistorySize(owner, 0, 0))
        sizes[owner] = HistorySize(owner, known.events + 1, known.bytes + int(length))
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m invoice_stack.history_size")
    parser.add_argument("instance_ids", nargs="+")
    parser.add_argument("--run-dir", type=Path, default=REPO / ".run")
    args = parser.parse_args(argv)
    state = read_state(args.run_dir)
    if state is None:
        parser.error(f"no stack is running from {args.run_dir} (make up)")
    port = int(state["ports"]["redis"])
    for instance_id in args.instance_ids:
        sizes = history_sizes(port, instance_id)
        own = sizes.pop(instance_id, HistorySize(instance_id, 0, 0))
        children = sum(child.bytes for child in sizes.values())
        largest = max((child.bytes for child in sizes.values()), default=0)
        print(
            f"{instance_id}: {own.events} events, {own.bytes / 1024:.0f} KiB "
            f"({own.bytes} bytes); {len(sizes)} children, {children / 1024:.0f} KiB in all, "
            f"the largest {largest} bytes"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
