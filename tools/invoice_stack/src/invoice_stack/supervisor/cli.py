"""`python -m invoice_stack up|down|status|demo|env`: the local stack for humans and make."""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn

import httpx

from invoice_stack.layout import default_layout, default_run_dir, find_repo
from invoice_stack.supervisor.demo import run_invoice
from invoice_stack.supervisor.process_groups import start_ticks, stop_process_groups
from invoice_stack.supervisor.stack import Stack, StackError, ports_from_state, read_state
from invoice_stack.tokens import CLI_ENV_FILE, StackTokens, read_tokens, write_collection_env
from invoice_stack.topology import APP_IDS, api_url
from invoice_stack.topology.apps import IMPL_VARS, REPLICA_VARS, go_apps, replica_counts
from invoice_stack.topology.credentials import API_KEY_VAR
from invoice_stack.topology.ports import DEFAULT_PORTS, StackPorts, with_replicas
from invoice_stack.topology.processes import DEFAULT_TRACE_SAMPLING


def _api_url_from_state(state: dict[str, Any]) -> str:
    return api_url(ports_from_state(state))


def _replicas_changed(running: StackPorts, asked: dict[str, int]) -> str:
    """The replica counts asked for (REPLICA_VARS set in the environment) that differ
    from those of the running stack, as `VAR: running -> asked`; "" when none do."""
    differ = [
        f"{var}: {len(running.replicas.get(app_id, ())) + 1} -> {asked[app_id]}"
        for app_id, var in REPLICA_VARS.items()
        if app_id in asked and asked[app_id] != len(running.replicas.get(app_id, ())) + 1
    ]
    return ", ".join(differ)


def _what_changed(state: dict[str, Any], asked: dict[str, int], in_go: tuple[str, ...]) -> str:
    """What the environment asks for that the running stack does not run: replica counts
    and implementations, each when its variable is set; "" when nothing."""
    changed = [_replicas_changed(ports_from_state(state), asked)]
    running_go = tuple(sorted(state.get("layout", {}).get("go_apps") or {}))
    if any(var in os.environ for var in IMPL_VARS.values()) and running_go != tuple(sorted(in_go)):
        changed.append(f"apps in Go: {', '.join(running_go) or 'none'} -> "
                       f"{', '.join(in_go) or 'none'}")  # fmt: skip
    return ", ".join(filter(None, changed))


def _ready(api_url: str, patience: float = 0.0) -> bool:
    """Whether the host answers /readyz 200, asking for up to `patience` seconds."""
    deadline = time.monotonic() + patience
    while True:
        try:
            if httpx.get(f"{api_url}/readyz", timeout=3.0).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.5)


def _supervisor_alive(state: dict[str, Any]) -> bool:
    pid, ticks = state.get("supervisor") or (0, 0)
    return bool(pid) and start_ticks(pid) == ticks


# What the daemon tells `up` once its stack has started; anything else is why it did not.
STARTED = "started"


