"""The shared contract vectors (contracts/vectors/), sent over HTTP to every
implementation of each service: the Python services, and the Go aggregate service.

Each implementation runs as a real process on a free loopback port, with directories of
its own that each vector seeds with its fixtures. To test another implementation that
is already running, point the test at it:
    CONTRACT_SERVICE=aggregate-service CONTRACT_URL=http://127.0.0.1:7104 \
    CONTRACT_TOKEN=<its APP_API_TOKEN> CONTRACT_ARTIFACT_DIR=... CONTRACT_SOURCE_DIR=... \
    pytest tests/contract
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from invoice_stack.contracts.services import IMPLEMENTATIONS, RunningService, running_service
from invoice_stack.contracts.vectors import VECTORS_DIR, Vector, load_vectors, problems, seed, send

REPO = Path(__file__).resolve().parents[2]
ROOT = REPO / VECTORS_DIR
EXTERNAL = os.environ.get("CONTRACT_SERVICE")


def _targets() -> list[tuple[Vector, str]]:
    if EXTERNAL:
        return [(vector, "external") for vector in load_vectors(ROOT, EXTERNAL)]
    return [
        (vector, implementation)
        for vector in load_vectors(ROOT)
        for implementation in IMPLEMENTATIONS[vector.service]
    ]


def _external() -> RunningService:
    env = os.environ
    return RunningService(
        app_id=env["CONTRACT_SERVICE"],
        implementation="external",
        url=env["CONTRACT_URL"].rstrip("/"),
        token=env["CONTRACT_TOKEN"],
        artifact_dir=Path(env.get("CONTRACT_ARTIFACT_DIR", "/nonexistent")),
        source_dir=Path(env.get("CONTRACT_SOURCE_DIR", "/nonexistent")),
    )


@pytest.fixture(scope="module")
def service(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Callable[[str, str], RunningService]]:
    """(app id, implementation) -> that implementation, started on first use."""
    started: dict[tuple[str, str], RunningService] = {}
    with ExitStack() as stack:

        def get(app_id: str, implementation: str) -> RunningService:
            if implementation == "external":
                return _external()
            if (app_id, implementation) not in started:
                workdir = tmp_path_factory.mktemp(f"{app_id}-{implementation}")
                started[app_id, implementation] = stack.enter_context(
                    running_service(REPO, app_id, implementation, workdir)
                )
            return started[app_id, implementation]

        yield get


@pytest.mark.parametrize(
    ("vector", "implementation"),
    _targets(),
    ids=lambda target: target.id if isinstance(target, Vector) else target,
)
def test_the_implementation_answers_as_the_vector_says(
    service: Callable[[str, str], RunningService], vector: Vector, implementation: str
):
    running = service(vector.service, implementation)
    seed(vector, ROOT, running.artifact_dir, running.source_dir)
    answer = send(vector, running.url, running.token)
    assert not problems(vector, answer.status_code, answer.content), answer.text[:2000]
