"""The command lines of the supervisor and the soak, and what `env` exports."""

from __future__ import annotations

import shlex

import pytest

from invoice_stack.load.soak import build_parser as soak_parser
from invoice_stack.supervisor.cli import HANDLERS, build_parser
from invoice_stack.tokens import StackTokens
from invoice_stack.topology import APP_IDS, HOST_APP_ID


def test_up_starts_everything_unless_asked_for_the_infrastructure_only():
    assert build_parser().parse_args(["up"]).infra_only is False
    assert build_parser().parse_args(["up", "--infra-only"]).infra_only is True


def test_demo_processes_the_sample_invoice_unless_told_another():
    assert build_parser().parse_args(["demo"]).pdf_path == "sample-invoice.pdf"
    assert build_parser().parse_args(["demo", "x.pdf"]).pdf_path == "x.pdf"


@pytest.mark.parametrize("command", sorted(HANDLERS))
def test_every_command_parses_to_its_handler(command: str):
    assert build_parser().parse_args([command]).command == command


def test_a_command_is_required(capsys: pytest.CaptureFixture[str]):
    with pytest.raises(SystemExit):
        build_parser().parse_args([])
    assert "required" in capsys.readouterr().err


def test_the_soak_defaults_to_1000_invoices_after_600_warm_up_16_at_a_time():
    args = soak_parser().parse_args([])
    assert (args.invoices, args.warmup, args.concurrency) == (1000, 600, 16)


def test_dapr_run_exports_the_hosts_token_pair_and_the_api_key():
    tokens = StackTokens.generate(APP_IDS, api_key="public-api-key-0123456789")
    lines = [line for line in tokens.dapr_run_env().splitlines() if line.startswith("export")]
    exported = dict(shlex.split(line)[1].split("=", 1) for line in lines)
    assert exported == {
        "INVOICE_API_KEY": tokens.api_key,
        "DAPR_API_TOKEN": tokens.dapr_tokens[HOST_APP_ID],
        "APP_API_TOKEN": tokens.app_tokens[HOST_APP_ID],
    }