def cmd_up(args: argparse.Namespace) -> int:
    repo = find_repo()
    try:
        asked = replica_counts(os.environ)
        ports = with_replicas(DEFAULT_PORTS, asked)
        in_go = go_apps(os.environ)
    except ValueError as exc:
        print(f"cannot start: {exc}", file=sys.stderr)
        return 2
    run_dir = default_run_dir(repo)
    state = read_state(run_dir)
    if state is not None:
        same_kind = bool(state.get("infra_only")) == args.infra_only
        # A kept stack may be briefly unready (a host restarting, a sidecar being healed):
        # give it a minute before calling it stale.
        patience = 60.0 if _supervisor_alive(state) else 0.0
        if same_kind and (args.infra_only or _ready(_api_url_from_state(state), patience)):
            print(f"stack already running: {_api_url_from_state(state)}")
            if changed := _what_changed(state, asked, in_go):
                print(f"cannot change it while it runs ({changed}): `make down`, then "
                      "`make up` again with the new settings", file=sys.stderr)  # fmt: skip
                return 2
            return 0
        print("found a stale stack; stopping it first")
        _stop(run_dir)
    try:  # builds what is missing: Dapr, Jaeger, the Go implementations asked for
        layout = default_layout(repo, in_go)
    except subprocess.CalledProcessError as exc:
        print(f"cannot start: {' '.join(map(str, exc.cmd))} failed (see above)", file=sys.stderr)
        return 2
    limit = os.environ.get("EXTRACT_CONCURRENCY_LIMIT")
    stack = Stack(
        layout,
        ports,
        infra_only=args.infra_only,
        extract_limit=int(limit) if limit else None,
        api_key=os.environ.get(API_KEY_VAR) or None,
        trace_sampling=float(os.environ.get("TRACE_SAMPLING_RATE") or DEFAULT_TRACE_SAMPLING),
    )
    started = time.monotonic()
    # The stack is kept by a daemon of its own (it restarts what exits, as a restart
    # policy would); this process waits for its word on the start, then returns.
    sys.stdout.flush()
    sys.stderr.flush()
    report_fd, daemon_fd = os.pipe()
    daemon = os.fork()
    if daemon == 0:
        os.close(report_fd)
        _supervise(stack, daemon_fd)
    os.close(daemon_fd)
    # Ctrl-C (or a SIGTERM) for `make up` while the stack starts: the daemon stops what it
    # started and says so.
    previous = {
        sig: signal.signal(sig, lambda *_: os.kill(daemon, signal.SIGTERM))
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    }
    try:
        with os.fdopen(report_fd) as report:
            answer = report.read()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if answer != STARTED:
        why = answer or f"the supervisor died without a word ({layout.log_dir}/supervisor.log)"
        print(f"stack failed to start: {why}", file=sys.stderr)
        return 1
    print(
        f"stack up in {time.monotonic() - started:.1f} s: "
        f"{'Redis, placement and scheduler' if args.infra_only else 'API ' + stack.api_url()}; "
        f"logs in {layout.log_dir}"
    )
    if layout.jaeger is not None:
        print(f"traces: Jaeger's query API on http://127.0.0.1:{DEFAULT_PORTS.jaeger_query}/api/")
    if layout.prometheus is not None:
        print(f"metrics: Prometheus on http://127.0.0.1:{DEFAULT_PORTS.prometheus}")
    if not args.infra_only:
        write_collection_env(repo, stack.tokens)
        print(
            f"API key and CLI token: `source {layout.run_dir / CLI_ENV_FILE}` "
            "(the request collections in http/ read the key from http/.env)"
        )
    return 0


def _supervise(stack: Stack, report_fd: int) -> NoReturn:
    """The daemon: start the stack, report to `up` (STARTED, or why not), keep it until
    SIGTERM (`make down`), then stop it."""
    os.setsid()  # out of make's process group and terminal
    stack.layout.log_dir.mkdir(parents=True, exist_ok=True)
    log_path = stack.layout.log_dir / "supervisor.log"
    log_file = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    for fd in (1, 2):
        os.dup2(log_file, fd)
    # SIGTERM wakes the daemon through a pipe: a handler that set a threading.Event
    # could run while the main thread held that Event's lock inside wait(), and hang
    # forever (seen when `make down` followed `make up` at once).
    wake_read, wake_write = os.pipe()
    stack.supervisor_pid = os.getpid()
    code = 0
    with os.fdopen(report_fd, "w") as report:
        try:
            stack.start()
        except BaseException as exc:  # whatever ends the start is reported, never success
            report.write(_why(exc))
            report.flush()
            os._exit(1)
        # Armed before `up` hears of the start, so `make down` right after it is obeyed.
        signal.signal(signal.SIGTERM, lambda *_: os.write(wake_write, b"."))
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
        report.write(STARTED)
    os.read(wake_read, 1)  # until SIGTERM
    try:
        stack.stop()
    except Exception:
        logging.exception("stopping the stack failed")
        code = 1
    os._exit(code)


