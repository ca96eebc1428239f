"""`python -m invoice_stack.contracts record` (`make vectors`): write the fixtures and
record every case's answer from the reference implementation of its service into
contracts/vectors/; review the diff before committing it."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

from invoice_stack.contracts.cases import Case, all_cases, write_fixtures
from invoice_stack.contracts.services import IMPLEMENTATIONS, running_service
from invoice_stack.contracts.vectors import (
    FIXTURES,
    VECTORS_DIR,
    Vector,
    problems,
    seed,
    send,
    write_vector,
)
from invoice_stack.layout import find_repo


def _recorded(case: Case, service: str, status: int, body: bytes) -> Vector:
    """The vector of `case` as the reference answered it."""
    answer = json.loads(body)
    if 200 <= status < 300:
        response = {"status": status, "json": answer}
    else:
        response = {"status": status, "error": answer["error"], "mentions": list(case.mentions)}
    return Vector(service, case.name, case.description, case.request, response,
                  case.artifacts, case.sources)  # fmt: skip


def record(repo: Path) -> int:
    root = repo / VECTORS_DIR
    fixtures = root / FIXTURES
    shas = write_fixtures(fixtures)
    sizes = {p.name: p.stat().st_size for p in fixtures.iterdir()}
    failed = 0
    for service, cases in all_cases(shas, sizes).items():
        shutil.rmtree(root / service, ignore_errors=True)
        reference = IMPLEMENTATIONS[service][0]
        with (
            tempfile.TemporaryDirectory() as work,
            running_service(repo, service, reference, Path(work)) as running,
        ):
            for case in cases:
                draft = Vector(service, case.name, case.description, case.request, {},
                               case.artifacts, case.sources)  # fmt: skip
                seed(draft, root, running.artifact_dir, running.source_dir)
                answer = send(draft, running.url, running.token)
                vector = _recorded(case, service, answer.status_code, answer.content)
                wrong = problems(vector, answer.status_code, answer.content)
                if wrong:  # a message that does not mention what the case says it must
                    failed += 1
                    print(f"{vector.id}: {'; '.join(wrong)}", file=sys.stderr)
                write_vector(root, vector)
                print(f"{vector.id}: {answer.status_code}")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m invoice_stack.contracts")
    parser.add_argument("command", choices=["record"])
    parser.parse_args(argv)
    return record(find_repo())
