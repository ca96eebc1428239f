"""The process supervisor: starts a stack's processes in order, keeps them running,
stops their process groups; `python -m invoice_stack` is its command line."""

from invoice_stack.supervisor.process_groups import start_ticks, stop_process_groups
from invoice_stack.supervisor.stack import (
    Stack,
    StackError,
    ports_from_state,
    read_state,
    tail,
)

__all__ = [
    "Stack",
    "StackError",
    "ports_from_state",
    "read_state",
    "start_ticks",
    "stop_process_groups",
    "tail",
]