def _why(exc: BaseException) -> str:
    if isinstance(exc, StackError):
        return str(exc)
    if isinstance(exc, SystemExit):
        return "interrupted"
    return f"{type(exc).__name__}: {exc}"


def _stop(run_dir: Path) -> None:
    """Stop the daemon (it stops its stack), then anything it left behind: read again,
    as the daemon may have restarted processes meanwhile."""
    state = read_state(run_dir)
    if state and state.get("supervisor"):
        stop_process_groups({"supervisor": state["supervisor"]}, grace=30.0)
        state = read_state(run_dir) or state
    if state:
        stop_process_groups(state["processes"])
    Stack.state_path(run_dir).unlink(missing_ok=True)


def cmd_down(_: argparse.Namespace) -> int:
    layout_run = default_run_dir(find_repo())
    state = read_state(layout_run)
    if state is None:
        print("no stack running")
        return 0
    _stop(layout_run)
    print("stack stopped")
    return 0


def cmd_status(_: argparse.Namespace) -> int:
    state = read_state(default_run_dir(find_repo()))
    if state is None:
        print("no stack running")
        return 1
    api = _api_url_from_state(state)
    pids = {name: pid for name, (pid, _) in state["processes"].items()}
    supervisor = (state.get("supervisor") or [None])[0]
    status = {
        "api": api,
        "ready": _ready(api),
        "supervisor": supervisor,
        "supervisor_alive": _supervisor_alive(state),
        "pids": pids,
    }
    print(json.dumps(status, indent=2))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    run_dir = default_run_dir(find_repo())
    state, tokens = read_state(run_dir), read_tokens(run_dir)
    if state is None or tokens is None:
        print("no stack running: run `make up` first", file=sys.stderr)
        return 1
    invoice_id = f"DEMO-{datetime.now(UTC):%Y%m%d-%H%M%S}"
    started = time.monotonic()
    view = run_invoice(
        _api_url_from_state(state),
        tokens.api_key,
        invoice_id,
        args.pdf_path,
        approver="demo@localhost",
    )
    elapsed = time.monotonic() - started
    print(
        f"{args.pdf_path} -> workflow {invoice_id}: {view['status']} in {elapsed:.1f} s "
        f"({view['pages_done']}/{view['pages_total']} pages)",
        file=sys.stderr,
    )
    if view["status"] != "COMPLETED":
        print(json.dumps(view, indent=2))
        return 1
    print(json.dumps(view["result"], indent=2))
    return 0


def cmd_env(_: argparse.Namespace) -> int:
    """Print the exports `dapr run -f .` needs (see StackTokens.dapr_run_env)."""
    run_dir = default_run_dir(find_repo())
    tokens = read_tokens(run_dir) or StackTokens.load_or_create(
        run_dir, APP_IDS, os.environ.get(API_KEY_VAR) or None
    )
    print(tokens.dapr_run_env(), end="")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The command line: one subcommand per entry of `HANDLERS`."""
    parser = argparse.ArgumentParser(prog="invoice_stack", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    up = sub.add_parser("up", help="start Redis, placement, scheduler, apps and sidecars")
    up.add_argument("--infra-only", action="store_true", help="only Redis, placement, scheduler")
    sub.add_parser("down", help="stop everything `up` started")
    sub.add_parser("status", help="show whether the stack is up")
    sub.add_parser("env", help="print the token exports `dapr run -f .` needs")
    demo = sub.add_parser("demo", help="process one invoice and print the result")
    demo.add_argument("pdf_path", nargs="?", default="sample-invoice.pdf")
    return parser


HANDLERS = {"up": cmd_up, "down": cmd_down, "status": cmd_status, "demo": cmd_demo, "env": cmd_env}


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    args = build_parser().parse_args(argv)
    return HANDLERS[args.command](args)
