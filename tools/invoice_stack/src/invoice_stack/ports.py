"""Kept at this path for the e2e tests and the benchmark: the ports live in
`invoice_stack.topology.ports`."""

from invoice_stack.topology.ports import DEFAULT_PORTS, AppPorts, StackPorts, free_ports

__all__ = ["DEFAULT_PORTS", "AppPorts", "StackPorts", "free_ports"]
