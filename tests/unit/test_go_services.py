"""Our services written in Go pass their own checks: gofmt, `go vet` and `go test`."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from invoice_stack.topology.apps import GO_SOURCES

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("folder", sorted(GO_SOURCES.values()))
def test_the_go_service_is_formatted_vetted_and_passes_its_tests(folder: str):
    where = ROOT / folder
    unformatted = subprocess.run(
        ["gofmt", "-l", "."], cwd=where, capture_output=True, text=True, check=True
    ).stdout
    assert not unformatted, f"gofmt would change: {unformatted}"
    for command in (["go", "vet", "./..."], ["go", "test", "-count=1", "./..."]):
        done = subprocess.run(command, cwd=where, capture_output=True, text=True)
        assert done.returncode == 0, f"{' '.join(command)}:\n{done.stdout}\n{done.stderr}"
