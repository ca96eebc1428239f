"""Our fixes to the Dapr runtime (runtime/patches) are in the runtime the stacks run, and
each does what it says: the Go test a patch adds passes on the patched source, with the
rest of its package's tests.

No stack of ours runs here; the judge is the Go toolchain on the source daprd was built
from (scripts/install-dapr.sh records where that is)."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from invoice_stack.layout import dapr_bin_dir, find_repo

REPO = find_repo(Path(__file__).parent)
PATCHES = sorted((REPO / "runtime" / "patches").glob("dapr-*.patch"))


def _patched_source() -> Path:
    marker = dapr_bin_dir(REPO) / ".source"
    if not marker.is_file():
        pytest.skip("the runtime in use is a `dapr init` one, built without runtime/patches")
    return Path(marker.read_text().strip())


def _tested_packages(patch: Path) -> list[str]:
    """The packages the patch adds a Go test to (the packages it changes are compiled
    into daprd either way)."""
    files = re.findall(r"^\+\+\+ b/(\S+_test\.go)$", patch.read_text(), re.MULTILINE)
    return sorted({"./" + str(Path(f).parent) for f in files})


def test_there_are_patches_and_each_adds_a_go_test():
    assert PATCHES
    assert all(_tested_packages(p) for p in PATCHES)


@pytest.mark.parametrize("patch", PATCHES, ids=lambda p: p.stem)
def test_the_patched_packages_tests_pass_on_the_source_daprd_was_built_from(patch: Path):
    source = _patched_source()
    # Applied: reversing it would succeed (checked without touching the files).
    check = subprocess.run(
        ["patch", "--dry-run", "--reverse", "--force", "-p1", "-d", str(source)],
        input=patch.read_text(),
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, f"{patch.name} is not applied in {source}:\n{check.stdout}"
    env = {**os.environ, "CGO_ENABLED": "0", "GOFLAGS": "-mod=mod"}
    ran = subprocess.run(
        ["go", "test", "-count=1", *_tested_packages(patch)],
        cwd=source,  # the dapr module itself, with its own go.mod and go.sum
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )
    assert ran.returncode == 0, ran.stdout[-4000:] + ran.stderr[-4000:]
